"""Each change that is an event is recorded once per subscription that asked for it, in the
change's own transaction; nothing for a disabled subscription or another district's."""

import pytest
from django.db import transaction

from badges.services import award_issue_for_submission, award_revoke
from submissions.models import Submission
from submissions.transitions import submission_move
from tests.accounts.factories import DistrictAdminFactory
from tests.badges.factories import earned_submission
from tests.submissions.factories import SubmissionFactory
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import subscription_set_active

pytestmark = pytest.mark.django_db
Status = Submission.Status

# Receivers nobody runs: these tests look at what is recorded, not at what is sent.
NOWHERE = "http://127.0.0.1:9/hooks"


def move(submission, to_status, actor):
    return submission_move(
        submission_id=submission.pk, to_status=to_status, actor=actor, action="test.move"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ([Status.PLAN_SUBMITTED], ["plan.submitted"]),
        ([Status.PLAN_SUBMITTED, Status.CHANGES_REQUESTED], ["plan.submitted", "plan.decided"]),
        ([Status.PLAN_SUBMITTED, Status.DECLINED], ["plan.submitted", "plan.decided"]),
        (
            [
                Status.PLAN_SUBMITTED,
                Status.PLAN_APPROVED,
                Status.IN_PROGRESS,
                Status.SUBMITTED_FOR_REVIEW,
                Status.NOT_YET,
                Status.RESUBMITTED,
                Status.EARNED,
            ],
            ["plan.submitted", "plan.decided", "submission.earned"],
        ),
        ([Status.WITHDRAWN], []),
    ],
)
def test_every_move_that_is_an_event_is_recorded_once(subscribe, educator, path, expected):
    subscription, _ = subscribe(NOWHERE)
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    for status in path:
        move(submission, status, educator)

    deliveries = WebhookDelivery.objects.filter(subscription=subscription).order_by("id")
    assert [d.event_type for d in deliveries] == expected
    assert len({d.event_id for d in deliveries}) == len(expected)
    decided = [d for d in deliveries if d.event_type == EventType.PLAN_DECIDED]
    for delivery in decided:
        assert delivery.payload["data"]["submission"]["status"] == path[1]


def test_award_issue_and_revocation_are_events(subscribe, educator, district_admin):
    subscription, _ = subscribe(NOWHERE, events=[EventType.AWARD_ISSUED, EventType.AWARD_REVOKED])
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    # Issuing again (a redelivered task) is no new event.
    award_issue_for_submission(submission_id=award.submission_id)
    award_revoke(award=award, reason="Duplicate.", actor=district_admin)

    assert list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .order_by("id")
        .values_list("event_type", flat=True)
    ) == ["award.issued", "award.revoked"]


def test_one_event_is_one_delivery_per_subscription_with_one_id(subscribe, educator):
    first, _ = subscribe(NOWHERE)
    second, _ = subscribe(NOWHERE + "/second", events=[EventType.PLAN_SUBMITTED])
    only_awards, _ = subscribe(NOWHERE + "/awards", events=[EventType.AWARD_ISSUED])
    move(SubmissionFactory(educator=educator, plan__lead=educator), Status.PLAN_SUBMITTED, educator)

    deliveries = list(WebhookDelivery.objects.all())
    assert {d.subscription_id for d in deliveries} == {first.pk, second.pk}
    assert len({d.event_id for d in deliveries}) == 1
    assert not only_awards.deliveries.exists()


def test_a_disabled_subscription_gets_nothing(subscribe, educator, district_admin):
    subscription, _ = subscribe(NOWHERE)
    subscription_set_active(subscription=subscription, active=False, actor=district_admin)
    move(SubmissionFactory(educator=educator, plan__lead=educator), Status.PLAN_SUBMITTED, educator)
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    assert not WebhookDelivery.objects.exists()


def test_another_districts_events_never_reach_a_subscription(
    subscribe, outsider_educator, other_district, educator
):
    mine, _ = subscribe(NOWHERE)
    theirs, _ = subscribe(
        NOWHERE + "/lakeside", admin=DistrictAdminFactory(district=other_district)
    )
    move(
        SubmissionFactory(educator=outsider_educator, plan__lead=outsider_educator),
        Status.PLAN_SUBMITTED,
        outsider_educator,
    )
    award_issue_for_submission(submission_id=earned_submission(educator=outsider_educator).pk)

    assert not mine.deliveries.exists()
    assert sorted(theirs.deliveries.values_list("event_type", flat=True)) == [
        "award.issued",
        "plan.submitted",
    ]


def test_a_change_that_rolls_back_leaves_no_event(subscribe, educator):
    subscribe(NOWHERE)
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    with pytest.raises(RuntimeError), transaction.atomic():
        move(submission, Status.PLAN_SUBMITTED, educator)
        raise RuntimeError("the request fails after the move")

    assert not WebhookDelivery.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_person_moved_is_sent_by_a_move_only(subscribe, educator, district_admin):
    """Plan moves and awards do not send it (a person's move does: tests/people/test_moving)."""
    subscription, _ = subscribe(NOWHERE, events=[EventType.PERSON_MOVED])
    assert subscription.events == ["person.moved"]
    move(SubmissionFactory(educator=educator, plan__lead=educator), Status.PLAN_SUBMITTED, educator)
    award_revoke(
        award=award_issue_for_submission(submission_id=earned_submission(educator=educator).pk),
        reason="Test.",
        actor=district_admin,
    )
    assert not WebhookDelivery.objects.exists()


def test_a_move_nobody_subscribed_to_costs_one_query(educator, subscribe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(NOWHERE, events=[EventType.AWARD_REVOKED])  # another event: nothing to record
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    with CaptureQueriesContext(connection) as queries:
        move(submission, Status.PLAN_SUBMITTED, educator)
    ours = [q["sql"] for q in queries if "webhooks_" in q["sql"]]
    assert len(ours) == 1 and ours[0].startswith("SELECT")
    assert not WebhookDelivery.objects.exists()


def test_recording_an_event_for_two_subscriptions_costs_a_fixed_number_of_queries(
    educator, subscribe
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(NOWHERE)
    subscribe(NOWHERE + "/second")
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    with CaptureQueriesContext(connection) as queries:
        move(submission, Status.PLAN_SUBMITTED, educator)
    ours = [q["sql"] for q in queries if "webhooks_" in q["sql"] or "outbox_" in q["sql"]]
    # The subscriptions, one insert of both deliveries, one outbox row each.
    assert len(ours) == 4
    assert WebhookDelivery.objects.count() == 2
