"""A district admin retries a late certificate from the Awards page: one POST button per row."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from badges import services
from badges.models import ISSUANCE_RETRY_AFTER, Award, IssuanceRecovery
from badges.services import AwardError, award_issuance_retry, award_issue_for_submission
from submissions.models import Submission
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(educator) -> Submission:
    """Earned twenty minutes ago, its hand-off to issuance lost (no award at all)."""
    submission = earned_submission(educator=educator)
    submission.decided_at = timezone.now() - ISSUANCE_RETRY_AFTER * 2
    submission.save(update_fields=["decided_at"])
    return submission


@pytest.fixture
def hand_offs(monkeypatch) -> list[int]:
    """Hand-offs recorded instead of run, as with the broker down."""
    handed: list[int] = []
    monkeypatch.setattr(services, "_hand_to_issuance", handed.append)
    return handed


def retry_url(submission: Submission) -> str:
    return reverse("badges:issuance_retry", args=[submission.pk])


def test_the_awards_page_has_a_retry_button_per_late_certificate(client, district_admin, late):
    client.force_login(district_admin)
    page = client.get(reverse("badges:district_awards")).content.decode()
    assert f'action="{retry_url(late)}"' in page
    assert 'method="post"' in page and "Retry now" in page


def test_the_admin_retries_and_the_certificate_is_issued(
    client, district_admin, late, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(late), follow=True)

    assert response.redirect_chain == [(reverse("badges:district_awards"), 302)]
    assert "handed back to issuance" in response.content.decode()
    assert Award.objects.get(submission=late).state == Award.State.ISSUED
    recovery = IssuanceRecovery.objects.get(submission=late)
    assert recovery.requeues == 1
    event = AuditEvent.objects.get(action="award.issuance_retried", target_id=late.pk)
    assert event.actor_id == district_admin.pk


def test_retrying_twice_queues_twice_and_issues_once(
    district_admin, late, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award_issuance_retry(submission=late, actor=district_admin)
    with pytest.raises(AwardError, match="issued already"):
        award_issuance_retry(submission=late, actor=district_admin)
    assert Award.objects.filter(submission=late).count() == 1
    # A retry while an award is still being prepared completes that award, not a second one.
    other = earned_submission(educator=late.educator)
    services._award_record(other.pk)
    with django_capture_on_commit_callbacks(execute=True):
        award_issuance_retry(submission=other, actor=district_admin)
        award_issuance_retry(submission=other, actor=district_admin)
    assert Award.objects.filter(submission=other, state=Award.State.ISSUED).count() == 1
    assert IssuanceRecovery.objects.get(submission=other).requeues == 2


def test_only_a_district_admin_of_the_district_may_retry(
    district_admin, outsider_admin, educator, reviewer, late, hand_offs
):
    for actor in (outsider_admin, educator, reviewer):
        with pytest.raises(PermissionDenied):
            award_issuance_retry(submission=late, actor=actor)
    assert not IssuanceRecovery.objects.exists()
    assert hand_offs == []


def test_an_issued_certificate_is_not_retried(client, district_admin, late, hand_offs):
    award_issue_for_submission(submission_id=late.pk)
    client.force_login(district_admin)
    assert client.post(retry_url(late)).status_code == 404
    assert hand_offs == []


def test_anonymous_goes_to_sign_in(client, late, hand_offs):
    response = client.post(retry_url(late))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert hand_offs == []


@pytest.mark.parametrize("who", ["educator", "reviewer"])
def test_the_wrong_role_is_refused(client, request, late, hand_offs, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(retry_url(late)).status_code == 403
    assert hand_offs == []


def test_another_districts_admin_gets_404(client, outsider_admin, late, hand_offs):
    client.force_login(outsider_admin)
    assert client.post(retry_url(late)).status_code == 404
    assert not IssuanceRecovery.objects.exists()


def test_get_is_not_allowed(client, district_admin, late, hand_offs):
    client.force_login(district_admin)
    assert client.get(retry_url(late)).status_code == 405
    assert hand_offs == []


def test_a_submission_not_earned_is_404(client, district_admin, late, hand_offs):
    Submission.objects.filter(pk=late.pk).update(status=Submission.Status.NOT_YET)
    client.force_login(district_admin)
    assert client.post(retry_url(late)).status_code == 404
    assert hand_offs == []
