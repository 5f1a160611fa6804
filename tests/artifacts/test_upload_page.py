"""The evidence page says, before anything is uploaded, which kinds of file each evidence type
takes: in the choice itself and in a list beside it."""

import pytest
from django.urls import reverse

from tests.credentials.factories import EvidenceTypeFactory

pytestmark = pytest.mark.django_db


def test_each_evidence_type_says_which_files_it_takes(client, educator, district, submission):
    district.artifact_families = ["document", "image", "audio"]
    district.save()
    photos = EvidenceTypeFactory(district=district, name="Photos of student work", accepts="image")
    video = EvidenceTypeFactory(district=district, name="Lesson video", accepts="video")
    link = EvidenceTypeFactory(district=district, name="Shared document", accepts="link")
    anything = EvidenceTypeFactory(district=district, name="Anything else", accepts="any")
    client.force_login(educator)
    page = client.get(reverse("artifacts:upload", args=[submission.pk])).content.decode()
    assert f'<option value="{photos.pk}">Photos of student work (takes images)</option>' in page
    # The district takes no video files: a video is added as a link.
    assert f'<option value="{video.pk}">Lesson video (takes links only)</option>' in page
    assert f'<option value="{link.pk}">Shared document (takes links only)</option>' in page
    assert (
        f'<option value="{anything.pk}">Anything else (takes documents (PDF, office files, '
        "text), images, audio)</option>"
    ) in page
    assert "What each evidence type takes" in page
    assert "<dt>Photos of student work</dt><dd>Images." in page


@pytest.mark.parametrize("status", ["submitted_for_review", "earned", "withdrawn"])
def test_a_plan_closed_to_evidence_offers_no_way_to_add_any(client, educator, status):
    """No link to "add or manage" evidence leads to a page that refuses it, and no page says
    "upload below" above no upload form."""
    from tests.submissions.factories import SubmissionFactory

    submission = SubmissionFactory(plan__lead=educator, educator=educator, status=status)
    client.force_login(educator)
    plan_page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert "Add or manage evidence" not in plan_page
    assert "No evidence." in plan_page and "uploaded yet" not in plan_page
    evidence = client.get(reverse("artifacts:upload", args=[submission.pk])).content.decode()
    assert "evidence cannot be added or changed now" in evidence
    assert "below" not in evidence and 'id="upload-heading"' not in evidence


def test_a_plan_open_to_evidence_links_to_its_evidence_page(client, educator, submission):
    client.force_login(educator)
    plan_page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert "Add or manage evidence" in plan_page
    assert reverse("artifacts:upload", args=[submission.pk]) in plan_page
    evidence = client.get(reverse("artifacts:upload", args=[submission.pk])).content.decode()
    assert "Upload student work, photos, documents or video below" in evidence


def test_the_evidence_page_says_which_rubric_criteria_have_no_evidence_yet(
    client, educator, submission
):
    """Before submitting, the educator sees each criterion reviewers will score and whether any
    accepted evidence speaks to it; refused files and files still being checked do not count."""
    from artifacts.models import Artifact
    from artifacts.selectors import criteria_for_submission
    from tests.artifacts.factories import ArtifactFactory

    routines, reflection = criteria_for_submission(submission)[:2]
    routines.title, routines.component = "Routines in practice", "implementation"
    reflection.title, reflection.component = "Reflects on change", "reflection"
    routines.save()
    reflection.save()
    ArtifactFactory(submission=submission, criterion=routines, component="implementation")
    ArtifactFactory(submission=submission, component="impact")  # neither criterion's part
    ArtifactFactory(submission=submission, criterion=reflection, status=Artifact.Status.REFUSED)
    ArtifactFactory(submission=submission, criterion=reflection, status=Artifact.Status.CHECKING)
    client.force_login(educator)
    url = reverse("artifacts:upload", args=[submission.pk])

    page = client.get(url).content.decode()
    assert "Evidence for each rubric criterion" in page
    assert "Routines in practice (Implementation): 1 piece<" in page
    assert "Reflects on change (Reflection): <strong" in page
    assert page.count("no evidence yet") == 1

    # Linked to its part of the plan and to no criterion, a piece counts for that criterion.
    ArtifactFactory(submission=submission, component="reflection")
    page = client.get(url, {"part": "list"}).content.decode()
    assert "no evidence yet" not in page
    assert "Reflects on change (Reflection): 1 piece<" in page


def test_the_plan_page_counts_the_evidence_per_criterion_at_its_step_to_review(
    client, educator, submission
):
    """The step to "Submit for review" on the plan page says, as the evidence page does, which
    criterion has no evidence yet; and reads as many queries with more criteria and evidence."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from artifacts.selectors import criteria_for_submission
    from credentials.models import RubricCriterion
    from tests.artifacts.factories import ArtifactFactory

    routines, reflection = criteria_for_submission(submission)[:2]
    routines.title, routines.component = "Routines in practice", "implementation"
    reflection.title, reflection.component = "Reflects on change", "reflection"
    routines.save()
    reflection.save()
    ArtifactFactory(submission=submission, criterion=routines, component="implementation")
    client.force_login(educator)
    url = reverse("submissions:detail", args=[submission.pk])
    evidence = client.get(reverse("artifacts:upload", args=[submission.pk])).content.decode()

    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()

    assert "Evidence for each rubric criterion" in page
    for line in ("Routines in practice (Implementation): 1 piece<", "Reflects on change"):
        assert line in page and line in evidence
    assert "Reflects on change (Reflection): <strong" in page
    assert page.count("no evidence yet") == evidence.count("no evidence yet") == 1
    # Read before pressing the button, not only at the foot of the page.
    assert page.index("Evidence for each rubric criterion") < page.index(">Submit for review<")

    for number in range(4):
        RubricCriterion.objects.create(
            rubric=routines.rubric, position=10 + number, title=f"More {number}"
        )
        ArtifactFactory(submission=submission, criterion=reflection, component="reflection")
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert "Reflects on change (Reflection): 4 pieces<" in page
    assert page.count("no evidence yet") == 4
    assert len(more) == len(few)


def test_a_draft_plan_page_does_not_count_evidence_per_criterion(client, educator):
    from tests.submissions.factories import SubmissionFactory

    submission = SubmissionFactory(plan__lead=educator, educator=educator)
    client.force_login(educator)
    page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert "Evidence for each rubric criterion" not in page
