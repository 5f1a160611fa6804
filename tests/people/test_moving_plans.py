"""The plans of an educator who moves: those under way are closed in the district left (its
records, its figures right, no review left waiting), the educator reads them from the new
district and changes nothing of them, and may start each again there with their own text."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from credentials import services as catalog
from credentials.models import MicroCredential, StateCatalogEntry
from notifications.models import Notification
from people import services
from reports import selectors as report_selectors
from reports.selectors import ReportFilters
from reviews.models import ReviewAssignment, Stage, StageReview
from reviews.selectors import queue_for_reviewer
from reviews.services import reviewers_assign
from submissions import selectors as submission_selectors
from submissions.models import Plan, PlanSource, Submission
from submissions.services import PlanError, submission_carry_over
from tests.accounts.factories import (
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    ReviewerFactory,
    StateAdminFactory,
)
from tests.artifacts.factories import ArtifactFactory
from tests.reviews.factories import submission_in
from tests.submissions.factories import PlanSourceFactory, complete_plan

pytestmark = pytest.mark.django_db
Status = Submission.Status


@pytest.fixture
def state_admin():
    return StateAdminFactory(state__name="Kansas")


@pytest.fixture
def north(state_admin):
    return DistrictFactory(state=state_admin.state, name="North USD", slug="north")


@pytest.fixture
def south(state_admin):
    return DistrictFactory(state=state_admin.state, name="South USD", slug="south")


@pytest.fixture
def north_admin(north):
    return DistrictAdminFactory(district=north)


@pytest.fixture
def south_admin(south):
    return DistrictAdminFactory(district=south)


@pytest.fixture
def mover(north):
    return EducatorFactory(district=north, email="pat@north.example.org", first_name="Pat")


def move(mover, south_admin):
    invitation = services.move_invite(actor=south_admin, roles=["educator"], email=mover.email)
    services.person_move(invitation=invitation, actor=mover)
    mover.refresh_from_db()
    return mover


def reread(submission: Submission) -> Submission:
    return Submission.objects.get(pk=submission.pk)


# --- The move closes what was under way -----------------------------------------------------------


def test_the_move_closes_every_plan_under_way_and_leaves_the_finished_ones(
    mover, north, south_admin
):
    under_way = {
        status: submission_in(status, educator=mover)
        for status in (
            Status.DRAFT,
            Status.PLAN_SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.IN_PROGRESS,
            Status.SUBMITTED_FOR_REVIEW,
            Status.NOT_YET,
        )
    }
    finished = {
        status: submission_in(status, educator=mover)
        for status in (Status.EARNED, Status.WITHDRAWN, Status.DECLINED)
    }
    move(mover, south_admin)
    assert {reread(s).status for s in under_way.values()} == {Status.LEFT_DISTRICT}
    assert {status: reread(s).status for status, s in finished.items()} == {
        status: status for status in finished
    }
    # Each stays in North, and North's audit log says who closed it, from what.
    assert {reread(s).district_id for s in under_way.values()} == {north.pk}
    closed = AuditEvent.objects.filter(action="submission.close_on_move", district=north)
    assert sorted(e.from_status for e in closed) == sorted(under_way)
    assert {e.actor_id for e in closed} == {mover.pk}


def test_nothing_waits_for_the_panel_any_more(mover, north, south_admin):
    for _ in range(3):
        ReviewerFactory(district=north)
    waiting = submission_in(Status.PLAN_SUBMITTED, educator=mover)
    assigned = reviewers_assign(submission_id=waiting.pk, stage=Stage.PLAN)
    assert assigned
    reviewer = ReviewAssignment.objects.get(pk=assigned[0]).reviewer
    assert queue_for_reviewer(user=reviewer).count() == 1

    move(mover, south_admin)
    assert queue_for_reviewer(user=reviewer).count() == 0
    assert set(
        ReviewAssignment.objects.filter(pk__in=assigned).values_list("status", flat=True)
    ) == {ReviewAssignment.Status.CANCELLED}
    stage_review = StageReview.objects.get(submission=waiting)
    assert stage_review.status == StageReview.Status.CANCELLED
    assert AuditEvent.objects.filter(
        action="review.round_cancelled", district=north, from_status=StageReview.Status.OPEN
    ).exists()
    told = Notification.objects.filter(recipient=reviewer, title__startswith="No longer needed")
    assert told.count() == 1
    # No pending review of it is left for the reminders to chase.
    assert not ReviewAssignment.objects.filter(
        submission=waiting, status=ReviewAssignment.Status.PENDING
    ).exists()


def test_the_old_districts_figures_count_it_neither_as_open_nor_as_failed(
    mover, north, south_admin
):
    submission_in(Status.DRAFT, educator=mover)
    submission_in(Status.SUBMITTED_FOR_REVIEW, educator=mover)
    filters = ReportFilters()

    def figures():
        funnel = report_selectors._funnel(
            district=north, filters=filters, today=report_selectors.timezone.localdate()
        )
        return (
            {stage["key"]: stage["count"] for stage in funnel["stages"]},
            sum(row["count"] for row in funnel["stalls"]),
            report_selectors.pass_rates(district=north, filters=filters),
            submission_selectors.district_submission_counts(district=north)["open_submissions"],
        )

    stages_before, open_before, rates_before, _ = figures()
    assert open_before == 2
    move(mover, south_admin)
    stages, still_open, rates, under_way = figures()
    # The plans drafted and submitted stay on North's record; none is open, none failed.
    assert stages["drafted"] == stages_before["drafted"] == 2
    assert stages["for_review"] == stages_before["for_review"] == 1
    assert still_open == 0 and under_way == 0
    assert rates["first_decided"] == rates_before["first_decided"] == 0
    assert stages["earned"] == 0


# --- Reading the old plans ------------------------------------------------------------------------


@pytest.fixture
def left_plan(mover, south_admin):
    """Pat's plan in progress in North, with evidence and sources, closed when Pat moved."""
    submission = submission_in(Status.IN_PROGRESS, educator=mover)
    complete_plan(submission.plan)
    Submission.objects.filter(pk=submission.pk).update(
        impact_results="Transitions fell from 6 to 2 minutes.", reflection_practice="It worked."
    )
    ArtifactFactory(submission=submission, store=True)
    move(mover, south_admin)
    return reread(submission)


def test_the_educator_reads_the_old_plan_and_changes_nothing(client, mover, left_plan):
    client.force_login(mover)
    page = client.get(reverse("submissions:detail", args=[left_plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "You left North USD on" in text
    assert "this plan stays with North USD’s records and can no longer be changed" in text
    assert "Start this plan in South USD" in text
    assert "plan_form" not in page.context and "results_form" not in page.context
    assert client.get(reverse("submissions:history", args=[left_plan.pk])).status_code == 200
    assert client.get(reverse("reviews:feedback", args=[left_plan.pk])).status_code == 200
    evidence = client.get(reverse("artifacts:upload", args=[left_plan.pk]))
    assert evidence.status_code == 200
    artifact = left_plan.artifacts.get()
    opened = client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid}))
    assert opened.status_code == 302

    version = left_plan.plan.version
    for route, body in (
        ("submissions:plan_save", {"version": version, "title": "Changed"}),
        ("submissions:results_save", {"version": left_plan.version, "impact_results": "x"}),
        ("submissions:submit_for_review", {}),
        ("submissions:withdraw", {}),
        ("submissions:member_add", {"email": "someone@north.example.org"}),
        ("artifacts:link", {"link-title": "A link", "link-url": "https://example.org/"}),
    ):
        response = client.post(reverse(route, args=[left_plan.pk]), body)
        assert response.status_code == 404, route
    after = reread(left_plan)
    assert after.status == Status.LEFT_DISTRICT
    assert Plan.objects.get(pk=left_plan.plan_id).version == version


def test_the_new_districts_admin_never_sees_the_old_plan(
    client, left_plan, south_admin, north_admin
):
    client.force_login(south_admin)
    assert client.get(reverse("reviews:feedback", args=[left_plan.pk])).status_code == 404
    artifact = left_plan.artifacts.get()
    assert client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid})).status_code == 404
    client.force_login(north_admin)
    assert client.get(reverse("reviews:feedback", args=[left_plan.pk])).status_code == 200
    assert client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid})).status_code == 302


def test_another_educator_of_either_district_gets_nothing(client, left_plan, north, south):
    for district in (north, south):
        client.force_login(EducatorFactory(district=district))
        assert client.get(reverse("submissions:detail", args=[left_plan.pk])).status_code == 404
        response = client.post(reverse("submissions:carry_over", args=[left_plan.pk]))
        assert response.status_code == 404
    assert not Submission.objects.filter(carried_from=left_plan).exists()


def test_the_dashboard_lists_the_plans_from_the_district_left(client, mover, left_plan):
    client.force_login(mover)
    page = client.get(reverse("submissions:dashboard"))
    text = page.content.decode()
    assert "Plans from North USD" in text
    assert reverse("submissions:detail", args=[left_plan.pk]) in text
    assert reverse("submissions:carry_over", args=[left_plan.pk]) in text
    assert "Closed: the educator left the district" in text


# --- Starting it again in the new district -------------------------------------------------------


def test_starting_again_copies_the_text_not_the_evidence_nor_the_reviews(mover, left_plan, south):
    started, created = submission_carry_over(left=left_plan, actor=mover)
    assert created
    assert started.district == south and started.status == Status.DRAFT
    assert started.carried_from == left_plan
    old, new = left_plan.plan, started.plan
    assert new.district == south and new.lead == mover
    for name in ("title", "rationale", "hypothesis", "actions", "timeline", "impact_measures"):
        assert getattr(new, name) == getattr(old, name), name
    assert [s.citation for s in new.sources.all()] == [s.citation for s in old.sources.all()]
    assert started.impact_results == "Transitions fell from 6 to 2 minutes."
    assert not started.artifacts.exists()
    assert not started.stage_reviews.exists() and not started.attempts.exists()
    # North's district goals are North's: none is carried.
    assert not new.district_goals.exists()
    # No counterpart in South's catalog: the educator proposes the micro-credential there.
    entry = new.microcredential
    assert entry.district == south and entry.status == MicroCredential.Status.PROPOSED
    assert entry.created_by == mover and entry.title == old.microcredential.title
    assert [c.title for c in entry.rubric.criteria.all()] == [
        c.title for c in old.microcredential.rubric.criteria.all()
    ]
    assert AuditEvent.objects.filter(
        action="submission.carry_over", district=south, actor=mover
    ).exists()
    # The old plan is untouched, and North keeps it.
    assert reread(left_plan).status == Status.LEFT_DISTRICT
    assert PlanSource.objects.filter(plan=old).count() == 3
    # Once: asking again gives the same plan back.
    assert submission_carry_over(left=left_plan, actor=mover) == (started, False)


ADOPTED = {
    "title": "Restorative Circles",
    "competency": "The educator leads restorative circles that repair harm.",
    "key_method": "Community-building and repair circles.",
    "method_components": "Learn the circle process",
    "research_and_resources": "Costello, Wachtel & Wachtel (2010).",
    "submission_guidelines": "A circle plan and a reflection.",
    "estimated_hours": "8",
    "pd_points": "1",
    "rigor": "3",
    "stack": "",
    "evidence_types": "Circle plan",
    "criteria": "Plans the circle",
    "note": "",
}


def test_an_entry_both_districts_adopted_from_the_state_is_kept(
    client, state_admin, mover, north_admin, south_admin
):
    client.force_login(state_admin)
    client.post(reverse("states:catalog_new"), ADOPTED)
    state_entry = StateCatalogEntry.objects.get(state=state_admin.state)
    north_entry = catalog.state_entry_adopt(state_entry=state_entry, actor=north_admin)
    south_entry = catalog.state_entry_adopt(state_entry=state_entry, actor=south_admin)
    draft = submission_in(Status.DRAFT, educator=mover, microcredential=north_entry)
    PlanSourceFactory(plan=draft.plan)
    move(mover, south_admin)
    started, created = submission_carry_over(left=reread(draft), actor=mover)
    assert created and started.plan.microcredential == south_entry
    assert started.plan.sources.count() == 1


def test_only_a_plan_closed_by_the_move_starts_again_and_only_by_its_educator(
    mover, north, south_admin
):
    earned = submission_in(Status.EARNED, educator=mover)
    draft = submission_in(Status.DRAFT, educator=mover)
    move(mover, south_admin)
    with pytest.raises(PlanError):
        submission_carry_over(left=reread(earned), actor=mover)
    with pytest.raises(PlanError):
        submission_carry_over(left=reread(draft), actor=EducatorFactory(district=mover.district))
    assert not Submission.objects.filter(district=mover.district).exists()


def test_the_button_starts_it_and_the_old_plan_then_links_to_it(client, mover, left_plan):
    client.force_login(mover)
    response = client.post(reverse("submissions:carry_over", args=[left_plan.pk]))
    started = Submission.objects.get(carried_from=left_plan)
    assert response["Location"] == reverse("submissions:detail", args=[started.pk])
    page = client.get(reverse("submissions:detail", args=[left_plan.pk])).content.decode()
    assert "Open the plan you started again in South USD" in page
    assert reverse("submissions:carry_over", args=[left_plan.pk]) not in page
    client.post(reverse("submissions:carry_over", args=[left_plan.pk]))
    assert Submission.objects.filter(carried_from=left_plan).count() == 1


def test_someone_who_joined_this_evening_in_chicago_can_move_tonight(
    mover, north, south_admin, monkeypatch
):
    """10 p.m. in Chicago is already tomorrow in UTC: the membership they leave (made for them
    now, as they had none) starts on Chicago's day they joined, not UTC's, so it may end today."""
    import datetime as dt

    from django.utils import timezone as django_timezone

    from accounts.models import Membership

    tonight = dt.datetime(2026, 3, 11, 3, 0, tzinfo=dt.UTC)  # 10 p.m. on March 10 in Chicago
    Membership.objects.filter(user=mover).delete()
    type(mover).objects.filter(pk=mover.pk).update(date_joined=tonight - dt.timedelta(hours=1))
    monkeypatch.setattr(django_timezone, "now", lambda: tonight)
    move(mover, south_admin)
    left = Membership.objects.get(user=mover, district=north)
    assert left.started_on == left.ended_on == dt.date(2026, 3, 10)
    assert mover.district != north
