"""Report pages and CSV export at scale.

Figures:
- each report page's time at 50,000 plans over its time at 500 plans (goal ≤ 1.3×), as a
  district admin sees it: the figures cached under the district's report stamp; and, next to
  it, the page's time on the first view after a change (the stamp moved: figures computed);
- a 50,000-row salary-ledger CSV export through the view over ``psql \\copy`` of the very same
  query (goal ≤ 2×), and the growth of this (web) process's resident memory while streaming it,
  next to the growth for a 5,000-row export (flat: about the same).

Runs in its own throw-away database (tables created from the models, no migrations needed).
"""

import os
import shlex
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.urls import reverse

PAGES = ["funnel", "completions", "turnaround", "relicensure", "salary"]
RUNS = 5


def _rss_kb(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM (the peak RSS) of this process (Linux ≥ 4.0).
    Path("/proc/self/clear_refs").write_text("5")


def _page_time(client: Client, url: str, *, changed_before_each=None) -> float:
    client.get(url)  # warm: templates, session, plans in the database cache
    samples = []
    for _ in range(RUNS):
        if changed_before_each:
            changed_before_each()
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def _a_change_in(district) -> None:
    """Something the reports read changes (and is committed): the stamp moves on."""
    from accounts.models import Building

    building = Building.objects.filter(district=district).order_by("pk").first()
    Building.objects.filter(pk=building.pk).update(name=building.name)


def _export_via_view(client: Client, url: str, out: Path) -> tuple[float, int, int]:
    """Seconds, rows and peak RSS growth (KB) of streaming the export to a file."""
    client.get(url + "?building=0")  # warm the view's code path on an empty result
    baseline = _rss_kb()
    _reset_peak()
    started = time.perf_counter()
    response = client.get(url)
    lines = 0
    with out.open("wb") as handle:
        for piece in response.streaming_content:
            handle.write(piece)
            lines += piece.count(b"\n")
    elapsed = time.perf_counter() - started
    return elapsed, lines - 1, max(0, _rss_kb("VmHWM") - baseline)


def _psql_copy(sql: str, out: Path) -> float:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = f"\\copy ({sql}) TO {shlex.quote(str(out))} WITH CSV HEADER"
    args = [
        "psql",
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
        "-d",
        db["NAME"],
        "-q",
        "-c",
        command,
    ]
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return _measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _measure() -> list[tuple[str, str]]:
    import random

    from accounts.models import User
    from credentials.models import MicroCredential
    from reports import exports
    from reports.scale import seed_plans, seed_scale
    from reports.selectors import ReportFilters
    from submissions.models import Submission

    figures: list[tuple[str, str]] = []
    started = time.perf_counter()
    seed_scale(slug="small", educators=50, plans=500, seed=1)
    small_seed = time.perf_counter() - started
    started = time.perf_counter()
    large, result = seed_scale(slug="large", educators=5000, plans=50000, seed=2)
    large_seed = time.perf_counter() - started
    figures.append(("seed_scale 500 plans", f"{small_seed:.1f} s"))
    figures.append(
        (
            "seed_scale 5,000 educators / 50,000 plans",
            f"{large_seed:.1f} s ({result.attempts} attempts)",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    small = User.objects.get(email="admin@small.example.org")
    large_admin = User.objects.get(email="admin@large.example.org")
    ratios, cold_ratios = [], []
    for name in PAGES:
        url = reverse(f"reports:{name}")
        times = {}
        for admin in (small, large_admin):
            client.force_login(admin)
            times[admin.pk, "cached"] = _page_time(client, url)
            times[admin.pk, "cold"] = _page_time(
                client, url, changed_before_each=lambda a=admin: _a_change_in(a.district)
            )
        for kind, label, into in (
            ("cached", "", ratios),
            ("cold", ", first view after a change", cold_ratios),
        ):
            large_time, small_time = times[large_admin.pk, kind], times[small.pk, kind]
            into.append(large_time / small_time)
            figures.append(
                (
                    f"{name} page 50,000 vs 500 plans{label}",
                    f"{large_time * 1000:.0f} ms / {small_time * 1000:.0f} ms"
                    f" = {large_time / small_time:.2f}x",
                )
            )
    figures.append(("worst report page ratio (goal <= 1.3x)", f"{max(ratios):.2f}x"))
    figures.append(("worst ratio, first view after a change", f"{max(cold_ratios):.2f}x"))

    # What beat's warmer spends, each minute there was a change, to spare that first view.
    from reports.services import report_figures_warm

    for admin, plans in ((small, "500"), (large_admin, "50,000")):
        report_figures_warm()
        _a_change_in(admin.district)
        started = time.perf_counter()
        warmed = report_figures_warm()
        figures.append(
            (
                f"warming the figures of a {plans}-plan district after a change",
                f"{(time.perf_counter() - started) * 1000:.0f} ms ({warmed} district)",
            )
        )

    # The export: a district whose salary ledger has 50,000 rows.
    ledger_district, _ = seed_scale(slug="ledger", educators=2000, plans=0, seed=3)
    educators = list(User.objects.filter(district=ledger_district, is_educator=True))
    seed_plans(
        district=ledger_district,
        educators=educators,
        count=50000,
        catalog=list(MicroCredential.objects.filter(district=ledger_district)),
        goals=[],
        rng=random.Random(4),
        weights={Submission.Status.EARNED: 1},
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.force_login(User.objects.get(email="admin@ledger.example.org"))
    url = reverse("reports:export", args=["salary_ledger", "csv"])
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    view_times, rows, growth = [], 0, 0
    for attempt in range(3):
        seconds, rows, grew = _export_via_view(client, url, work / f"view{attempt}.csv")
        view_times.append(seconds)
        growth = max(growth, grew)
    values = exports._ledger_values(ledger_district, ReportFilters())
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        full_sql = cursor.mogrify(sql, params).decode()
    copy_times = [_psql_copy(full_sql, work / f"copy{i}.csv") for i in range(3)]
    view_time, copy_time = statistics.median(view_times), statistics.median(copy_times)
    figures.append(("CSV export rows", f"{rows}"))
    figures.append(
        (
            "50,000-row CSV export vs psql \\copy (goal <= 2x)",
            f"{view_time:.2f} s / {copy_time:.2f} s = {view_time / copy_time:.2f}x",
        )
    )
    figures.append(("RSS growth while streaming 50,000 rows", f"{growth / 1024:.1f} MB"))

    # Flat memory: a tenth of the rows should grow the process by about as much.
    client.force_login(User.objects.get(email="admin@large.example.org"))
    _export_via_view(client, url, work / "warm.csv")
    small_seconds, small_rows, small_growth = _export_via_view(client, url, work / "small.csv")
    figures.append(
        (
            f"RSS growth while streaming {small_rows} rows",
            f"{small_growth / 1024:.1f} MB ({small_seconds:.2f} s)",
        )
    )
    # Python heap peak (tracemalloc) while streaming: rows are not accumulated.
    for email in ("admin@ledger.example.org", "admin@large.example.org"):
        client.force_login(User.objects.get(email=email))
        tracemalloc.start()
        response = client.get(url)
        count = sum(piece.count(b"\n") for piece in response.streaming_content) - 1
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures.append((f"Python heap peak while streaming {count} rows", f"{peak / 2**20:.1f} MB"))
    view_lines = (work / "view0.csv").read_text(encoding="utf-8-sig").count("\n")
    copy_lines = (work / "copy0.csv").read_text().count("\n")
    figures.append(("rows written: view / psql", f"{view_lines - 1} / {copy_lines - 1}"))
    return figures
