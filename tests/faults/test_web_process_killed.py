"""A web process killed (SIGKILL, gunicorn's master and worker) in the middle of a request that
writes a great deal, with real processes: nothing of it is half-written, and sending it again
once the app is back does it once, not twice.

The request: a district admin confirms a roster import of many people (one transaction: people,
their e-mail records, audit entries, invitations queued in the outbox)."""

import re
import signal
import threading
import time

import pytest
import requests

from accounts.models import AuditEvent, User
from outbox.models import Mail, OutboxMessage
from tests.accounts.factories import DistrictAdminFactory

from .processes import app_env, free_port, post_form, signed_in, start_web, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 1500


def roster() -> bytes:
    rows = [f"First{i},Last{i},person{i}@pv.example.org,,educator" for i in range(PEOPLE)]
    return ("first_name,last_name,email,building,roles\n" + "\n".join(rows) + "\n").encode()


def test_a_web_process_killed_mid_import_leaves_nothing_and_the_retry_imports_once(
    s3_storage, district, tmp_path
):
    admin = DistrictAdminFactory(district=district)
    # No broker answers: the invitations wait in the outbox (and never flood the suite's queue).
    env = app_env(s3_storage, CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    people_before = User.objects.count()
    web, base = start_web(env, tmp_path / "web.log")
    browser = signed_in(base, admin)
    try:
        preview = post_form(
            browser, f"{base}/district/people/import/", files={"roster": ("roster.csv", roster())}
        )
        assert preview.status_code == 200, preview.text[-2000:]
        token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
        outcome: list = []

        def confirm() -> None:
            try:
                outcome.append(
                    post_form(
                        browser,
                        f"{base}/district/people/import/confirm/",
                        {"token": token, "invite_new": "on"},
                    )
                )
            except requests.RequestException as exc:
                outcome.append(exc)

        sending = threading.Thread(target=confirm)
        sending.start()
        time.sleep(1.5)
        stop(web, signal.SIGKILL)
        sending.join(timeout=30)
        assert isinstance(outcome[0], requests.RequestException), (
            "the import finished before the web process was killed"
        )
        # Nothing half-written: the import was one transaction.
        assert User.objects.count() == people_before
        assert not AuditEvent.objects.filter(action__in=["person.imported", "roster.imported"])
        assert not Mail.objects.exists() and not OutboxMessage.objects.exists()

        web, base = start_web(env, tmp_path / "web-again.log")
        again = post_form(
            browser, f"{base}/district/people/import/confirm/", {"token": token, "invite_new": "on"}
        )
        assert again.status_code == 302 and again.headers["Location"] == "/district/people/"
        assert User.objects.count() == people_before + PEOPLE
        # Sent a third time (a double click, a browser retry): nothing is done twice.
        third = post_form(
            browser, f"{base}/district/people/import/confirm/", {"token": token, "invite_new": "on"}
        )
        assert third.status_code == 302 and third.headers["Location"].endswith("/import/")
        assert User.objects.count() == people_before + PEOPLE
        assert AuditEvent.objects.filter(action="roster.imported").count() == 1
        assert Mail.objects.count() == PEOPLE
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == PEOPLE
    finally:
        stop(web)
