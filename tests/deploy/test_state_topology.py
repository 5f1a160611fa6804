"""A state's topology, run here with real processes: two gunicorn instances (gunicorn.conf.py)
behind Debian's haproxy running deploy/haproxy/haproxy.cfg, two Celery workers (the second with
the one beat), on the suite's PostgreSQL, Redis and S3 server.

Mid-load (reviewers' pages and their scores, whose last ones earn the plans and so issue
awards), one web instance and one worker are killed with SIGKILL. Every request is answered
2xx/3xx, the proxy sending again to the other instance what the dead one never answered; the
exceptions are the requests the dead instance held when it died (at most its 4 threads): a
response it had begun to send, or a form haproxy no longer holds to send again. The test finds
each such one in the proxy's log (server-side abort, "SD" or "SH"). Every award is issued, and
none twice (one row, one audit entry, one certificate each)."""

import os
import random
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.urls import reverse

from accounts.models import AuditEvent
from badges import keys
from badges.models import Award
from microcreds.celery import app
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory
from tests.faults.processes import (
    BIN,
    ROOT,
    app_env,
    free_port,
    post_form,
    signed_in,
    start_worker,
    stop,
    wait_for,
)
from tests.reviews.factories import PanelFactory, submission_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PLANS = 4
VISIBILITY_TIMEOUT = 3


@pytest.fixture
def broker():
    """A clean queue on this suite's Redis database, and tasks sent for real."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    options = app.conf.broker_transport_options
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**options, "visibility_timeout": VISIBILITY_TIMEOUT}
    yield
    app.conf.task_always_eager = True
    app.conf.broker_transport_options = options


def start_web(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn as the Dockerfile starts it (gunicorn.conf.py), one process of four threads."""
    address = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "microcreds.wsgi:application",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            address,
            # Two instances on one machine: the default control socket would be shared.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": "1", "WEB_THREADS": "4"},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    return process, address


def start_proxy(web: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    address = f"127.0.0.1:{free_port()}"
    config = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
    process = subprocess.Popen(
        ["haproxy", "-db", "-f", str(config)],
        env={**os.environ, "PROXY_BIND": address, "WEB_1": web[0], "WEB_2": web[1]},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    return process, f"http://{address}"


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def score_form(assignment: ReviewAssignment) -> dict:
    """Every criterion met (level 2), as a reviewer fills the scoring page."""
    data = {"overall_comment": "Clear evidence of impact."}
    for criterion in assignment.submission.plan.microcredential.rubric.criteria.all():
        data[f"level_{criterion.pk}"] = criterion.levels.get(score=2).pk
        data[f"feedback_{criterion.pk}"] = f"Meets {criterion.title}."
    return data


def test_a_web_instance_and_a_worker_killed_mid_load_lose_no_request_and_issue_no_award_twice(
    district, s3_storage, broker, tmp_path
):
    # The processes start first: their start-up (seconds of imports) overlaps the set-up.
    env = app_env(
        s3_storage,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        # The beat's outbox relay sends what a killed web process committed but never sent.
        OUTBOX_RELAY_SECONDS="2",
    )
    web = [start_web(env, tmp_path / f"web{i}.log") for i in (1, 2)]
    doomed_log = tmp_path / "worker1.log"
    workers = [
        start_worker(env, doomed_log, name="worker1"),
        start_worker(env, tmp_path / "worker2.log", name="worker2", beat=True),
    ]
    proxy, base = start_proxy([address for _, address in web], tmp_path / "haproxy.log")
    try:
        reviewers = [
            ReviewerFactory(district=district, email=f"reviewer{i}@pv.example.org")
            for i in range(3)
        ]
        PanelFactory(district=district, chair=reviewers[0], members=reviewers)
        educators = [
            EducatorFactory(district=district, email=f"teacher{i}@pv.example.org") for i in range(2)
        ]
        submissions = [
            submission_in(Submission.Status.SUBMITTED_FOR_REVIEW, educator=educators[i % 2])
            for i in range(PLANS)
        ]
        for submission in submissions:
            assign_reviewers(submission.pk, "final")
        assignments = list(
            ReviewAssignment.objects.filter(submission__in=submissions).select_related(
                "reviewer", "submission__plan__microcredential__rubric"
            )
        )
        # The district's signing key exists before issuance, as `manage.py badge_keys` leaves it.
        keys.key_generate(district)
        certificates_before = set(pdfs(s3_storage, district.slug))

        for _, address in web:
            wait_for(lambda a=address: answers(f"http://{a}/healthz"), 60, 0.2, "gunicorn")
        wait_for(lambda: answers(f"{base}/healthz"), 20, 0.1, "haproxy")

        browsers = {reviewer.pk: signed_in(base, reviewer) for reviewer in reviewers}
        for browser in browsers.values():
            # A connection of its own per request, as a browser's first click makes: a browser
            # whose kept-alive connection is closed under it sends the request again on a new
            # one, which `requests` does not; this test is about the web processes.
            browser.headers["Connection"] = "close"
        # (method, path, status or error) of every request, in the order they were answered.
        outcomes: list[tuple[str, str, int | str]] = []
        requests_sent = [
            *(("POST", a) for a in assignments),
            *(("GET", a) for a in assignments for _ in range(2)),
            *(("QUEUE", r) for r in reviewers for _ in range(4)),
            *(("HEALTH", None) for _ in range(10)),
        ]
        random.Random(16).shuffle(requests_sent)
        killed_after: list[int] = []

        def send(item) -> None:
            kind, subject = item
            method = "POST" if kind == "POST" else "GET"
            if kind in ("POST", "GET"):
                path, browser = (
                    reverse("reviews:review", args=[subject.pk]),
                    browsers[subject.reviewer_id],
                )
            elif kind == "QUEUE":
                path, browser = reverse("reviews:queue"), browsers[subject.pk]
            else:
                path, browser = "/healthz", requests.Session()
            try:
                if method == "POST":
                    response = post_form(browser, base + path, score_form(subject))
                else:
                    response = browser.get(base + path, timeout=60)
                outcomes.append((method, path, response.status_code))
            except requests.RequestException as error:
                outcomes.append((method, path, repr(error)))

        def kill_mid_load() -> None:
            wait_for(lambda: len(outcomes) >= len(requests_sent) // 3, 60, 0.01, "a third")
            stop(web[0][0], signal.SIGKILL)
            killed_after.append(len(outcomes))
            # The first worker dies in the middle of an issuance it took.
            wait_for(
                lambda: "issue_award[" in doomed_log.read_text(), 60, 0.02, "worker1's issuance"
            )
            time.sleep(0.3)
            stop(workers[0], signal.SIGKILL)

        killer = threading.Thread(target=kill_mid_load)
        killer.start()
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(send, requests_sent))
        killer.join(timeout=90)

        assert len(outcomes) == len(requests_sent)
        assert web[0][0].poll() is not None and workers[0].poll() is not None
        assert killed_after[0] < len(outcomes), "the load ended before the web instance died"
        proxy_log = (tmp_path / "haproxy.log").read_text()
        # What the proxy could not send elsewhere: a request the killed process held when it
        # died, either answered in part (its headers passed on, then the connection dropped: "SD"
        # in haproxy's log) or taken and never answered, past the proxy's retries ("SH"; the
        # proxy buffers each form's body to send it again, but a process that read the request
        # and then died mid-work is a slow answer, not an empty one). Every other request must be
        # answered.
        cut = re.findall(r" S[DH]-- .*\"(GET|POST) (\S+) HTTP", proxy_log)
        failed = [(m, p, e) for m, p, e in outcomes if not (isinstance(e, int) and 200 <= e < 400)]
        assert sorted((m, p) for m, p, _ in failed) == sorted(cut), (failed, proxy_log[-6000:])
        retried = re.findall(r" \d+/\d+/\d+/\d+/\+?[1-9]\d* \d+/\d+ \"", proxy_log)
        print(
            f"{len(outcomes)} requests, {len(retried)} sent again by the proxy, "
            f"{len(cut)} cut mid-response: {cut}"
        )
        # Only what was in flight on the killed instance at that instant (4 threads) can be cut.
        assert len(cut) <= 4, cut

        wait_for(
            lambda: (
                Award.objects.filter(submission__in=submissions, state=Award.State.ISSUED).count()
                == PLANS
            ),
            60,
            0.2,
            "every award to be issued",
        )
        assert (
            Submission.objects.filter(
                pk__in=[s.pk for s in submissions], status=Submission.Status.EARNED
            ).count()
            == PLANS
        )
        awards = list(Award.objects.filter(submission__in=submissions))
        assert len(awards) == PLANS
        for award in awards:
            assert AuditEvent.objects.filter(action="award.issued", target_id=award.pk).count() == 1
        new_certificates = set(pdfs(s3_storage, district.slug)) - certificates_before
        assert len(new_certificates) == PLANS
    finally:
        # Test processes: no need for their graceful shutdowns.
        for process in (proxy, *(process for process, _ in web), *workers):
            stop(process, signal.SIGKILL)


def pdfs(s3_storage, slug: str) -> list[str]:
    paginator = s3_storage["client"].get_paginator("list_objects_v2")
    return [
        item["Key"]
        for page in paginator.paginate(Bucket=s3_storage["bucket"], Prefix=f"badges/{slug}/")
        for item in page.get("Contents", [])
        if item["Key"].endswith(".pdf")
    ]
