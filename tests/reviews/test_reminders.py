from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from reviews import services
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers, send_overdue_reminders
from submissions.models import Submission
from submissions.transitions import submission_move

from .factories import submission_in

SubmissionStatus = Submission.Status


def overdue_kinds(user):
    return list(user.notifications.filter(kind="overdue").values_list("event_key", flat=True))


@pytest.fixture
def waiting(db, panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    return ReviewAssignment.objects.get(pk=pk)


def test_the_beat_schedule_runs_the_registered_task():
    from microcreds.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["review-overdue-reminders"]
    assert entry["task"] == "reviews.tasks.send_overdue_reminders"
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 24 * 3600


@pytest.mark.django_db
def test_nothing_before_the_due_date(waiting):
    assert services.overdue_reminders_send(now=waiting.due_at - timedelta(minutes=1)) == 0
    assert not Notification.objects.filter(kind="overdue").exists()


@pytest.mark.django_db
def test_reviewer_then_chair_each_once(
    waiting, chair, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = waiting.reviewer
    day_after = waiting.due_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_reminders_send(now=day_after) == 1
    assert overdue_kinds(reviewer) == [f"overdue:{waiting.pk}"]
    assert overdue_kinds(chair) == []
    assert any("Overdue review" in m.subject for m in mailoutbox)
    # Again the same day: nothing new.
    assert services.overdue_reminders_send(now=day_after + timedelta(hours=1)) == 0
    # Not yet long enough for the chair.
    assert services.overdue_reminders_send(now=day_after + timedelta(days=2)) == 0
    # Past the escalation delay: the chair hears, once.
    later = day_after + services.CHAIR_ESCALATION_AFTER + timedelta(hours=1)
    assert services.overdue_reminders_send(now=later) == 1
    assert overdue_kinds(chair) == [f"overdue-chair:{waiting.stage_review_id}"]
    assert services.overdue_reminders_send(now=later + timedelta(days=5)) == 0
    note = chair.notifications.get(kind="overdue")
    assert note.url == f"/reviews/rounds/{waiting.stage_review_id}/"


@pytest.mark.django_db
def test_a_round_waiting_for_the_chair_past_due_reminds_the_chair(waiting, chair):
    StageReview.objects.filter(pk=waiting.stage_review_id).update(
        status=StageReview.Status.CHAIR, chair_reason="split"
    )
    ReviewAssignment.objects.filter(pk=waiting.pk).update(status="submitted")
    services.overdue_reminders_send(now=waiting.due_at + timedelta(hours=1))
    assert overdue_kinds(chair) == [f"overdue-chair:{waiting.stage_review_id}"]
    assert overdue_kinds(waiting.reviewer) == []


@pytest.mark.django_db
def test_no_reminder_for_a_withdrawn_plan(waiting, teacher):
    submission_move(
        submission_id=waiting.submission_id,
        to_status=SubmissionStatus.WITHDRAWN,
        actor=teacher,
        action="w",
    )
    later = waiting.due_at + timedelta(days=10)
    assert services.overdue_reminders_send(now=later) == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(celery_worker_real, panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(submission=submission)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    assert send_overdue_reminders.delay().get(timeout=30) == 1
    assert overdue_kinds(assignment.reviewer) == [f"overdue:{assignment.pk}"]


# --- A review left flagged with a deactivated reviewer ----------------------------------------


@pytest.fixture
def admin(district):
    from tests.accounts.factories import DistrictAdminFactory

    return DistrictAdminFactory(district=district, email="ada@pv.example.org")


@pytest.fixture
def flagged(district, north, south, chair, admin):
    """A plan review whose reviewer was deactivated, flagged for the chair: the panel's only
    other member works in the educator's building."""
    from people.services import person_deactivate
    from tests.accounts.factories import EducatorFactory, ReviewerFactory

    from .factories import PanelFactory

    educator = EducatorFactory(district=district, building=north)
    leaving = ReviewerFactory(district=district, building=south)
    colleague = ReviewerFactory(district=district, building=north)
    PanelFactory(district=district, chair=chair, members=[leaving, colleague])
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    [pk] = assign_reviewers(submission.pk, "plan")
    person_deactivate(person=leaving, actor=admin)
    assignment = ReviewAssignment.objects.select_related("reviewer").get(pk=pk)
    assert assignment.needs_another_reviewer
    return assignment


@pytest.mark.django_db
def test_a_flagged_review_past_due_tells_the_chair_once_never_the_deactivated_reviewer(
    flagged, chair, admin
):
    day_after = flagged.due_at + timedelta(days=1)

    assert services.overdue_reminders_send(now=day_after) == 1

    assert overdue_kinds(flagged.reviewer) == []
    assert overdue_kinds(chair) == [f"overdue-chair:{flagged.stage_review_id}"]
    note = chair.notifications.get(kind="overdue")
    assert f"It waits for {flagged.reviewer.display_name}, who was deactivated" in note.body
    assert note.url == f"/reviews/rounds/{flagged.stage_review_id}/"
    assert overdue_kinds(admin) == []  # the chair is active: the admins are not told
    # Every later run: nothing more, to anyone.
    for days in (1, 4, 30):
        assert services.overdue_reminders_send(now=day_after + timedelta(days=days)) == 0
    assert Notification.objects.filter(kind="overdue").count() == 1


@pytest.mark.django_db
def test_with_its_chair_deactivated_too_the_active_admins_hear_of_it_once(
    district, flagged, chair, admin
):
    from people.services import person_deactivate
    from tests.accounts.factories import DistrictAdminFactory

    person_deactivate(person=chair, actor=admin)
    former_admin = DistrictAdminFactory(district=district, is_active=False)
    day_after = flagged.due_at + timedelta(days=1)

    assert services.overdue_reminders_send(now=day_after) == 1
    assert services.overdue_reminders_send(now=day_after + timedelta(days=5)) == 0

    assert overdue_kinds(admin) == [f"overdue-chair:{flagged.stage_review_id}"]
    assert overdue_kinds(chair) == []
    assert overdue_kinds(former_admin) == []
    assert overdue_kinds(flagged.reviewer) == []
