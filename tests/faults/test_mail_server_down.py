"""The mail server down, with real processes (a Celery worker, an SMTP server started later on
the port it was told to use): every kind of mail the app sends waits and goes once.

The kinds: an invitation, an address already in use elsewhere (roster), a colleague added to a
plan, a late certificate (to the district's admins), and notifications: an issued award's and one
of the review side."""

import subprocess
import sys
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from badges.models import ISSUANCE_LONG_WAIT
from badges.services import award_issuance_recover
from microcreds.celery import app
from notifications.models import Notification
from outbox.models import Mail
from people.services import person_invite, roster_import
from reviews.services import notify
from submissions.models import Submission
from submissions.services import plan_member_add
from tests.accounts.factories import DistrictAdminFactory, EducatorFactory
from tests.badges.factories import earned_submission
from tests.submissions.factories import SubmissionFactory

from .processes import ROOT, app_env, free_port, start_worker, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    """Tasks sent for real, on this suite's own Redis database, emptied first."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def every_kind_of_mail(district, other_district) -> int:
    """Queue one mail of each kind; return how many messages that makes."""
    admin = DistrictAdminFactory(district=district, email="admin@pv.example.org")
    educator = EducatorFactory(district=district, email="lead@pv.example.org")
    colleague = EducatorFactory(district=district, email="colleague@pv.example.org")
    EducatorFactory(district=other_district, email="taken@lakeside.example.org")
    person_invite(
        actor=admin,
        email="new@pv.example.org",
        first_name="New",
        last_name="Person",
        building=None,
        is_educator=True,
    )
    roster_import(
        actor=admin,
        text="first_name,last_name,email,building,roles\nTa,Ken,taken@lakeside.example.org,,educator\n",
    )
    draft = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.DRAFT
    )
    plan_member_add(submission=draft, colleague=colleague, actor=educator)
    late = earned_submission(educator=educator)  # its issuance e-mails the award
    Submission.objects.filter(pk=late.pk).update(
        decided_at=timezone.now() - ISSUANCE_LONG_WAIT - timedelta(minutes=1)
    )
    award_issuance_recover()  # hands issuance back and tells the admins it is late
    notify(
        recipient=educator,
        kind=Notification.Kind.EARNED,
        title="A notification",
        body="Body.",
        url="/",
        event_key="fault-test",
    )
    return Mail.objects.count() + 1


def test_every_mail_waits_for_the_mail_server_and_goes_once(
    s3_storage, district, other_district, broker, tmp_path
):
    port = free_port()
    env = app_env(s3_storage, EMAIL_URL=f"smtp://127.0.0.1:{port}", EMAIL_TIMEOUT="5")
    worker = sink = None
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    try:
        worker = start_worker(env, tmp_path / "worker.log")
        expected = every_kind_of_mail(district, other_district)
        # Wait for the award's notice too (recorded by the worker once it has issued the award).
        wait_for(
            lambda: Notification.objects.filter(kind=Notification.Kind.AWARD_ISSUED).exists(),
            timeout=120,
            interval=0.2,
            what="the award to be issued",
        )
        expected += 1
        wait_for(
            lambda: Mail.objects.filter(attempts__gte=1).count() == Mail.objects.count(),
            timeout=60,
            interval=0.2,
            what="every mail to meet the server down",
        )
        assert not Mail.objects.filter(sent_at__isnull=False).exists()
        assert not Notification.objects.filter(emailed_at__isnull=False).exists()

        sink = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.smtp_sink", str(port), str(inbox)],
            cwd=ROOT,
            start_new_session=True,
        )
        wait_for(
            lambda: (
                not Mail.objects.filter(sent_at__isnull=True).exists()
                and not Notification.objects.filter(emailed_at__isnull=True).exists()
            ),
            timeout=120,
            interval=0.2,
            what="every mail to go once the server is up",
        )
        received = sorted(Path(inbox).iterdir())
        # The notifications' e-mails (the award's, and one of the review side) are no Mail rows.
        assert len(received) == expected == Mail.objects.count() + 2
        subjects = [
            str(make_header(decode_header(message_from_bytes(m.read_bytes())["Subject"])))
            for m in received
        ]
        for subject in (
            "invitation",
            "tried to add you",
            "added you",
            "are ready",
            "late",
            "A notification",
        ):
            assert sum(subject in text for text in subjects) == 1, (subject, subjects)
    finally:
        stop(worker)
        stop(sink)
