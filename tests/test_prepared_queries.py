"""A prepared query returns what its queryset returns, for any values, and refuses shapes whose
SQL would depend on the values (microcreds.prepared)."""

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from microcreds.prepared import PreparedQuery
from notifications.models import Notification
from notifications.selectors import unread_count_for_user
from tests.accounts.factories import EducatorFactory, StateAdminFactory
from tests.notifications.factories import note_for

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_model_rows_with_their_joined_objects_match_the_querysets(educator, other_district):
    def build(pk):
        return User.objects.select_related("district", "building", "state").filter(pk=pk)

    prepared = PreparedQuery(build, int)
    someone_else = EducatorFactory(district=other_district, building=None)
    for person in (educator, someone_else):
        got, expected = prepared.first(person.pk), build(person.pk).get()
        assert _fields(got) == _fields(expected)
        assert _fields(got.district) == _fields(expected.district)
        assert got.building == expected.building
        assert not got._state.adding and got._state.db == "default"
    assert prepared.first(someone_else.pk).building is None
    assert prepared.first(10**12) is None
    assert prepared.all(10**12) == []


def test_a_state_admin_without_a_district_reads_as_the_orm_reads_them():
    admin = StateAdminFactory()
    prepared = PreparedQuery(
        lambda pk: User.objects.select_related("district", "state").filter(pk=pk), int
    )
    got = prepared.first(admin.pk)
    assert got.district is None and got.state == admin.state


def test_values_annotations_and_ordering_come_back_as_the_queryset_gives_them(
    educator, other_educator
):
    for key, person in enumerate((educator, other_educator, educator)):
        note_for(person, key=f"event:{key}")

    def counts(district_id):
        return (
            Notification.objects.filter(recipient__district_id=district_id)
            .values("recipient_id")
            .annotate(unread=Count("pk"))
            .order_by("-unread", "recipient_id")
        )

    assert PreparedQuery(counts, int).all(educator.district_id) == list(
        counts(educator.district_id)
    )
    as_tuples = PreparedQuery(lambda d: counts(d).values_list("recipient_id", "unread"), int)
    assert as_tuples.all(educator.district_id) == [(educator.pk, 2), (other_educator.pk, 1)]
    named = PreparedQuery(lambda d: counts(d).values_list("unread", named=True), int)
    assert named.first(educator.district_id).unread == 2
    emails = PreparedQuery(
        lambda email: User.objects.filter(email=email).values_list("pk", flat=True), str
    )
    assert emails.all(educator.email) == [educator.pk]
    assert emails.all("nobody@example.org") == []


def test_annotations_and_dates_come_back_as_the_orm_gives_them(educator):
    note = note_for(educator)
    prepared = PreparedQuery(
        lambda pk: Notification.objects.filter(pk=pk).annotate(
            recipient_email=F("recipient__email")
        ),
        int,
    )
    got = prepared.first(note.pk)
    expected = Notification.objects.get(pk=note.pk)
    assert _fields(got) | {"recipient_email": None} == _fields(expected) | {"recipient_email": None}
    assert got.recipient_email == educator.email
    assert got.created_at.tzinfo is not None


def test_the_unread_badge_counts_only_this_persons_unread(educator, other_educator):
    assert unread_count_for_user(educator) == 0
    note_for(educator, key="event:1")
    read = note_for(educator, key="event:2")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    note_for(other_educator, key="event:3")
    assert unread_count_for_user(educator) == 1


@pytest.mark.parametrize(
    "build, types, refusal",
    [
        # A list's length is part of the SQL.
        (lambda pk: User.objects.filter(pk__in=[pk]), (int,), None),
        # The value is wrapped ("%...%"): it does not reach the SQL as given.
        (lambda s: User.objects.filter(email__contains=s), (str,), "do not reach"),
        # A time taken while building would be frozen into every later call.
        (
            lambda pk: User.objects.filter(pk=pk, date_joined__lte=timezone.now()),
            (int,),
            "would be frozen",
        ),
        (lambda pk: User.objects.filter(pk=pk).prefetch_related("groups"), (int,), "prefetch"),
    ],
)
def test_shapes_whose_sql_depends_on_the_values_are_refused(build, types, refusal):
    prepared = PreparedQuery(build, *types)
    stand_in = 1 if types == (int,) else "x"
    if refusal is None:
        # pk__in=[pk] is one parameter: it prepares, and gives the queryset's answer.
        assert prepared.all(stand_in) == list(build(stand_in))
        return
    with pytest.raises(ValueError, match=refusal):
        prepared.all(stand_in)


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_runs_only_in_a_transaction_and_takes_the_lock(educator):
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    prepared = PreparedQuery(lambda pk: User.objects.select_for_update().filter(pk=pk), int)
    with pytest.raises(TransactionManagementError):
        prepared.first(educator.pk)
    queries = []
    with (
        transaction.atomic(),
        connection.execute_wrapper(
            lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
        ),
    ):
        assert prepared.first(educator.pk) == educator
    assert queries[0].endswith("FOR UPDATE")


@pytest.mark.django_db(transaction=True)
def test_a_written_join_order_reads_the_same_rows_and_ends_with_its_query(educator, other_educator):
    from django.db import transaction

    def build(district_id):
        return (
            User.objects.select_related("district", "building", "state")
            .filter(district_id=district_id)
            .order_by("pk")
        )

    prepared = PreparedQuery(build, int, written_join_order=True)
    queries = []

    def spy():
        return connection.execute_wrapper(
            lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
        )

    with spy():
        got = prepared.all(educator.district_id)
    assert [_fields(u) for u in got] == [_fields(u) for u in build(educator.district_id)]
    assert [_fields(u.district) for u in got] == [
        _fields(u.district) for u in build(educator.district_id)
    ]
    if connection.vendor != "postgresql":
        assert queries == [prepared._shape()[0].sql]
        return
    assert queries[0].startswith("SET LOCAL join_collapse_limit = 1; SELECT")
    with connection.cursor() as cursor:
        # The setting went with the query's own implicit transaction.
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "8"
    # Inside a transaction it would outlive the query: the query is planned as usual.
    queries.clear()
    with transaction.atomic(), spy():
        assert prepared.all(educator.district_id) == got
        with connection.cursor() as cursor:
            cursor.execute("SHOW join_collapse_limit")
            assert cursor.fetchone()[0] == "8"
    assert queries[0].startswith("SELECT")


def test_a_list_of_ids_is_one_argument_whatever_its_length(educator, other_educator):
    from microcreds.prepared import AnyOf

    def build(ids):
        return User.objects.filter(AnyOf("pk", ids)).order_by("pk").values_list("pk", "email")

    prepared = PreparedQuery(build, list)
    third = EducatorFactory(district=educator.district)
    everyone = sorted([educator.pk, other_educator.pk, third.pk])
    for ids in ([], [educator.pk], [third.pk, educator.pk], everyone, everyone + [10**12]):
        expected = list(User.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "email"))
        assert prepared.all(ids) == expected
    assert len(prepared.all(everyone)) == 3
    with pytest.raises(TypeError):
        prepared.all([str(educator.pk)])
    with pytest.raises(TypeError):
        prepared.all(tuple(everyone))


def test_arguments_must_be_of_the_declared_type(educator):
    prepared = PreparedQuery(lambda pk: User.objects.filter(pk=pk), int)
    with pytest.raises(TypeError):
        prepared.all(str(educator.pk))
    with pytest.raises(TypeError):
        prepared.all(True)
    with pytest.raises(TypeError):
        PreparedQuery(
            lambda day: User.objects.filter(date_joined__date=day), type(timezone.now().date())
        )


def test_a_plans_sources_and_goals_read_once_act_as_prefetched(educator, django_assert_num_queries):
    from accounts.models import DistrictGoal
    from submissions.models import Plan, PlanSource
    from submissions.selectors import read_plan_text_lists
    from tests.submissions.factories import SubmissionFactory

    submission = SubmissionFactory(educator=educator)
    other = SubmissionFactory(educator=educator)
    goals = [
        DistrictGoal.objects.create(district=educator.district, title=t, position=p)
        for p, t in ((2, "Literacy"), (1, "Attendance"), (1, "Belonging"))
    ]
    for plan in (submission.plan, other.plan):
        plan.district_goals.set(goals[:2])
        for position in (1, 0):
            PlanSource.objects.create(plan=plan, position=position, citation=f"Source {position}")
    plan = Plan.objects.get(pk=submission.plan_id)
    with django_assert_num_queries(2):
        read_plan_text_lists(plan)
    with django_assert_num_queries(0):
        sources = list(plan.sources.all())
        read_goals = list(plan.district_goals.all())
        assert all(source.plan is plan for source in sources)
    fresh = Plan.objects.get(pk=plan.pk)
    assert sources == list(fresh.sources.all()) and [s.position for s in sources] == [0, 1]
    assert read_goals == list(fresh.district_goals.all()) == [goals[1], goals[0]]
    # Changing them acts on this plan alone, and what was read is forgotten.
    plan.district_goals.set([goals[2]])
    assert list(plan.district_goals.all()) == [goals[2]]
    plan.sources.all().delete()
    assert not plan.sources.exists()
    assert other.plan.sources.count() == 2
    assert list(other.plan.district_goals.all()) == [goals[1], goals[0]]


def test_a_time_argument_is_compared_as_the_orm_compares_it(educator, other_educator):
    import datetime as dt

    joined = PreparedQuery(
        lambda district_id, since: (
            User.objects.filter(district_id=district_id, date_joined__gt=since)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        int,
        dt.datetime,
    )
    User.objects.filter(pk=educator.pk).update(date_joined=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    User.objects.filter(pk=other_educator.pk).update(
        date_joined=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    )
    for since in (
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    ):
        expected = list(
            User.objects.filter(district_id=educator.district_id, date_joined__gt=since)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        assert joined.all(educator.district_id, since) == expected
    assert joined.all(educator.district_id, dt.datetime(2026, 6, 1, tzinfo=dt.UTC)) == [
        other_educator.pk
    ]
