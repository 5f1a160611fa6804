"""A district's report stamp: a number that changes whenever data its reports read changes.

Report pages cache their aggregates under the district's stamp (see ``selectors``), so a page
at 50,000 plans costs about what it costs at 500 until something the report reads changes.

The stamp is kept by PostgreSQL itself, with triggers on every table the reports read, so no
write can forget it: not a service, not the admin, not ``QuerySet.update()``, not a bulk insert.
The triggers are deferred constraint triggers: they run once per statement at COMMIT, so the
stamp's row is locked only for the instant of the commit (no writer waits on another for the
rest of its transaction), and a reader never sees a new stamp before the data it stands for.
An update that touches none of the columns the reports read (an autosave of a plan's text, a
sign-in's ``last_login``) leaves the stamp alone.

SQLite (the embedded ``make run`` default) has no stamp: its reports are computed every time.
"""

from django.apps import apps
from django.apps.registry import Apps
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

# The function every trigger calls: bump one district's stamp, once per statement.
# ``statement_timestamp()`` tells the statements of a transaction apart; a bulk insert of
# 50,000 rows bumps the stamp once, not 50,000 times.
BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_bump_stamp(district bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    marker text := 'microcreds.report_stamp_' || district::text;
    now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
    IF district IS NULL
       OR current_setting(marker, true) = statement_timestamp()::text THEN
        RETURN;
    END IF;
    PERFORM set_config(marker, statement_timestamp()::text, true);
    -- Microseconds since 1970, and always more than before: a restored backup or a
    -- re-created table can never bring back a stamp that figures are cached under.
    INSERT INTO {stamp} (district_id, version) VALUES (district, now_us)
    ON CONFLICT (district_id)
    DO UPDATE SET version = GREATEST({stamp}.version + 1, EXCLUDED.version);
END $$;
"""

# Row triggers: the district of the row (old and new, as a row may move), or of its parent.
DIRECT = """
    IF TG_OP <> 'INSERT' THEN PERFORM reports_bump_stamp(OLD.district_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM reports_bump_stamp(NEW.district_id); END IF;
"""
THROUGH_PARENT = """
    IF TG_OP <> 'INSERT' THEN
        PERFORM reports_bump_stamp((SELECT district_id FROM {parent} WHERE id = OLD.{key}));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reports_bump_stamp((SELECT district_id FROM {parent} WHERE id = NEW.{key}));
    END IF;
"""
# A state's row (its renewal rule): every district of the state.
THROUGH_STATE = """
    IF TG_OP <> 'INSERT' THEN
        PERFORM reports_bump_stamp(id) FROM {district} WHERE state_id = OLD.state_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reports_bump_stamp(id) FROM {district} WHERE state_id = NEW.state_id;
    END IF;
"""

ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_stamp_by_{kind}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{body}
    RETURN NULL;
END $$;
"""


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


def _watched(models: Apps) -> list[tuple[str, str, list[str] | None]]:
    """(table, how its district is found, the columns the reports read or None for all) of the
    watched models that ``models`` holds: after a migration to an earlier state, only those."""
    watched = []
    for app_label, model_name, kind, columns in WATCHED:
        try:
            table = models.get_model(app_label, model_name)._meta.db_table
        except LookupError:
            continue
        watched.append((table, kind, columns))
    return watched


def install(db: BaseDatabaseWrapper, models: Apps = apps) -> None:
    """Create (or re-create) the stamp's function and triggers; safe to run again.

    ``models`` is the state the database was migrated to (``post_migrate`` passes it): the
    triggers go on the watched tables that state has."""
    if db.vendor != "postgresql":
        return
    try:
        names = {
            "stamp": models.get_model("reports", "ReportStamp")._meta.db_table,
            "submission": models.get_model("submissions", "Submission")._meta.db_table,
            "plan": models.get_model("submissions", "Plan")._meta.db_table,
            "district": models.get_model("accounts", "District")._meta.db_table,
        }
    except LookupError:
        return  # migrated to a state without the stamp or the plans yet: nothing to stamp
    bodies = {
        "district": DIRECT,
        "submission": THROUGH_PARENT.format(parent=names["submission"], key="submission_id"),
        "plan": THROUGH_PARENT.format(parent=names["plan"], key="plan_id"),
        "state": THROUGH_STATE.format(district=names["district"]),
    }
    with db.cursor() as cursor:
        cursor.execute(BUMP_FUNCTION.format(**names))
        for kind, body in bodies.items():
            cursor.execute(ROW_FUNCTION.format(kind=kind, body=body))
        for table, kind, columns in _watched(models):
            install_triggers(cursor, table=table, kind=kind, columns=columns)


def install_triggers(cursor, *, table: str, kind: str, columns: list[str] | None) -> None:
    """The stamp triggers of one table, and no other of ours on it: a table renamed by a
    migration keeps the triggers made for its old name, which would bump the stamp twice."""
    trigger = f"reports_stamp_{table}"
    wanted = {trigger, f"{trigger}_update"} if columns else {trigger}
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
        "AND tgname LIKE 'reports\\_stamp\\_%%'",
        [table],
    )
    for (stale,) in cursor.fetchall():
        if stale not in wanted:
            cursor.execute(f"DROP TRIGGER {stale} ON {table}")
    if columns:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        # A constraint trigger takes one event list; updates are filtered by WHEN.
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}_update ON {table}")
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {trigger}_update AFTER UPDATE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION reports_stamp_by_{kind}()"
        )
        events = "INSERT OR DELETE"
    else:
        events = "INSERT OR UPDATE OR DELETE"
    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"EXECUTE FUNCTION reports_stamp_by_{kind}()"
    )


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    install(connections[using], kwargs.get("apps") or apps)


def current_stamp(*, district_id: int) -> int | None:
    """The district's stamp, or None when a cached report can't be trusted here: on SQLite,
    or inside a transaction that has written (its own changes are not stamped until COMMIT,
    and could still be rolled back)."""
    return current_stamps(district_ids=[district_id]).get(district_id)


def current_stamps(*, district_ids: list[int]) -> dict[int, int]:
    """The stamps of several districts in one query (``current_stamp`` for each); empty when
    none can be trusted here."""
    if connection.vendor != "postgresql" or not district_ids:
        return {}
    stamp_table = apps.get_model("reports", "ReportStamp")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_xact_id_if_assigned() IS NULL, wanted.id, "
            f"COALESCE(stamp.version, 0) FROM unnest(%s::bigint[]) AS wanted(id) "
            f"LEFT JOIN {stamp_table} stamp ON stamp.district_id = wanted.id",
            [list(district_ids)],
        )
        rows = cursor.fetchall()
    if not rows or not rows[0][0]:
        return {}
    return {district_id: version for _clean, district_id, version in rows}


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
