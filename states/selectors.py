"""Reads of the state pages: the state's districts, and their program figures side by side.

The figures are the district reports' own (``reports.selectors.program_headline``, cached under
each district's report stamp): the state page reads them, it never recomputes a rule. It costs
a fixed number of queries whatever the number of districts (see ``program_headlines``).
"""

import bisect
import datetime as dt
import math
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import District, State, User
from badges import selectors as badge_selectors
from badges.models import Award
from reports import selectors as reports
from reports.models import ReportStamp

# The columns of the side-by-side table and of its CSV, in order.
COLUMNS = [
    "District",
    "Status",
    "Educators",
    "Plans drafted",
    "Plans submitted",
    "Plans approved",
    "Submitted for review",
    "Earned",
    "Plans under way",
    "Earned this cycle",
    "Cycle",
    "First-attempt pass rate (%)",
    "Median turnaround (days)",
    "Re-licensure at risk",
    "Re-licensure not met",
]


def _table_values(headline: dict) -> tuple:
    """The values of a district's headline its row, its sort, the charts and the CSV read
    (``DistrictFigures``' fields after the district, in order): a few numbers, cached for all
    the districts together instead of their whole headlines."""

    def renewal(key: str) -> int | None:
        # Educators of this renewal status; None when the district has no renewal rule, or
        # when the status does not apply (nobody is at risk once the window has closed).
        for row in headline["renewal"]["counts"]:
            if row["key"] == key:
                return row["count"]
        return None

    cycle = headline["cycle"]
    return (
        headline["educators"],
        tuple(stage["count"] for stage in headline["stages"]),
        headline["open"],
        headline["earned_in_cycle"],
        cycle["name"] if cycle else "",
        headline["pass_rates"]["first_rate"],
        headline["turnaround"]["review"]["median"],
        renewal(reports.RENEWAL_AT_RISK),
        renewal(reports.RENEWAL_NOT_MET),
    )


class DistrictLine(NamedTuple):
    """What a line of the state's table shows of its district (a tuple: 300 of them are made
    for each view of the table)."""

    pk: int
    name: str
    slug: str
    suspended_at: dt.datetime | None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class DistrictFigures(NamedTuple):
    """A district's line of the table: the district and its headline's values
    (``_table_values``). A tuple, as ``DistrictLine``."""

    district: DistrictLine
    educators: int
    stage_counts: tuple[int, ...]  # plans by stage, in the funnel's order
    open: int
    earned_in_cycle: int
    cycle_name: str
    pass_rate: float | None
    turnaround: float | None
    at_risk: int | None
    not_met: int | None

    @classmethod
    def of(cls, district: District, headline: dict) -> "DistrictFigures":
        line = DistrictLine(district.pk, district.name, district.slug, district.suspended_at)
        return cls(line, *_table_values(headline))

    def row(self) -> list:
        """The district's line of the table and of the CSV (COLUMNS)."""
        return [
            self.district.name,
            "Suspended" if self.district.is_suspended else "Active",
            self.educators,
            *self.stage_counts,
            self.open,
            self.earned_in_cycle,
            self.cycle_name,
            self.pass_rate,
            self.turnaround,
            self.at_risk,
            self.not_met,
        ]


def awards_of_state(*, state: State) -> QuerySet[Award]:
    return badge_selectors.awards_of_state(state_id=state.pk).order_by("-issued_at", "-id")


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class AwardsPage:
    awards: list[Award]
    older: str | None  # where the next (older) page starts; None on the last page


def award_cursor(award: Award) -> str:
    """Where a page ends, for the address of the next: the award's issue time and id."""
    return f"{(award.issued_at - EPOCH) // MICROSECOND}-{award.pk}"


def _parse_award_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    micros, _, pk = cursor.partition("-")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(micros) > 17 or len(pk) > 18:  # past year 9999, past a bigint: no such award
        return None
    return EPOCH + int(micros) * MICROSECOND, int(pk)


def awards_page(*, state: State, older_than: str = "", size: int) -> AwardsPage:
    """``size`` awards of the state, newest first, older than the award ``older_than`` names
    (``award_cursor``; anything else: from the newest). One query whatever the page: it reads
    down the index of issue times from where the last page ended, never counts nor skips."""
    awards = awards_of_state(state=state)
    after = _parse_award_cursor(older_than)
    if after is not None:
        issued_at, pk = after
        awards = awards.filter(issued_at__lte=issued_at).exclude(issued_at=issued_at, id__gte=pk)
    rows = list(awards[: size + 1])
    return AwardsPage(
        awards=rows[:size], older=award_cursor(rows[size - 1]) if len(rows) > size else None
    )


def districts_of_state(*, state: State) -> QuerySet[District]:
    """The state's districts, with the fields their rows and their figures read (one query)."""
    return District.objects.filter(state_id=state.pk).only(
        "pk", "name", "slug", "suspended_at", "state_id", "review_turnaround_days"
    )


def active_people_count(*, district: District) -> int:
    return User.objects.filter(district_id=district.pk, is_active=True).count()


TABLE_SECONDS = 24 * 3600
# The last table of each state this process read or built, with what it was filed under: the
# rows are tuples, never changed once made, so a view whose digest matches takes them as they
# are (no cache read, no 300 rows made again). A handful of states at most per deployment.
_TABLES: dict[int, tuple[tuple, list]] = {}
TABLES_KEPT = 32


def state_figures(*, state: State, today: dt.date | None = None) -> list[DistrictFigures]:
    """Every district of the state with its program's headline figures, by name. The list is
    shared between views: read it, never change it.

    The whole table is filed under one digest of what it shows (``_table_digest``: each
    district's line and report stamp), read in one query: while nothing in it moved, the page
    reads that query and takes the table from this process's memory, or else from one cache
    entry, whatever the number of districts. Otherwise each district's figures come from
    ``reports.program_headlines`` (only the districts whose stamp moved are computed again).
    Each row's district is a ``DistrictLine``: 300 of them cost a sixth of 300 model
    instances."""
    today = today or timezone.localdate()
    digest = _table_digest(state_id=state.pk)
    filed_under = (today.isoformat(), digest)
    key = f"states:table:{state.pk}"
    if digest is not None:
        memo = _TABLES.get(state.pk)
        if memo is not None and memo[0] == filed_under:
            return memo[1]
        kept = cache.get(key)
        if kept is not None and kept[0] == filed_under:
            rows = [DistrictFigures(DistrictLine(*line), *values) for line, values in kept[1]]
            _keep(state.pk, filed_under, rows)
            return rows
    lines = [
        DistrictLine(*values)
        for values in District.objects.filter(state_id=state.pk)
        .order_by("name", "pk")
        .values_list("pk", "name", "slug", "suspended_at")
    ]
    values = reports.program_headlines(
        districts=lines, today=today, extract=_table_values, extract_key="state-table"
    )
    rows = [DistrictFigures(d, *values[d.pk]) for d in lines]
    if digest is not None:
        table = [((d.pk, d.name, d.slug, d.suspended_at), values[d.pk]) for d in lines]
        cache.set(key, (filed_under, table), TABLE_SECONDS)
        _keep(state.pk, filed_under, rows)
    return rows


def _keep(state_id: int, filed_under: tuple, rows: list) -> None:
    if len(_TABLES) >= TABLES_KEPT and state_id not in _TABLES:
        _TABLES.clear()
    _TABLES[state_id] = (filed_under, rows)


def _table_digest(*, state_id: int) -> str | None:
    """A digest of everything the state's table shows that can change: each of its districts'
    id, name, slug and suspension, and its report stamp (which moves whenever a figure of its
    reports may have). One query; None when it cannot be trusted here (PostgreSQL only, as the
    stamps, and not inside a transaction that has written: its changes are not yet stamped)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_xact_id_if_assigned() IS NULL, md5(COALESCE(string_agg("
            "concat_ws(':', district.id, COALESCE(stamp.version, 0), district.slug, "
            "district.suspended_at IS NULL, district.name), ',' ORDER BY district.id), '')) "
            f"FROM {District._meta.db_table} district LEFT JOIN "
            f"{ReportStamp._meta.db_table} stamp ON stamp.district_id = district.id "
            "WHERE district.state_id = %s",
            [state_id],
        )
        clean, digest = cursor.fetchone()
    return digest if clean else None


# The table's orders (``forms.DistrictTableForm``): the figure each sorts by. A district
# without the figure ("—") comes last either way; ties by name.
SORT_FIGURES = {
    "educators": lambda row: row.educators,
    "earned": lambda row: row.earned_in_cycle,
    "pass_rate": lambda row: row.pass_rate,
    "turnaround": lambda row: row.turnaround,
    "at_risk": lambda row: row.at_risk,
    "not_met": lambda row: row.not_met,
}


def district_table(
    rows: list[DistrictFigures], *, q: str = "", sort: str = ""
) -> list[DistrictFigures]:
    """The rows whose district's name contains ``q``, in the order ``sort`` names (by name
    when it names none); ``rows`` come by name."""
    needle = q.strip().casefold()
    if needle:
        rows = [row for row in rows if needle in row.district.name.casefold()]
    figure = SORT_FIGURES.get(sort.removeprefix("-"))
    if figure is None:
        return rows
    descending = sort.startswith("-")
    known = [row for row in rows if figure(row) is not None]
    # Stable sorts: ties keep the order by name.
    known.sort(key=figure, reverse=descending)
    return known + [row for row in rows if figure(row) is None]


TOP_DISTRICTS = 10
PASS_RATE_BANDS = [(90, "90–100 %"), (75, "75–89 %"), (50, "50–74 %"), (-math.inf, "Under 50 %")]
TURNAROUND_BANDS = [
    (-math.inf, "Under a week"),
    (7, "1 to 2 weeks"),
    (14, "2 to 4 weeks"),
    (28, "4 weeks or more"),
]


def earned_leaders(rows: list[DistrictFigures]) -> list[tuple[str, int]]:
    """The ``TOP_DISTRICTS`` districts that earned most in their cycle under way, and the
    others together: as many bars for 300 districts as for 12."""
    ranked = sorted(rows, key=lambda row: -row.earned_in_cycle)
    items = [(row.district.name, row.earned_in_cycle) for row in ranked[:TOP_DISTRICTS]]
    others = ranked[TOP_DISTRICTS:]
    if others:
        items.append(
            (
                f"The other {len(others)} districts together",
                sum(row.earned_in_cycle for row in others),
            )
        )
    return items


def _banded(values: list[float | None], bands: list[tuple[float, str]]) -> list[tuple[str, int]]:
    """How many districts fall in each band (``bands``: each band's lower bound and label, in
    the order shown), and how many have no figure."""
    by_bound = sorted(bands)
    bounds = [bound for bound, _ in by_bound]
    counts = [0] * len(by_bound)
    missing = 0
    for value in values:
        if value is None:
            missing += 1
        else:
            # The highest band whose lower bound the value reaches.
            counts[bisect.bisect_right(bounds, value) - 1] += 1
    found = {label: count for (_, label), count in zip(by_bound, counts, strict=True)}
    return [*((label, found[label]) for _, label in bands), ("No figure yet", missing)]


def pass_rate_bands(rows: list[DistrictFigures]) -> list[tuple[str, int]]:
    """Districts by first-attempt pass rate, in bands."""
    return _banded([row.pass_rate for row in rows], PASS_RATE_BANDS)


def turnaround_bands(rows: list[DistrictFigures]) -> list[tuple[str, int]]:
    """Districts by median turnaround, evidence to outcome, in bands."""
    return _banded([row.turnaround for row in rows], TURNAROUND_BANDS)
