"""What a badge says: the level the panel found on each rubric criterion, the hours and PD
points, its alignments, and the evidence the educator chose to make public."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings

from badges import certificates
from badges.models import PublicEvidence
from badges.open_badges import rubric_summary
from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission, panel_found
from tests.badges.test_certificate import layout_text
from tests.credentials.factories import MicroCredentialFactory, RubricCriterionFactory

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (
        Path(settings.BASE_DIR) / "static/badges/schema/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)
LEVELS = [(1, "Beginning"), (2, "Proficient"), (3, "Exemplary")]


def assert_valid_ob3(credential: dict) -> None:
    jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    ).validate(credential)


@pytest.fixture
def routines(educator):
    entry = MicroCredentialFactory(
        district=educator.district,
        title="Classroom Routines",
        competency="The educator teaches, models and reinforces classroom routines.",
        estimated_hours=15,
        pd_points=1.5,
        criteria=0,
    )
    from credentials.models import Rubric

    rubric = Rubric.objects.create(microcredential=entry)
    RubricCriterionFactory(rubric=rubric, position=0, title="Lesson design", levels=LEVELS)
    RubricCriterionFactory(rubric=rubric, position=1, title="Student impact", levels=LEVELS)
    return entry


def issued(submission):
    return award_issue_for_submission(submission_id=submission.pk)


def test_the_badge_says_which_level_the_panel_found_on_each_criterion(educator, routines):
    submission = earned_submission(educator=educator, microcredential=routines)
    # Two reviewers; on "Lesson design" one found Exemplary, the other Proficient.
    panel_found(submission, [3, 3], [2, 3])

    credential = issued(submission).credential

    assert rubric_summary(credential) == [
        ("Lesson design", "Proficient"),
        ("Student impact", "Exemplary"),
    ]
    descriptions = credential["credentialSubject"]["achievement"]["resultDescription"]
    lesson = next(d for d in descriptions if d["name"] == "Lesson design")
    assert lesson["resultType"] == "RubricCriterionLevel"
    assert [level["name"] for level in lesson["rubricCriterionLevel"]] == [
        "Beginning",
        "Proficient",
        "Exemplary",
    ]
    # The passing level (the criterion passes at 2) is the one the achievement requires.
    assert lesson["requiredLevel"] == lesson["rubricCriterionLevel"][1]["id"]
    assert_valid_ob3(credential)


def test_hours_and_pd_points_are_readable_by_machine(educator, routines):
    credential = issued(earned_submission(educator=educator, microcredential=routines)).credential

    subject = credential["credentialSubject"]
    assert subject["achievement"]["creditsAvailable"] == 1.5
    assert subject["creditsEarned"] == 1.5
    hours = next(
        d
        for d in subject["achievement"]["resultDescription"]
        if d["resultType"] == "ext:ProfessionalLearningHours"
    )
    assert [r["value"] for r in subject["result"] if r["resultDescription"] == hours["id"]] == [
        "15"
    ]


def test_the_badge_aligns_to_the_state_standard_the_catalog_names(educator, routines):
    routines.state_standard = "Standard 4: Teachers facilitate learning for their students"
    routines.state_standard_url = "https://standards.example.gov/teaching/4"
    routines.save()
    plain = MicroCredentialFactory(district=educator.district, title="Plain")

    named = issued(earned_submission(educator=educator, microcredential=routines)).credential
    unnamed = issued(earned_submission(educator=educator, microcredential=plain)).credential

    alignments = named["credentialSubject"]["achievement"]["alignment"]
    assert {
        "type": ["Alignment"],
        "targetName": "Standard 4: Teachers facilitate learning for their students",
        "targetUrl": "https://standards.example.gov/teaching/4",
        "targetType": "ext:StateStandard",
    } in alignments
    assert alignments[0]["targetType"] == "ceasn:Competency"
    unnamed_types = [
        a["targetType"] for a in unnamed["credentialSubject"]["achievement"]["alignment"]
    ]
    assert "ext:StateStandard" not in unnamed_types
    assert_valid_ob3(named)


def test_the_badge_carries_the_evidence_the_educator_made_public(educator, routines):
    submission = earned_submission(educator=educator, microcredential=routines)
    PublicEvidence.objects.create(
        submission=submission,
        position=1,
        title="Morning routine chart",
        narrative="I co-wrote the chart with my class and we rehearsed it for two weeks.",
    )

    credential = issued(submission).credential

    evidence = credential["evidence"]
    assert evidence[0]["name"] == "Reviewed submission for Classroom Routines"
    assert evidence[1] == {
        "type": ["Evidence"],
        "name": "Morning routine chart",
        "narrative": "I co-wrote the chart with my class and we rehearsed it for two weeks.",
    }
    assert_valid_ob3(credential)


def test_the_certificate_shows_the_rubric_results_and_the_date_to_renew_by(educator, routines):
    routines.valid_for_days = 365
    routines.save()
    submission = earned_submission(educator=educator, microcredential=routines)
    panel_found(submission, [2, 3])
    award = issued(submission)

    text = layout_text(certificates.certificate_html(award), certificates.StaticOnlyURLFetcher())

    assert "What the review panel found" in text
    assert "Lesson design" in text and "Proficient" in text
    assert "Student impact" in text and "Exemplary" in text
    assert "renew before this date" in text
