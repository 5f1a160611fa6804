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


# --- Server-side statements (PostgreSQL) ----------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side statements are PostgreSQL's"
)


def _held(prepared: PreparedQuery) -> dict | None:
    """The session's statement for ``prepared`` (pg_prepared_statements), or None."""
    statement = prepared._shape()[0].statement
    if statement is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types::text[], generic_plans + custom_plans"
            " FROM pg_prepared_statements WHERE name = %s",
            [statement[0]],
        )
        row = cursor.fetchone()
    return {"types": row[0], "runs": row[1]} if row else None


@postgresql_only
def test_a_shape_is_prepared_once_on_the_connection_and_then_executed(educator, other_educator):
    def build(district_id):
        return User.objects.select_related("district").filter(district_id=district_id)

    prepared = PreparedQuery(build, int)
    first = prepared.all(educator.district_id)
    assert _held(prepared) == {"types": ["bigint"], "runs": 1}
    again = prepared.all(other_educator.district_id)
    assert _held(prepared)["runs"] == 2
    assert sorted(u.pk for u in first) == sorted(u.pk for u in build(educator.district_id))
    assert sorted(u.pk for u in again) == sorted(u.pk for u in build(other_educator.district_id))
    assert {u.district.name for u in first} == {educator.district.name}


@postgresql_only
def test_each_parameter_means_what_the_plain_sqls_literal_means(educator):
    from django.db.models import BooleanField, CharField, IntegerField, Value

    moment = timezone.now()

    def build(pk, name, when, ids):
        from microcreds.prepared import AnyOf

        return (
            User.objects.filter(AnyOf("pk", ids), pk=pk, first_name=name, date_joined__lte=when)
            .annotate(
                one=Value(1, output_field=IntegerField()),
                label=Value("kept", output_field=CharField()),
                flag=Value(True, output_field=BooleanField()),
            )
            .values_list("pk", "one", "label", "flag")
        )

    prepared = PreparedQuery(build, int, str, type(moment), list)
    args = (educator.pk, educator.first_name, moment, [educator.pk, 10**12])
    got = prepared.all(*args)
    assert got == list(build(*args)) == [(educator.pk, 1, "kept", True)]
    assert [type(value) for value in got[0]] == [int, int, str, bool]
    held = _held(prepared)
    assert held["runs"] == 1
    # ints as bigint, text and the like as unknown (typed by where they stand), times as
    # timestamptz, a list of ids as bigint[], in the order the SQL places them.
    assert sorted(set(held["types"])) == sorted(
        {"bigint", "bigint[]", "text", "timestamp with time zone", "boolean"}
    )
    assert prepared.all(educator.pk, "someone else", moment, [educator.pk]) == []


@postgresql_only
def test_a_shape_planned_per_call_runs_as_plain_sql(educator):
    prepared = PreparedQuery(
        lambda district_id: User.objects.filter(district_id=district_id).order_by("pk")[:5],
        int,
        planned_per_call=True,
    )
    assert [u.pk for u in prepared.all(educator.district_id)] == [educator.pk]
    assert prepared._shape()[0].statement is None


@postgresql_only
def test_a_shape_postgresql_cannot_prepare_runs_as_plain_sql_and_keeps_the_transaction(educator):
    from django.db import transaction
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    # "$1 IS NOT NULL" gives PostgreSQL no type for $1 (the literal 'x' it would have had).
    def build(pk):
        untyped = RawSQL("%s IS NOT NULL", ("x",), output_field=BooleanField())
        return User.objects.filter(untyped, pk=pk).values_list("pk", flat=True)

    prepared = PreparedQuery(build, int)
    assert prepared._shape()[0].statement is not None  # tried, at the first call on a connection
    with transaction.atomic():
        assert prepared.all(educator.pk) == [educator.pk]
        # The refusal was undone in its savepoint: the transaction goes on.
        assert User.objects.filter(pk=educator.pk).exists()
    assert _held(prepared) is None
    assert prepared.all(educator.pk) == [educator.pk]


@postgresql_only
def test_watched_queries_show_the_sql_they_run(educator, django_assert_num_queries):
    prepared = PreparedQuery(lambda pk: User.objects.filter(pk=pk), int)
    prepared.all(educator.pk)  # prepared on this connection
    with django_assert_num_queries(1) as captured:
        assert prepared.first(educator.pk) == educator
    assert captured.captured_queries[0]["sql"].startswith('SELECT "accounts_user"')


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_whose_table_changed_under_it_still_reads_and_its_connection_is_replaced(
    educator,
):
    from django.db import transaction
    from django.db.utils import NotSupportedError

    prepared = PreparedQuery(
        lambda pk: Notification.objects.filter(recipient_id=pk).values_list("pk", "title"), int
    )
    note = note_for(educator)
    assert prepared.all(educator.pk) == [(note.pk, note.title)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'notifications_notification'::regclass AND attname = 'title'"
        )
        (title_type,) = cursor.fetchone()
    # What a migration run by another process does while this one keeps its connection.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE notifications_notification ALTER COLUMN title TYPE text")
    try:
        connection.close_at = None
        assert prepared.all(educator.pk) == [(note.pk, note.title)]  # as plain SQL
        assert connection.close_at == 0  # replaced at the end of the request
        # Inside a transaction the error has ended it: it is raised, as any database error.
        with pytest.raises(NotSupportedError), transaction.atomic():
            prepared.all(educator.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE notifications_notification ALTER COLUMN title TYPE {title_type}"
            )
        connection.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_shape_in_index_order_keeps_one_plan_without_a_sort_and_ends_with_its_query(
    educator, other_educator
):
    """A page of a long list, read in its index's order: PostgreSQL plans it once, without a
    sort, and keeps that plan for every value; its settings end with the query."""
    prepared = PreparedQuery(
        lambda district_id: User.objects.filter(district_id=district_id).order_by("pk")[:1],
        int,
        in_index_order=True,
    )
    first = User.objects.filter(district_id=educator.district_id).order_by("pk").first()
    for _ in range(3):
        assert prepared.all(educator.district_id) == [first]
    name = prepared._shape()[0].statement[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            [name],
        )
        generic, custom = cursor.fetchone()
        assert custom == 0 and generic >= 1
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
