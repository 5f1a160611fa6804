"""Report figures are cached under the district's stamp, which the database changes on COMMIT
of any change to what the reports read, and only then.

These tests commit (``transaction=True``): inside a test's own transaction no stamp is trusted
and every report is computed afresh.
"""

import datetime as dt

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.services import district_settings_update
from badges.models import Award
from badges.services import award_revoke
from programs.models import StateRenewalRule
from reports import selectors, services
from reports.selectors import ReportFilters
from reports.stamps import current_stamp
from reports.tasks import report_figures_warm
from submissions.models import Plan, Submission
from tests.accounts.factories import (
    BuildingFactory,
    DistrictAdminFactory,
    DistrictFactory,
    DistrictGoalFactory,
    EducatorFactory,
    StateFactory,
)
from tests.credentials.factories import StackFactory
from tests.programs.factories import CreditRuleFactory, ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import (
    AttemptFactory,
    PlanFactory,
    SubmissionFactory,
    earned_submission,
)

pytestmark = pytest.mark.django_db(transaction=True)

ALL = ReportFilters()


def stamp_of(district) -> int:
    stamp = current_stamp(district_id=district.pk)
    assert stamp is not None
    return stamp


def earned_count(district) -> int:
    return selectors.funnel(district=district, filters=ALL)["stages"][-1]["count"]


def test_a_report_read_twice_is_computed_once():
    district = DistrictFactory()
    earned_submission(educator=EducatorFactory(district=district), decided_on=dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as first:
        figures = selectors.completions(district=district, filters=ALL)
    with CaptureQueriesContext(connection) as second:
        again = selectors.completions(district=district, filters=ALL)
    assert again == figures
    assert len(first) > 2
    assert len(second) == 1  # the stamp alone


def test_a_committed_change_shows_at_once_even_through_queryset_update():
    district = DistrictFactory()
    submission = SubmissionFactory(plan=PlanFactory(district=district), status="in_progress")
    assert earned_count(district) == 0
    before = stamp_of(district)
    # No model save, no signal: the trigger sees it all the same.
    Submission.objects.filter(pk=submission.pk).update(status="earned")
    assert stamp_of(district) > before
    assert earned_count(district) == 1


def test_figures_differ_by_filter_and_each_is_cached_apart():
    district = DistrictFactory()
    north = BuildingFactory(district=district)
    south = BuildingFactory(district=district)
    for building in (north, south, south):
        earned_submission(
            educator=EducatorFactory(district=district, building=building),
            decided_on=dt.date(2026, 3, 1),
        )
    assert selectors.salary_totals(district=district, filters=ALL)["awards"] == 3
    only_north = ReportFilters(building_id=north.pk)
    only_south = ReportFilters(building_id=south.pk)
    assert selectors.salary_totals(district=district, filters=only_north)["awards"] == 1
    assert selectors.salary_totals(district=district, filters=only_south)["awards"] == 2


def test_a_revocation_shows_at_once_in_the_cached_salary_figure(settings, tmp_path):
    settings.BADGE_KEYS_DIR = tmp_path
    district = DistrictFactory()
    admin = DistrictAdminFactory(district=district)
    CreditRuleFactory(district=district, salary_amount=300)
    submission = earned_submission(
        educator=EducatorFactory(district=district), decided_on=dt.date(2026, 3, 1)
    )
    totals = selectors.salary_totals(district=district, filters=ALL)
    assert (totals["awards"], totals["total_salary"]) == (1, 300)
    with CaptureQueriesContext(connection) as cached:
        selectors.salary_totals(district=district, filters=ALL)
    assert len(cached) == 1  # the stamp alone: the figure is cached
    before = stamp_of(district)
    award_revoke(
        award=Award.objects.get(submission=submission),
        reason="Issued in error.",
        actor=admin,
    )
    assert stamp_of(district) > before
    totals = selectors.salary_totals(district=district, filters=ALL)
    assert (totals["awards"], totals["total_salary"]) == (0, 0)


def test_a_revocation_leaves_the_cached_page_of_the_ledger_at_once(settings, tmp_path):
    settings.BADGE_KEYS_DIR = tmp_path
    district = DistrictFactory()
    admin = DistrictAdminFactory(district=district)
    educator = EducatorFactory(district=district)
    held = earned_submission(educator=educator, decided_on=dt.date(2026, 3, 1))
    later = earned_submission(educator=educator, decided_on=dt.date(2026, 4, 10))

    def first_page():
        stamp = selectors.report_stamp(district=district)
        return selectors.salary_ledger_pages(district=district, filters=ALL, stamp=stamp)[0:50]

    assert first_page() == [later.pk, held.pk]
    with CaptureQueriesContext(connection) as cached:
        assert first_page() == [later.pk, held.pk]
    assert len(cached) == 1  # the stamp alone: the page's ids are cached
    award_revoke(award=Award.objects.get(submission=later), reason="Issued in error.", actor=admin)
    assert first_page() == [held.pk]


def test_an_educators_progress_card_is_cached_for_them_and_moves_at_once(
    client, settings, tmp_path
):
    settings.BADGE_KEYS_DIR = tmp_path
    district = DistrictFactory()
    admin = DistrictAdminFactory(district=district)
    CreditRuleFactory(district=district, salary_amount=300)
    educator, colleague = EducatorFactory(district=district), EducatorFactory(district=district)
    submission = earned_submission(educator=educator, decided_on=dt.date(2026, 3, 1))
    assert selectors.educator_progress(user=educator)["salary_total"] == 300
    with CaptureQueriesContext(connection) as cached:
        assert selectors.educator_progress(user=educator)["salary_total"] == 300
    assert len(cached) == 1  # the stamp alone
    # Each educator has their own figure under the same stamp.
    assert selectors.educator_progress(user=colleague)["salary_total"] == 0
    client.force_login(educator)
    dashboard = reverse("submissions:dashboard")
    assert "<dd>$300</dd>" in client.get(dashboard).content.decode()

    award_revoke(
        award=Award.objects.get(submission=submission), reason="Issued in error.", actor=admin
    )
    assert "<dd>$0</dd>" in client.get(dashboard).content.decode()
    # A new rule changes the credit of what was earned: it shows at once too.
    earned_submission(educator=educator, decided_on=dt.date(2026, 4, 1))
    CreditRuleFactory(district=district, salary_amount=500, effective_from=dt.date(2026, 3, 15))
    assert "<dd>$500</dd>" in client.get(dashboard).content.decode()


def test_an_award_change_the_reports_do_not_read_leaves_the_stamp_alone():
    district = DistrictFactory()
    submission = earned_submission(
        educator=EducatorFactory(district=district), decided_on=dt.date(2026, 3, 1)
    )
    before = stamp_of(district)
    Award.objects.filter(submission=submission).update(
        emailed_at="2026-03-02T08:00Z", certificate_key="badges/x/certificate.pdf"
    )
    assert stamp_of(district) == before


def test_text_autosaves_and_sign_ins_leave_the_stamp_alone():
    district = DistrictFactory()
    submission = SubmissionFactory(plan=PlanFactory(district=district))
    before = stamp_of(district)
    Plan.objects.filter(pk=submission.plan_id).update(rationale="Because students…", version=2)
    Submission.objects.filter(pk=submission.pk).update(reflection_practice="It went well.")
    User.objects.filter(pk=submission.educator_id).update(last_login="2026-11-30T08:00Z")
    assert stamp_of(district) == before


def test_another_districts_change_leaves_the_stamp_alone():
    district, other = DistrictFactory(), DistrictFactory()
    SubmissionFactory(plan=PlanFactory(district=district))
    before = stamp_of(district)
    SubmissionFactory(plan=PlanFactory(district=other), status="earned")
    assert stamp_of(district) == before
    assert stamp_of(other) > 0


def test_a_bulk_insert_bumps_the_stamp_once():
    district = DistrictFactory()
    plan = PlanFactory(district=district)
    people = EducatorFactory.create_batch(3, district=district)
    before = stamp_of(district)
    Submission.objects.bulk_create(
        Submission(district=district, plan=plan, educator=person, status="earned")
        for person in people
    )
    assert 0 < stamp_of(district) - before < 1_000_000  # microseconds, not one per row
    assert earned_count(district) == 3


def test_the_warmer_computes_a_changed_districts_figures_before_anyone_looks():
    district, quiet = DistrictFactory(), DistrictFactory()
    submission = SubmissionFactory(plan=PlanFactory(district=district), status="in_progress")
    assert services.report_figures_warm() == 1
    assert services.report_figures_warm() == 0  # nothing changed since
    Submission.objects.filter(pk=submission.pk).update(status="earned")
    assert services.report_figures_warm() == 1
    with CaptureQueriesContext(connection) as visit:
        assert earned_count(district) == 1
        selectors.completions(district=district, filters=ALL)
        selectors.salary_totals(district=district, filters=ALL)
    assert len(visit) == 3  # the stamp, three times: every figure was ready
    assert current_stamp(district_id=quiet.pk) == 0  # never changed: never warmed


def test_beat_runs_the_warmer_every_minute():
    district = DistrictFactory()
    SubmissionFactory(plan=PlanFactory(district=district), status="earned")
    assert report_figures_warm.delay().get() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["report-figures-warm"]
    assert entry["task"] == report_figures_warm.name
    assert entry["schedule"] <= 60


def _stamp_seen_by_another_connection(district) -> int | None:
    db = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT version FROM reports_reportstamp WHERE district_id = %s", [district.pk]
            )
            row = cursor.fetchone()
            return row[0] if row else None
    finally:
        other.close()


def test_the_stamp_changes_at_commit_and_a_writing_transaction_is_not_cached():
    district = DistrictFactory()
    submission = SubmissionFactory(plan=PlanFactory(district=district), status="in_progress")
    assert earned_count(district) == 0
    before = stamp_of(district)
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status="earned")
        # Not yet stamped for anyone; this transaction sees its own change, uncached.
        assert _stamp_seen_by_another_connection(district) == before
        assert current_stamp(district_id=district.pk) is None
        assert earned_count(district) == 1
    assert _stamp_seen_by_another_connection(district) > before
    assert earned_count(district) == 1


def test_a_rolled_back_change_leaves_stamp_and_figures_as_they_were():
    district = DistrictFactory()
    submission = SubmissionFactory(plan=PlanFactory(district=district), status="in_progress")
    before = stamp_of(district)
    with pytest.raises(RuntimeError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status="earned")
        assert earned_count(district) == 1
        raise RuntimeError("cancelled")
    assert stamp_of(district) == before
    assert earned_count(district) == 0


def _rename_building(district):
    building = BuildingFactory(district=district)
    return lambda: type(building).objects.filter(pk=building.pk).update(name="Renamed")


def _retitle_goal(district):
    goal = DistrictGoalFactory(district=district)
    return lambda: type(goal).objects.filter(pk=goal.pk).update(title="Renamed")


def _rename_stack(district):
    stack = StackFactory(district=district)
    return lambda: type(stack).objects.filter(pk=stack.pk).update(name="Renamed")


def _retitle_microcredential(district):
    plan = PlanFactory(district=district)
    model = type(plan.microcredential)
    return lambda: model.objects.filter(pk=plan.microcredential_id).update(title="Renamed")


def _move_educator(district):
    educator = EducatorFactory(district=district)
    building = BuildingFactory(district=district)
    return lambda: User.objects.filter(pk=educator.pk).update(building=building)


def _decide_attempt(district):
    attempt = AttemptFactory(submission=SubmissionFactory(plan=PlanFactory(district=district)))
    return lambda: type(attempt).objects.filter(pk=attempt.pk).update(outcome="not_yet")


def _name_a_goal_in_a_plan(district):
    plan = PlanFactory(district=district)
    goal = DistrictGoalFactory(district=district)
    return lambda: plan.district_goals.add(goal)


def _move_a_cycle(district):
    cycle = ProgramCycleFactory(district=district)
    return lambda: type(cycle).objects.filter(pk=cycle.pk).update(ends_on=dt.date(2026, 6, 30))


def _add_a_credit_rule(district):
    return lambda: CreditRuleFactory(district=district)


def _award_of(district) -> Award:
    submission = earned_submission(
        educator=EducatorFactory(district=district), decided_on=dt.date(2026, 3, 1)
    )
    return Award.objects.get(submission=submission)


def _revoke_an_award(district):
    award = _award_of(district)
    return lambda: Award.objects.filter(pk=award.pk).update(revoked_at="2026-04-01T08:00Z")


def _expire_an_award(district):
    award = _award_of(district)
    return lambda: Award.objects.filter(pk=award.pk).update(expires_at="2026-04-01T08:00Z")


def _issue_an_award(district):
    award = _award_of(district)
    Award.objects.filter(pk=award.pk).update(state=Award.State.PREPARING)
    return lambda: Award.objects.filter(pk=award.pk).update(state=Award.State.ISSUED)


@pytest.mark.parametrize(
    "change",
    [
        _rename_building,
        _retitle_goal,
        _rename_stack,
        _retitle_microcredential,
        _move_educator,
        _decide_attempt,
        _name_a_goal_in_a_plan,
        _move_a_cycle,
        _add_a_credit_rule,
        _revoke_an_award,
        _expire_an_award,
        _issue_an_award,
    ],
)
def test_every_table_the_reports_read_bumps_the_stamp(change):
    district = DistrictFactory()
    make_change = change(district)
    before = stamp_of(district)
    make_change()
    assert stamp_of(district) > before


def test_the_states_renewal_rule_moves_the_stamp_of_every_district_of_the_state():
    state = StateFactory()
    ours, also_ours = DistrictFactory(state=state), DistrictFactory(state=state)
    elsewhere = DistrictFactory()
    for district in (ours, also_ours, elsewhere):
        EducatorFactory(district=district)  # a first stamp for each
    before = {d.pk: stamp_of(d) for d in (ours, also_ours, elsewhere)}
    rule = StateRenewalRule.objects.create(
        state=state, required_count=2, window_cycles=3, effective_from=dt.date(2026, 1, 1)
    )
    assert stamp_of(ours) > before[ours.pk] and stamp_of(also_ours) > before[also_ours.pk]
    assert stamp_of(elsewhere) == before[elsewhere.pk]
    moved = stamp_of(ours)
    StateRenewalRule.objects.filter(pk=rule.pk).update(required_count=3)
    assert stamp_of(ours) > moved


def test_a_revocation_elsewhere_reaches_the_totals_of_a_district_that_accepted_the_award():
    """South accepted an award north issued, then stopped accepting: north's revocation moves
    north's stamp only, so south's salary figures are filed under the state's."""
    north = DistrictFactory(state=StateFactory())
    south = DistrictFactory(state=north.state)
    admin = DistrictAdminFactory(district=south)
    pat = EducatorFactory(district=south)
    from_north = earned_submission(educator=pat, decided_on=dt.date(2026, 3, 1), district=north)
    for on in (True, False):
        district_settings_update(district=south, actor=admin, accept_state_awards_for_salary=on)
    assert selectors.salary_totals(district=south, filters=ALL)["awards"] == 1
    Award.objects.filter(submission=from_north).update(revoked_at=dt.datetime.now(dt.UTC))
    assert selectors.salary_totals(district=south, filters=ALL)["awards"] == 0


def _relicensure_district():
    district = DistrictFactory()
    spring = ProgramCycleFactory(
        district=district, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 5, 22)
    )
    RenewalRuleFactory(
        district=district,
        first_cycle=spring,
        required_count=2,
        window_cycles=3,
        effective_from=dt.date(2026, 1, 1),
    )
    return district


def test_the_relicensure_page_seen_again_reads_its_rule_counts_and_figures_from_the_cache(client):
    """Its rule, window, counts and each row's figures are filed under the stamp; the names and
    the transcripts of the page are read each time (a rename moves no stamp)."""
    district = _relicensure_district()
    holder = EducatorFactory(district=district, last_name="Holder")
    earned_submission(educator=holder, decided_on=dt.date(2026, 3, 1))
    client.force_login(DistrictAdminFactory(district=district))
    url = reverse("reports:relicensure")
    first = client.get(url).content.decode().split("<main", 1)[1]
    with CaptureQueriesContext(connection) as again:
        second = client.get(url).content.decode().split("<main", 1)[1]
    assert second == first and "Holder" in second and "1 of 2" in second
    # The session and its user, the filters' stamp, the report's stamp, the page's ids, its
    # people, the unread notifications.
    assert len(again) <= 7
    User.objects.filter(pk=holder.pk).update(last_name="Renamed")
    renamed = client.get(url).content.decode()
    assert "Renamed" in renamed and "Holder" not in renamed and "1 of 2" in renamed
    assert reverse("people:person_transcript", args=[holder.pk]) in renamed


def test_the_progress_cards_kept_query_gives_each_educator_what_computing_it_gives(
    kansas_rules, district
):
    """The card's totals query is built once per district, stamp and day and run for each
    educator: each gets what the card computed afresh (no stamp) gives them, and a new rule
    (a new stamp) is read at once."""
    from reports.selectors import _educator_progress

    educators = [EducatorFactory(district=district) for _ in range(3)]
    earned_submission(educator=educators[0], decided_on=dt.date(2026, 3, 1))
    earned_submission(educator=educators[0], decided_on=dt.date(2026, 9, 1))
    earned_submission(educator=educators[1], decided_on=dt.date(2025, 3, 1))
    today = dt.date(2026, 10, 1)

    def afresh(person):
        return _educator_progress(user=person, today=today, stamp=None)

    stamp = current_stamp(district_id=district.pk)
    assert stamp
    first = _educator_progress(user=educators[0], today=today, stamp=stamp)
    assert first == afresh(educators[0])
    assert (first["awards"], first["salary_total"], first["renewal"]["earned"]) == (2, 600, 2)
    with CaptureQueriesContext(connection) as kept:
        for person in educators[1:]:
            assert _educator_progress(user=person, today=today, stamp=stamp) == afresh(person)
    # The afresh ones read the rules and cycles again; the kept query is one query each.
    assert sum("COALESCE(SUM" in query["sql"] for query in kept) == 4
    assert afresh(educators[2])["awards"] == 0 and afresh(educators[2])["salary_total"] == 0

    CreditRuleFactory(district=district, salary_amount=500, effective_from=dt.date(2026, 8, 1))
    moved = current_stamp(district_id=district.pk)
    assert moved != stamp
    again = _educator_progress(user=educators[0], today=today, stamp=moved)
    assert again == afresh(educators[0]) and again["salary_total"] == 800
