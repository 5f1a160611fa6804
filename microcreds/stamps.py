"""Stamps: per district, a number that PostgreSQL changes whenever data a cached figure reads
changes, so that the figure can be filed under it and is never read stale.

A stamp is kept by triggers on every table its figures read, so no write can forget it: not a
service, not the admin, not ``QuerySet.update()``, not a bulk insert. The triggers are
deferred constraint triggers: they run once per statement at COMMIT, so the stamp's row is
locked only for the instant of the commit (no writer waits on another for the rest of its
transaction), and a reader never sees a new stamp before the data it stands for. An update
that touches none of the columns the figures read leaves the stamp alone.

Each kind of stamp (``TriggerStamp``) has a table of its own (a district's number) and names
its functions and triggers after itself: the reports' (``reports.stamps``) and the reviewer
queue's (``reviews.stamps``) move apart, so a review changing hands leaves the reports'
figures cached.

SQLite (the embedded ``make run`` default) has no stamps: figures are computed every time.
"""

from dataclasses import dataclass

from django.apps import apps
from django.apps.registry import Apps
from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper


class StampTable(models.Model):
    """A stamp's table: one row per district, its number (``TriggerStamp.model`` names one).

    ``district_id`` is a plain number, not a foreign key: the stamp is bumped at COMMIT, also
    for the commit that deletes its district.
    """

    district_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"district {self.district_id}: {self.version}"


# The function every trigger calls: bump one district's stamp, once per statement.
# ``statement_timestamp()`` tells the statements of a transaction apart; a bulk insert of
# 50,000 rows bumps the stamp once, not 50,000 times.
BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}_bump_stamp(district bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    marker text := 'microcreds.{marker}_' || district::text;
    now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
    IF district IS NULL
       OR current_setting(marker, true) = statement_timestamp()::text THEN
        RETURN;
    END IF;
    PERFORM set_config(marker, statement_timestamp()::text, true);
    -- Every stamp of a district is written under one lock, taken first: a commit that bumps
    -- the queue's stamp and then the reports' never waits on one that bumped them the other
    -- way round while that one waits on it (a deadlock), it waits for it to commit.
    PERFORM pg_advisory_xact_lock({lock_class}, district::integer);
    -- Microseconds since 1970, and always more than before: a restored backup or a
    -- re-created table can never bring back a stamp that figures are cached under.
    INSERT INTO {stamp} (district_id, version) VALUES (district, now_us)
    ON CONFLICT (district_id)
    DO UPDATE SET version = GREATEST({stamp}.version + 1, EXCLUDED.version);
END $$;
"""

# The class of the advisory lock every bump of a district takes ("mcst"), with the district's id.
LOCK_CLASS = 0x6D637374

# Row triggers: the district of the row (old and new, as a row may move), or of its parent.
DIRECT = """
    IF TG_OP <> 'INSERT' THEN PERFORM {name}_bump_stamp(OLD.district_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM {name}_bump_stamp(NEW.district_id); END IF;
"""
THROUGH_PARENT = """
    IF TG_OP <> 'INSERT' THEN
        PERFORM {name}_bump_stamp((SELECT district_id FROM {parent} WHERE id = OLD.{key}));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM {name}_bump_stamp((SELECT district_id FROM {parent} WHERE id = NEW.{key}));
    END IF;
"""
# A state's row (its renewal rule): every district of the state.
THROUGH_STATE = """
    IF TG_OP <> 'INSERT' THEN
        PERFORM {name}_bump_stamp(id) FROM {district} WHERE state_id = OLD.state_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM {name}_bump_stamp(id) FROM {district} WHERE state_id = NEW.state_id;
    END IF;
"""

ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}_stamp_by_{kind}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{body}
    RETURN NULL;
END $$;
"""

# (app, model, how its district is found, the columns the figures read or None for all).
# How: "district" (its own ``district_id``), "submission" or "plan" (its parent's),
# "state" (every district of its ``state_id``).
Watched = tuple[str, str, str, list[str] | None]


@dataclass(frozen=True)
class TriggerStamp:
    name: str  # prefixes its SQL functions and triggers: ``{name}_stamp_<table>``
    marker: str  # the transaction setting that bumps once per statement
    model: tuple[str, str]  # (app, model) of its table: ``district_id`` and ``version``
    watched: tuple[Watched, ...]

    def _watched(self, models: Apps) -> list[tuple[str, str, list[str] | None]]:
        """(table, how its district is found, the columns read or None for all) of the watched
        models that ``models`` holds: after a migration to an earlier state, only those."""
        watched = []
        for app_label, model_name, kind, columns in self.watched:
            try:
                table = models.get_model(app_label, model_name)._meta.db_table
            except LookupError:
                continue
            watched.append((table, kind, columns))
        return watched

    def install(self, db: BaseDatabaseWrapper, models: Apps = apps) -> None:
        """Create (or re-create) the stamp's functions and triggers; safe to run again.

        ``models`` is the state the database was migrated to (``post_migrate`` passes it): the
        triggers go on the watched tables that state has."""
        if db.vendor != "postgresql":
            return
        try:
            names = {
                "stamp": models.get_model(*self.model)._meta.db_table,
                "submission": models.get_model("submissions", "Submission")._meta.db_table,
                "plan": models.get_model("submissions", "Plan")._meta.db_table,
                "district": models.get_model("accounts", "District")._meta.db_table,
            }
        except LookupError:
            return  # migrated to a state without the stamp or the plans yet: nothing to stamp
        bodies = {
            "district": DIRECT.format(name=self.name),
            "submission": THROUGH_PARENT.format(
                name=self.name, parent=names["submission"], key="submission_id"
            ),
            "plan": THROUGH_PARENT.format(name=self.name, parent=names["plan"], key="plan_id"),
            "state": THROUGH_STATE.format(name=self.name, district=names["district"]),
        }
        with db.cursor() as cursor:
            cursor.execute(
                BUMP_FUNCTION.format(
                    name=self.name, marker=self.marker, lock_class=LOCK_CLASS, **names
                )
            )
            for kind, body in bodies.items():
                cursor.execute(ROW_FUNCTION.format(name=self.name, kind=kind, body=body))
            for table, kind, columns in self._watched(models):
                self.install_triggers(cursor, table=table, kind=kind, columns=columns)

    def install_triggers(self, cursor, *, table: str, kind: str, columns: list[str] | None):
        """The stamp's triggers on one table, and no other of this stamp's on it: a table
        renamed by a migration keeps the triggers made for its old name, which would bump the
        stamp twice."""
        trigger = f"{self.name}_stamp_{table}"
        wanted = {trigger, f"{trigger}_update"} if columns else {trigger}
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "AND tgname LIKE %s",
            [table, f"{self.name}\\_stamp\\_%"],
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
                f"WHEN ({changed}) EXECUTE FUNCTION {self.name}_stamp_by_{kind}()"
            )
            events = "INSERT OR DELETE"
        else:
            events = "INSERT OR UPDATE OR DELETE"
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {self.name}_stamp_by_{kind}()"
        )

    def install_after_migrate(self, sender, using: str = "default", **kwargs) -> None:
        from django.db import connections

        self.install(connections[using], kwargs.get("apps") or apps)

    def table(self) -> str:
        return apps.get_model(*self.model)._meta.db_table

    def current(self, *, district_id: int) -> int | None:
        """The district's stamp, or None when figures filed under it can't be trusted here: on
        SQLite, or inside a transaction that has written (its own changes are not stamped
        until COMMIT, and could still be rolled back)."""
        return self.current_of(district_ids=[district_id]).get(district_id)

    def current_of(self, *, district_ids: list[int]) -> dict[int, int]:
        """The stamps of several districts in one query (``current`` for each); empty when none
        can be trusted here."""
        if connection.vendor != "postgresql" or not district_ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_current_xact_id_if_assigned() IS NULL, wanted.id, "
                f"COALESCE(stamp.version, 0) FROM unnest(%s::bigint[]) AS wanted(id) "
                f"LEFT JOIN {self.table()} stamp ON stamp.district_id = wanted.id",
                [list(district_ids)],
            )
            rows = cursor.fetchall()
        if not rows or not rows[0][0]:
            return {}
        return {district_id: version for _clean, district_id, version in rows}
