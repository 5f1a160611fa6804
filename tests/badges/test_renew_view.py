"""The renew page: what the renewal asks, and starting it (access: tests/authz/matrix.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Award
from credentials.models import MicroCredential
from submissions.models import Submission
from tests.badges.factories import AwardFactory, earned_submission

pytestmark = pytest.mark.django_db


def award_expiring_in(educator, days: int) -> Award:
    submission = earned_submission(
        educator=educator,
        valid_for_days=365,
        renewal_plan=MicroCredential.RenewalPlan.IMPACT_REFLECTION,
    )
    return AwardFactory(submission=submission, expires_at=timezone.now() + timedelta(days=days))


def test_the_page_says_what_the_renewal_asks_and_starts_it(client, educator):
    award = award_expiring_in(educator, 20)
    client.force_login(educator)
    url = reverse("badges:renew", kwargs={"award_uuid": award.uuid})

    page = client.get(url).content.decode()
    assert "new Impact results and Reflection" in page
    assert "Start the renewal" in page

    response = client.post(url)
    renewal = Submission.objects.get(renews=award.submission)
    assert response.status_code == 302
    assert response.url == reverse("submissions:detail", kwargs={"pk": renewal.pk})
    plan_page = client.get(response.url).content.decode()
    assert "Renewal of your award" in plan_page
    assert reverse("badges:verify", kwargs={"award_uuid": award.uuid}) in plan_page
    # The renew page now opens the renewal under way; a second POST makes no second one.
    assert "Open your renewal" in client.get(url).content.decode()
    client.post(url)
    assert Submission.objects.filter(renews=award.submission).count() == 1


def test_before_the_window_the_page_says_when_and_a_post_starts_nothing(client, educator):
    award = award_expiring_in(educator, 90)
    client.force_login(educator)
    url = reverse("badges:renew", kwargs={"award_uuid": award.uuid})

    page = client.get(url).content.decode()
    assert "Renewal opens on" in page and "Start the renewal" not in page
    response = client.post(url, follow=True)
    assert "Renewal opens on" in response.content.decode()
    assert not Submission.objects.filter(renews__isnull=False).exists()


def test_my_badges_offers_renewal_only_in_the_window(client, educator):
    soon = award_expiring_in(educator, 20)
    later = award_expiring_in(educator, 90)
    client.force_login(educator)
    page = client.get(reverse("badges:portfolio")).content.decode()
    assert reverse("badges:renew", kwargs={"award_uuid": soon.uuid}) in page
    assert reverse("badges:renew", kwargs={"award_uuid": later.uuid}) not in page
