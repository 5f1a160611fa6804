"""A district's report stamp: a number that changes whenever data its reports read changes.

Report pages cache their aggregates under the district's stamp (see ``selectors``), so a page
at 50,000 plans costs about what it costs at 500 until something the report reads changes.

The stamp is kept by PostgreSQL itself, with triggers on every table the reports read
(``microcreds.stamps``), so no write can forget it. An update that touches none of the columns
the reports read (an autosave of a plan's text, a sign-in's ``last_login``) leaves it alone.

SQLite (the embedded ``make run`` default) has no stamp: its reports are computed every time.
"""

from django.apps import apps
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from microcreds.stamps import TriggerStamp

# (app, model, how its district is found, the columns the reports read or None for all).
WATCHED: list[tuple[str, str, str, list[str] | None]] = [
    (
        "submissions",
        "Submission",
        "district",
        [
            "district_id",
            "plan_id",
            "educator_id",
            "status",
            "plan_submitted_at",
            "plan_decided_at",
            "submitted_for_review_at",
            "decided_at",
            "status_changed_at",
            "created_at",
        ],
    ),
    (
        "submissions",
        "Attempt",
        "submission",
        ["submission_id", "number", "submitted_at", "outcome", "decided_at"],
    ),
    ("submissions", "Plan", "district", ["district_id", "microcredential_id"]),
    ("submissions", "Plan_district_goals", "plan", None),
    ("accounts", "User", "district", ["district_id", "building_id", "is_educator", "is_active"]),
    ("accounts", "Building", "district", None),
    ("accounts", "DistrictGoal", "district", None),
    ("credentials", "Stack", "district", None),
    ("credentials", "MicroCredential", "district", None),
    ("programs", "ProgramCycle", "district", None),
    ("programs", "CreditRule", "district", None),
    ("programs", "RenewalRule", "district", None),
    ("programs", "StateRenewalRule", "state", None),
    ("reports", "SalaryAcceptance", "district", None),
    # Whether an award counts (badges.models.award_counts_q): issued, not revoked, not expired.
    (
        "badges",
        "Award",
        "district",
        ["district_id", "submission_id", "state", "revoked_at", "expires_at"],
    ),
]


STAMP = TriggerStamp(
    name="reports", marker="report_stamp", model=("reports", "ReportStamp"), watched=tuple(WATCHED)
)


def install(db: BaseDatabaseWrapper, models=apps) -> None:
    """Create (or re-create) the report stamp's functions and triggers; safe to run again."""
    STAMP.install(db, models)


def install_triggers(cursor, *, table: str, kind: str, columns: list[str] | None) -> None:
    """The report stamp's triggers of one table (``TriggerStamp.install_triggers``)."""
    STAMP.install_triggers(cursor, table=table, kind=kind, columns=columns)


install_after_migrate = STAMP.install_after_migrate


def current_stamp(*, district_id: int) -> int | None:
    """The district's report stamp, or None when a cached report can't be trusted here: on
    SQLite, or inside a transaction that has written."""
    return STAMP.current(district_id=district_id)


def current_stamps(*, district_ids: list[int]) -> dict[int, int]:
    """The report stamps of several districts in one query; empty when none can be trusted."""
    return STAMP.current_of(district_ids=district_ids)


def current_state_stamp(*, state_id: int) -> int | None:
    """One number that changes whenever the stamp of any district of the state changes (their
    sum: stamps only grow), for figures that read across the state (a person's re-licensure
    counts the awards of every district of it). None as ``current_stamp``. One query."""
    if connection.vendor != "postgresql":
        return None
    stamp_table = apps.get_model("reports", "ReportStamp")._meta.db_table
    district_table = apps.get_model("accounts", "District")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_xact_id_if_assigned() IS NULL, "
            "COALESCE(SUM(stamp.version), 0)::bigint "
            f"FROM {district_table} district LEFT JOIN {stamp_table} stamp "
            "ON stamp.district_id = district.id WHERE district.state_id = %s",
            [state_id],
        )
        clean, total = cursor.fetchone()
    return total if clean else None
