"""A state at scale: ``seed_scale --districts 300 --educators 40000 --plans 400000`` against a
state of the demo's size (three districts), page by page.

Figures:
- how long seeding the whole state takes (bulk inserts, one transaction per district);
- each page's time in the large state over its time in the small one (goal ≤ 1.3×), as its
  reader sees it: the state admin's side-by-side dashboard and the state's awards; a district
  admin's dashboard and the district reports of one district of each state. The reports' figures
  are cached under each district's report stamp; the "first view after a change" figures move
  every stamp of the state before each request, so the dashboard computes all its districts'
  figures anew;
- each page's number of queries in both states (goal: the same number).

Runs in its own throw-away database (tables created from the models, no migrations needed).
The machine's load average is printed with the figures: it is shared.
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

RUNS = 5
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


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return _measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"


def _page(client: Client, url: str, *, before_each=None) -> tuple[float, int]:
    """Median seconds of ``RUNS`` views (after one warm-up) and the queries of one view."""
    client.get(url)
    samples = []
    for _ in range(RUNS):
        if before_each:
            before_each()
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    if before_each:
        before_each()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries)


def _change_every_district_of(state) -> None:
    """Something every district's reports read changes: each report stamp moves on."""
    from accounts.models import Building

    firsts = (
        Building.objects.filter(district__state=state)
        .order_by("district_id", "pk")
        .distinct("district_id")
        .values_list("pk", flat=True)
    )
    Building.objects.filter(pk__in=list(firsts)).update(name=F("name"))


def _measure() -> list[tuple[str, str]]:
    from accounts.models import State, User
    from reports.scale import seed_state

    figures: list[tuple[str, str]] = [("machine at the start", _load())]
    seed_state(slug="small", seed=1, **SMALL)
    started = time.perf_counter()
    _, result = seed_state(slug="large", seed=2, **LARGE)
    seconds = time.perf_counter() - started
    figures.append(
        (
            f"seed_scale {LARGE['districts']} districts / {result.educators} educators / "
            f"{result.plans} plans",
            f"{seconds:.0f} s ({result.plans / seconds:.0f} plans/s, {result.attempts} attempts;"
            f" {_load()})",
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
            times: dict[tuple[str, str], tuple[float, int]] = {}
            for size, state in states.items():
                client.force_login(readers[size][reader])
                times[size, "cached"] = _page(client, url)
                times[size, "cold"] = _page(
                    client, url, before_each=lambda s=state: _change_every_district_of(s)
                )
            for kind, label, into in (
                ("cached", "", ratios),
                ("cold", ", first view after a change", cold_ratios),
            ):
                (large, large_queries), (small, small_queries) = (
                    times["large", kind],
                    times["small", kind],
                )
                into.append(large / small)
                if large_queries != small_queries:
                    query_mismatch.append(f"{name}{label}")
                figures.append(
                    (
                        f"{name} at scale vs demo size{label}",
                        f"{large * 1000:.0f} ms / {small * 1000:.0f} ms = {large / small:.2f}x;"
                        f" queries {large_queries} / {small_queries}",
                    )
                )
    figures.append(("worst page ratio (goal <= 1.3x)", f"{max(ratios):.2f}x"))
    figures.append(("worst ratio, first view after a change", f"{max(cold_ratios):.2f}x"))
    figures.append(
        (
            "pages whose number of queries grows with the state",
            ", ".join(query_mismatch) or "none",
        )
    )
    figures.append(("machine at the end", _load()))
    return figures
