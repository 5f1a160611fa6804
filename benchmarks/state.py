"""A state at scale: ``seed_scale --districts 300 --educators 40000 --plans 400000`` against a
state of the demo's size (three districts), page by page.

Figures (each page's time, and its Python CPU time beside it: steadier on a shared machine):
- how long seeding the whole state takes (bulk inserts, one transaction per district);
- each page's time in the large state over its time in the small one (goal ≤ 1.3×), as its
  reader sees it: the state admin's side-by-side dashboard and the state's awards; a district
  admin's dashboard and the district reports of one district of each state. The reports' figures
  are cached under each district's report stamp; the "first view after a change" figures move
  one district's stamp before each request (the reader's own district; for the state pages, one
  of the state's, beat's warmer keeping the others fresh), and one figure moves every stamp of
  the large state once (the state dashboard then computes all its districts' figures anew);
- each page's number of queries in both states (goal: the same number) and its slowest query.

Runs in its own throw-away database (tables created from the models, no migrations needed).
``BENCH_STATE_KEEPDB=1`` keeps that database and its two states for the next run, which then
measures without seeding again (tables and indexes a later change adds to existing tables must
then be created by hand, or drop the database). The machine's load average is printed with the
figures: it is shared.
"""

import os
import statistics
import time

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse

RUNS = 21
COLD_RUNS = 7
SMALL = {"districts": 3, "educators": 60, "plans": 600}
LARGE = {
    "districts": int(os.environ.get("BENCH_STATE_DISTRICTS", 300)),
    "educators": int(os.environ.get("BENCH_STATE_EDUCATORS", 40000)),
    "plans": int(os.environ.get("BENCH_STATE_PLANS", 400000)),
}
STATE_PAGES = ["states:dashboard", "states:awards"]
DISTRICT_PAGES = [
    "people:admin_dashboard",
    "reports:funnel",
    "reports:completions",
    "reports:turnaround",
    "reports:relicensure",
    "reports:salary",
]


KEEPDB = os.environ.get("BENCH_STATE_KEEPDB") == "1"


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=KEEPDB
    )
    try:
        return _measure()
    finally:
        if not KEEPDB:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"


def _page(client: Client, url: str, *, before_each=None, runs: int = RUNS) -> dict:
    """Median seconds of ``runs`` views (after one warm-up), and the queries of one more view:
    how many, and the slowest (its milliseconds and its first words)."""
    return _pages({"": client}, url, before_each={"": before_each}, runs=runs)[""]


def _pages(clients: dict, url: str, *, before_each: dict, runs: int = RUNS) -> dict:
    """``_page`` of each size's reader (``clients``: size → a signed-in client), their views
    taken in turn (the sizes' order alternating from one round to the next) rather than one
    size's after the other's: a machine that gets busier or quieter meanwhile weighs on both."""
    sizes = list(clients)
    for size in sizes:
        clients[size].get(url)
    samples = {size: [] for size in sizes}
    cpu = {size: [] for size in sizes}
    for round_ in range(runs):
        for size in sizes if round_ % 2 == 0 else reversed(sizes):
            if before_each[size]:
                before_each[size]()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = clients[size].get(url)
            samples[size].append(time.perf_counter() - started)
            cpu[size].append(time.process_time() - started_cpu)
            assert response.status_code == 200, (url, response.status_code)
    measured = {}
    for size in sizes:
        if before_each[size]:
            before_each[size]()
        with CaptureQueriesContext(connection) as queries:
            clients[size].get(url)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        measured[size] = {
            "seconds": statistics.median(samples[size]),
            # The page's own Python time (PostgreSQL's is not in it): on a shared machine,
            # steadier than the time it took.
            "cpu": statistics.median(cpu[size]),
            "queries": len(queries),
            "slowest": f"{float(slowest['time']) * 1000:.0f} ms {slowest['sql'][:60]!r}",
        }
    return measured


def _change_in(districts) -> None:
    """Something the districts' reports read changes: their report stamps move on."""
    from accounts.models import Building

    firsts = (
        Building.objects.filter(district__in=districts)
        .order_by("district_id", "pk")
        .distinct("district_id")
        .values_list("pk", flat=True)
    )
    Building.objects.filter(pk__in=list(firsts)).update(name=F("name"))


def _measure() -> list[tuple[str, str]]:
    from accounts.models import State, User
    from reports.scale import seed_state

    figures: list[tuple[str, str]] = [("machine at the start", _load())]
    if KEEPDB and State.objects.filter(slug__in=["small", "large"]).count() == 2:
        figures.append(("seed_scale", "skipped: the states of a previous run were kept"))
    else:
        seed_state(slug="small", seed=1, **SMALL)
        started = time.perf_counter()
        _, result = seed_state(slug="large", seed=2, **LARGE)
        seconds = time.perf_counter() - started
        figures.append(
            (
                f"seed_scale {LARGE['districts']} districts / {result.educators} educators / "
                f"{result.plans} plans",
                f"{seconds:.0f} s ({result.plans / seconds:.0f} plans/s, "
                f"{result.attempts} attempts; {_load()})",
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    states = {size: State.objects.get(slug=size) for size in ("small", "large")}
    readers = {
        size: {
            "state": User.objects.get(email=f"state-admin@{size}.example.org"),
            # A district of the state (at scale, one of 300 of about the same size).
            "district": User.objects.filter(district__state=state, is_district_admin=True).order_by(
                "pk"
            )[0],
        }
        for size, state in states.items()
    }
    ratios, cold_ratios, query_mismatch = [], [], []
    for names, reader in ((STATE_PAGES, "state"), (DISTRICT_PAGES, "district")):
        for name in names:
            url = reverse(name)
            clients, changes = {}, {}
            for size, state in states.items():
                user = readers[size][reader]
                clients[size] = Client()
                clients[size].force_login(user)
                # The district the reader sees change: the district admin's own; for the state
                # pages, one of the state's (the warmer keeps the others' figures fresh).
                changed = [user.district_id or state.districts.order_by("pk")[0].pk]
                changes[size] = lambda d=changed: _change_in(d)
            times: dict[tuple[str, str], dict] = {}
            for kind, before_each, runs in (
                ("cached", dict.fromkeys(states), RUNS),
                ("cold", changes, COLD_RUNS),
            ):
                for size, measured in _pages(
                    clients, url, before_each=before_each, runs=runs
                ).items():
                    times[size, kind] = measured
            for kind, label, into in (
                ("cached", "", ratios),
                ("cold", ", first view after a change in one district", cold_ratios),
            ):
                large, small = times["large", kind], times["small", kind]
                ratio = large["seconds"] / small["seconds"]
                into.append(ratio)
                if large["queries"] != small["queries"]:
                    query_mismatch.append(f"{name}{label}")
                figures.append(
                    (
                        f"{name} at scale vs demo size{label}",
                        f"{large['seconds'] * 1000:.0f} ms / {small['seconds'] * 1000:.0f} ms"
                        f" = {ratio:.2f}x (CPU {large['cpu'] * 1000:.1f} / "
                        f"{small['cpu'] * 1000:.1f} ms = {large['cpu'] / small['cpu']:.2f}x);"
                        f" queries {large['queries']} / {small['queries']};"
                        f" slowest at scale {large['slowest']}",
                    )
                )
    # The worst case, once: every district changed since the warmer last ran.
    client.force_login(readers["large"]["state"])
    every = _page(
        client,
        reverse("states:dashboard"),
        before_each=lambda: _change_in(states["large"].districts.all()),
        runs=1,
    )
    figures.append(
        (
            "states:dashboard at scale, every district changed since the last warming",
            f"{every['seconds']:.1f} s; queries {every['queries']}",
        )
    )
    figures.append(("worst page ratio (goal <= 1.3x)", f"{max(ratios):.2f}x"))
    figures.append(
        ("worst ratio, first view after a change in one district", f"{max(cold_ratios):.2f}x")
    )
    figures.append(
        (
            "pages whose number of queries grows with the state",
            ", ".join(query_mismatch) or "none",
        )
    )
    figures.append(("machine at the end", _load()))
    return figures
