"""Redis (the broker and the cache) stopped while an educator submits a plan, with real
processes: the web app under gunicorn, a Celery worker with its beat, a redis-server of the
test's own. The submission is saved and the educator is told so; its review round waits in the
outbox; once Redis is back the beat relay sends it, the reviewer is assigned and notified, once.
"""

import pytest

from notifications.models import Notification
from outbox.models import OutboxMessage
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import BuildingFactory, EducatorFactory, ReviewerFactory
from tests.reviews.factories import PanelFactory
from tests.submissions.factories import SubmissionFactory, complete_plan

from .processes import (
    RedisServer,
    app_env,
    post_form,
    signed_in,
    start_web,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_plan_submitted_while_redis_is_down_is_saved_and_reviewed_once_it_is_back(
    s3_storage, district, building, tmp_path
):
    reviewer = ReviewerFactory(
        district=district, building=BuildingFactory(district=district, name="South")
    )
    PanelFactory(district=district, chair=reviewer, members=[reviewer])
    educator = EducatorFactory(district=district, building=building)
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.DRAFT
    )
    complete_plan(submission.plan)

    redis = RedisServer(tmp_path)
    redis.start()
    env = app_env(
        s3_storage,
        REDIS_URL=f"{redis.url}/0",
        REDIS_CACHE_URL=f"{redis.url}/1",
        CELERY_BROKER_URL=f"{redis.url}/0",
        CELERY_RESULT_BACKEND=f"{redis.url}/0",
        OUTBOX_RELAY_SECONDS="1",
    )
    web = worker = None
    try:
        web, base = start_web(env, tmp_path / "web.log")
        browser = signed_in(base, educator)
        redis.stop()

        submitted = post_form(browser, f"{base}/plans/{submission.pk}/submit-plan/")
        assert submitted.status_code == 302, (tmp_path / "web.log").read_text()[-3000:]
        page = browser.get(f"{base}{submitted.headers['Location']}", timeout=30)
        assert page.status_code == 200
        assert "Your plan was submitted for pre-approval." in page.text

        submission.refresh_from_db()
        assert submission.status == Submission.Status.PLAN_SUBMITTED
        waiting = OutboxMessage.objects.get(task=assign_reviewers.name)
        assert waiting.sent_at is None and waiting.attempts >= 1
        assert not ReviewAssignment.objects.filter(submission=submission).exists()

        worker = start_worker(env, tmp_path / "worker.log", beat=True)
        redis.start()
        assignment = wait_for(
            lambda: ReviewAssignment.objects.filter(submission=submission).first(),
            timeout=90,
            interval=0.2,
            what="the reviewer to be assigned once Redis is back",
        )
        assert assignment.reviewer == reviewer
        wait_for(
            lambda: Notification.objects.filter(recipient=reviewer, emailed_at__isnull=False),
            timeout=60,
            interval=0.2,
            what="the reviewer's notification to be e-mailed",
        )
        waiting.refresh_from_db()
        assert waiting.sent_at is not None
        assert ReviewAssignment.objects.filter(submission=submission).count() == 1
        assert Notification.objects.filter(recipient=reviewer).count() == 1
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    finally:
        stop(worker)
        stop(web)
        redis.stop()
