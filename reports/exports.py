"""Every report table as rows for CSV and XLSX: streamed from the database, any size.

A dataset is a name, a title, its column headers, a row count (one query) and a generator of
rows (``iterator()`` over a values query, so memory stays flat whatever the size). A dataset
whose rows are one values query with its text neutralised in SQL may also name that query:
on PostgreSQL its CSV is then written by the database itself (``COPY ... TO STDOUT``).
"""

import csv
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Case, CharField, Expression, F, Func, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Left, NullIf
from django.db.models.lookups import In

from accounts.models import District
from microcreds.downloads import download_filename

from . import selectors
from .selectors import RENEWAL_LABELS, ReportFilters

# A spreadsheet reading a cell that starts with one of these may run it as a formula; so may one
# that starts with blanks before them (spreadsheets trim a cell's leading spaces on import). A tab
# or carriage return at the start is refused whatever follows: some importers split cells there.
FORMULA_PREFIXES = ("=", "+", "-", "@")
CONTROL_PREFIXES = ("\t", "\r")
LEADING_BLANKS = " \t\r\n\x0b\x0c\u00a0"
CHUNK_ROWS = 2000
# Rows per piece of a streamed CSV: few enough to keep memory flat, enough to keep overhead low.
LINES_PER_PIECE = 500
# Bytes of a CSV written by PostgreSQL held at a time: a Linux pipe's capacity.
COPY_PIECE_BYTES = 64 * 1024


def neutralise(value: Any) -> Any:
    """The one rule for every text cell of every export (CSV and XLSX): text that a spreadsheet
    could read as a formula gets a leading apostrophe. ``neutralised`` is the same rule in SQL."""
    if isinstance(value, str) and (
        value.startswith(CONTROL_PREFIXES)
        or value.lstrip(LEADING_BLANKS).startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


def neutralised(text: Expression) -> Case:
    """``neutralise`` in SQL, for a text column the database writes to CSV itself.

    An empty text becomes NULL: Python's csv writes both as nothing, PostgreSQL's COPY would
    write "" for the empty one.
    """
    first = Left(Func(text, Value(LEADING_BLANKS), function="LTRIM"), 1)
    return Case(
        When(
            Q(In(Left(text, 1), list(CONTROL_PREFIXES))) | Q(In(first, list(FORMULA_PREFIXES))),
            then=Concat(Value("'"), text),
        ),
        default=NullIf(text, Value("")),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    headers: Sequence[str]
    rows: Callable[[District, ReportFilters], Iterable[Sequence[Any]]]
    count: Callable[[District, ReportFilters], int]
    # The values query behind ``rows``, its text columns wrapped in ``neutralised``.
    values: Callable[[District, ReportFilters], QuerySet] | None = None


def _ledger_values(district: District, filters: ReportFilters):
    return (
        selectors.salary_ledger(district=district, filters=filters)
        .order_by("decided_at", "id")
        .values_list(
            neutralised(Concat(F("educator__first_name"), Value(" "), F("educator__last_name"))),
            neutralised(F("educator__email")),
            neutralised(F("educator__building__name")),
            neutralised(F("plan__microcredential__title")),
            "plan__microcredential__version",
            "salary",
            "points",
            "hours",
            "effective_on",
        )
    )


def _ledger_rows(district: District, filters: ReportFilters) -> Iterator[Sequence[Any]]:
    """The ledger's rows as the database driver returns them.

    This is what ``QuerySet.iterator()`` does underneath (a server-side cursor read in chunks),
    minus Django's per-value converters: the driver's Decimal and date values are already
    what a CSV needs, and skipping them halves the export's Python time.
    """
    sql, params = _ledger_values(district, filters).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield from rows


def _ledger_count(district: District, filters: ReportFilters) -> int:
    return selectors.salary_ledger_ids(district=district, filters=filters).count()


def _renewal_people(district: District, filters: ReportFilters):
    return selectors.relicensure(district=district, filters=filters)["people"]


def _renewal_rows(district: District, filters: ReportFilters) -> Iterator[Sequence[Any]]:
    people = _renewal_people(district, filters).values_list(
        Concat(F("first_name"), Value(" "), F("last_name")),
        "email",
        "building__name",
        "earned_count",
        "in_progress_count",
        "earned_points",
        "in_progress_points",
        "renewal",
    )
    # The points are empty where the rule in force counts micro-credentials alone.
    for row in people.iterator(chunk_size=CHUNK_ROWS):
        yield (*row[:7], RENEWAL_LABELS[row[7]])


def _renewal_count(district: District, filters: ReportFilters) -> int:
    return _renewal_people(district, filters).count()


def _funnel_rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
    stages = selectors.funnel(district=district, filters=filters)["stages"]
    return [
        (s["label"], s["count"], "" if s["conversion"] is None else s["conversion"]) for s in stages
    ]


def _stall_rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
    stalls = selectors.funnel(district=district, filters=filters)["stalls"]
    return [(s["label"], s["count"], s["stalled"]) for s in stalls]


def _completion_rows(key: str) -> Callable[[District, ReportFilters], list[Sequence[Any]]]:
    def rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
        data = selectors.completions(district=district, filters=filters)[key]
        if key == "by_microcredential":
            return [(r["name"], r["stack"] or "", r["count"]) for r in data]
        return [(r["name"], r["count"]) for r in data]

    return rows


def _pass_rate_rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
    p = selectors.pass_rates(district=district, filters=filters)
    return [
        ("First attempt", p["first_decided"], p["first_passed"], _blank(p["first_rate"])),
        ("After resubmission", p["resubmitted"], p["passed_after"], _blank(p["after_rate"])),
    ]


def _turnaround_rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
    t = selectors.turnaround(district=district, filters=filters)
    return [
        (label, t[key]["count"], _blank(t[key]["median"]), _blank(t[key]["p90"]))
        for key, label in (
            ("plan", "Plan submission to decision"),
            ("review", "Evidence submission to outcome"),
        )
    ]


# The panel report's row of the reviews that wait for nobody (their reviewer was deactivated).
NEEDS_ANOTHER_REVIEWER = "Needs another reviewer"


def _workload_rows(district: District, filters: ReportFilters) -> list[Sequence[Any]]:
    rows: list[Sequence[Any]] = [
        (
            row.display_name,
            row.email,
            row.waiting,
            row.overdue,
            row.done,
            row.late,
            _blank(row.turnaround_days),
        )
        for row in selectors.panel_workload(district=district, filters=filters)
    ]
    flagged = selectors.panel_needing_reviewer(district=district, filters=filters)
    if flagged["waiting"]:
        rows.append(
            (NEEDS_ANOTHER_REVIEWER, "", flagged["waiting"], flagged["overdue"], "", "", "")
        )
    return rows


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _listed(
    build: Callable[[District, ReportFilters], list[Sequence[Any]]],
) -> tuple[Callable, Callable]:
    return build, lambda district, filters: len(build(district, filters))


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "salary_ledger",
            "Salary ledger",
            [
                "Educator",
                "E-mail",
                "Building",
                "Micro-credential",
                "Version",
                "Salary increase",
                "PD points",
                "Clock hours",
                "Effective date",
            ],
            _ledger_rows,
            _ledger_count,
            _ledger_values,
        ),
        Dataset(
            "relicensure",
            "Re-licensure",
            [
                "Educator",
                "E-mail",
                "Building",
                "Earned in window",
                "In progress",
                "PD points in window",
                "PD points in progress",
                "Status",
            ],
            _renewal_rows,
            _renewal_count,
        ),
        Dataset("funnel", "Funnel", ["Stage", "Count", "Conversion (%)"], *_listed(_funnel_rows)),
        Dataset(
            "stalls",
            "Where plans stall",
            ["Status", "Open", f"Unchanged for {selectors.STALL_DAYS}+ days"],
            *_listed(_stall_rows),
        ),
        Dataset(
            "completions_building",
            "Completions by building",
            ["Building", "Earned"],
            *_listed(_completion_rows("by_building")),
        ),
        Dataset(
            "completions_microcredential",
            "Completions by micro-credential",
            ["Micro-credential", "Stack", "Earned"],
            *_listed(_completion_rows("by_microcredential")),
        ),
        Dataset(
            "completions_stack",
            "Completions by stack",
            ["Stack", "Earned"],
            *_listed(_completion_rows("by_stack")),
        ),
        Dataset(
            "completions_goal",
            "Completions by district goal",
            ["District goal", "Earned"],
            *_listed(_completion_rows("by_goal")),
        ),
        Dataset(
            "pass_rates",
            "Pass rates",
            ["Attempt", "Decided", "Passed", "Pass rate (%)"],
            *_listed(_pass_rate_rows),
        ),
        Dataset(
            "reviewer_workload",
            "Reviewer workload",
            [
                "Reviewer",
                "E-mail",
                "Waiting",
                "Overdue",
                "Done",
                "Done late",
                "Mean days to review",
            ],
            *_listed(_workload_rows),
        ),
        Dataset(
            "turnaround",
            "Turnaround (days)",
            ["Stage", "Decided", "Median days", "90th percentile days"],
            *_listed(_turnaround_rows),
        ),
    ]
}


def export_label(*, dataset: str, file_format: str) -> str:
    """How an export is named to a person: its report's title and the file's format, e.g.
    "Salary ledger (XLSX)" (never built from the dataset's name, which is for URLs)."""
    return f"{DATASETS[dataset].title} ({file_format.upper()})"


def export_filename(
    *, district: District, dataset: str, file_format: str, labels: Iterable[str], day: dt.date
) -> str:
    """The name of every export file, at once or built by a worker: whose, which report, the
    filters applied, and the day, e.g. ``kmsd-salary-ledger-fall-2026-lincoln-2026-12-06.csv``."""
    return download_filename(
        district.slug, DATASETS[dataset].title, *labels, day.isoformat(), extension=file_format
    )


class _Echo:
    """A file-like whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dataset: Dataset, district: District, filters: ReportFilters) -> Iterator[bytes]:
    """The CSV file in UTF-8 pieces, the header first.

    On PostgreSQL a dataset with a values query is written by the database; otherwise rows are
    written here (``rows_csv``). Both give the same bytes.
    """
    if dataset.values is not None and connection.vendor == "postgresql":
        yield _csv_header(dataset.headers)
        sql, params = dataset.values(district, filters).query.sql_with_params()
        yield from copy_csv(sql, params)
        return
    yield from rows_csv(dataset.headers, dataset.rows(district, filters))


def _csv_header(headers: Sequence[str]) -> bytes:
    return ("\ufeff" + csv.writer(_Echo()).writerow(list(headers))).encode()


def rows_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Any table as a CSV file in UTF-8 pieces, the header first, ``LINES_PER_PIECE`` rows at a
    time, every text cell neutralised."""
    writer = csv.writer(_Echo())
    yield _csv_header(headers)
    piece: list[str] = []
    text_columns: list[int] | None = None
    for row in rows:
        if text_columns is None:
            # A column's type does not change from row to row: check only text (or empty) ones.
            text_columns = [i for i, v in enumerate(row) if v is None or isinstance(v, str)]
        cells = list(row)
        for i in text_columns:
            cells[i] = neutralise(cells[i])
        piece.append(writer.writerow(cells))
        if len(piece) == LINES_PER_PIECE:
            yield "".join(piece).encode()
            piece = []
    if piece:
        yield "".join(piece).encode()


def copy_csv(sql: str, params: Sequence[Any]) -> Iterator[bytes]:
    """The rows of a PostgreSQL query as CSV written by the database, in pieces.

    psycopg2's ``copy_expert`` returns only when the COPY is done, handing each row to a file
    as it arrives: a thread runs it into a pipe that this generator reads, so at most a pipe's
    worth of rows is in memory whatever the size. Closed early (the download stopped), it
    cancels the COPY and waits for the thread. The transaction (a savepoint inside another)
    keeps a cancelled COPY from spoiling the caller's.
    """
    with transaction.atomic():
        driver = connection.connection
        cursor = driver.cursor()
        statement = cursor.mogrify(
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')", params
        )
        read_fd, write_fd = os.pipe()
        reader = open(read_fd, "rb", buffering=0)
        writer = open(write_fd, "wb", buffering=COPY_PIECE_BYTES)
        failures: list[Exception] = []

        def copy() -> None:
            with writer, cursor:
                try:
                    cursor.copy_expert(statement, writer)
                except Exception as error:  # raised in the reading thread, below
                    failures.append(error)

        worker = threading.Thread(target=copy, name="csv-copy", daemon=True)
        finished = False
        with reader:
            try:
                worker.start()
            except BaseException:
                writer.close()
                raise
            try:
                quoted = False
                while piece := reader.read(COPY_PIECE_BYTES):
                    piece, quoted = _crlf_line_ends(piece, quoted)
                    yield piece
                finished = True
            finally:
                if not finished:
                    driver.cancel()
                    # The thread may be blocked writing to the pipe: drain it so it can end.
                    while reader.read(COPY_PIECE_BYTES):
                        pass
                worker.join()
        if failures and finished:
            with connection.wrap_database_errors:
                raise failures[0]


def _crlf_line_ends(piece: bytes, quoted: bool) -> tuple[bytes, bool]:
    """COPY ends rows with LF, Python's csv with CRLF: turn the row ends into CRLF.

    A line feed inside a quoted value is data and stays as it is. ``quoted`` says whether the
    piece starts inside quotes; an escaped quote is doubled, so counting quotes is enough.
    Returns the piece and whether the next one starts inside quotes.
    """
    if b'"' not in piece:
        return (piece if quoted else piece.replace(b"\n", b"\r\n")), quoted
    parts = piece.split(b'"')
    for i in range(1 if quoted else 0, len(parts), 2):
        parts[i] = parts[i].replace(b"\n", b"\r\n")
    return b'"'.join(parts), quoted != (len(parts) % 2 == 0)


def write_csv(
    dataset: Dataset,
    district: District,
    filters: ReportFilters,
    out: IO[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(list(dataset.headers))
    written = 0
    for row in dataset.rows(district, filters):
        writer.writerow([neutralise(v) for v in row])
        written += 1
        if progress and written % CHUNK_ROWS == 0:
            progress(written)
    return written


def write_xlsx(
    dataset: Dataset,
    district: District,
    filters: ReportFilters,
    out: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """A write-only workbook: rows go to a temporary file, not to memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=dataset.title[:31])
    sheet.append(list(dataset.headers))
    written = 0
    for row in dataset.rows(district, filters):
        sheet.append([neutralise(v) for v in row])
        written += 1
        if progress and written % CHUNK_ROWS == 0:
            progress(written)
    workbook.save(out)
    return written
