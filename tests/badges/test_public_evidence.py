"""The educator chooses the evidence their badge shows, in their own words, until it is issued."""

import pytest
from django.urls import reverse

from badges.models import PublicEvidence
from badges.services import award_issue_for_submission
from submissions.models import Submission
from tests.artifacts.factories import ArtifactFactory
from tests.badges.factories import earned_submission
from tests.reviews.factories import submission_in

pytestmark = pytest.mark.django_db


def page(submission) -> str:
    return reverse("badges:public_evidence", kwargs={"submission_id": submission.pk})


def test_the_educator_chooses_evidence_and_the_issued_badge_carries_it(client, educator):
    submission = submission_in(Submission.Status.SUBMITTED_FOR_REVIEW, educator=educator)
    client.force_login(educator)

    response = client.post(
        page(submission),
        {
            "title_1": "Morning routine chart",
            "narrative_1": "Co-written with my class; transitions took half the time by week 4.",
            "title_2": "",
            "narrative_2": "",
        },
    )

    assert response.status_code == 302
    assert [(e.title, e.narrative) for e in submission.public_evidence.all()] == [
        (
            "Morning routine chart",
            "Co-written with my class; transitions took half the time by week 4.",
        )
    ]
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.EARNED)
    award = award_issue_for_submission(submission_id=submission.pk)
    names = [entry["name"] for entry in award.credential["evidence"]]
    assert "Morning routine chart" in names


def test_a_title_needs_its_narrative(client, educator):
    submission = submission_in(Submission.Status.IN_PROGRESS, educator=educator)
    client.force_login(educator)

    response = client.post(page(submission), {"title_1": "Routine chart", "narrative_1": ""})

    assert response.status_code == 200
    assert "Say what this evidence shows." in response.content.decode()
    assert not PublicEvidence.objects.exists()


def test_once_the_badge_is_issued_its_evidence_is_shown_and_cannot_change(client, educator):
    submission = earned_submission(educator=educator)
    PublicEvidence.objects.create(
        submission=submission, position=1, title="Routine chart", narrative="Made with my class."
    )
    award = award_issue_for_submission(submission_id=submission.pk)
    verify_page = client.get(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    client.force_login(educator)

    shown = client.get(page(submission)).content.decode()
    refused = client.post(page(submission), {"title_1": "Other", "narrative_1": "Changed."})

    assert "Routine chart" in shown and "a signed badge never changes" in shown
    assert refused.status_code == 200
    assert "cannot be changed now" in refused.content.decode()
    assert list(PublicEvidence.objects.values_list("title", flat=True)) == ["Routine chart"]
    assert "Evidence the educator shares" in verify_page.content.decode()
    assert "Made with my class." in verify_page.content.decode()


def test_the_plan_page_links_to_the_choice_before_the_plan_is_earned(client, educator):
    submission = submission_in(Submission.Status.IN_PROGRESS, educator=educator)
    ArtifactFactory(submission=submission)
    client.force_login(educator)

    body = client.get(reverse("submissions:detail", kwargs={"pk": submission.pk})).content.decode()

    assert page(submission) in body


def test_a_plan_without_evidence_says_there_is_none_to_choose_yet(client, educator):
    draft = submission_in(Submission.Status.DRAFT, educator=educator)
    client.force_login(educator)

    body = client.get(reverse("submissions:detail", kwargs={"pk": draft.pk})).content.decode()

    assert page(draft) not in body and "Choose the evidence your badge will show" not in body
    assert "This plan has no evidence yet" in body
