"""The REST API at scale: each list's first page, a page deep into it, and the ledger, for a
district of 500 plans and one of 50,000.

Figures: milliseconds (median of 5) and queries per call, at both sizes; the goal is the same
number of queries and a time that does not grow with the district.

Runs in its own throw-away database (tables created from the models, no migrations needed).
"""

import statistics
import time

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

RUNS = 5
PATHS = [
    "/api/v1/people/",
    "/api/v1/submissions/",
    "/api/v1/awards/",
    "/api/v1/relicensure/",
    "/api/v1/ledger/",
]


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.API_RATE = "1000000/min"
    settings.API_LEDGER_SETTLE_SECONDS = 0
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return _measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _ledger_entries(district) -> int:
    """The audit entries issuance writes, for the awards the seed wrote directly."""
    from accounts.models import AuditEvent
    from badges.models import Award

    events = [
        AuditEvent(
            district=district,
            action="award.issued",
            target_type="badges.award",
            target_id=award_id,
            to_status="issued",
        )
        for award_id in Award.objects.filter(district=district).values_list("pk", flat=True)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)


def _call(client: Client, token: str, url: str) -> tuple[float, int, dict]:
    client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")  # warm
    samples, queries, body = [], 0, {}
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries, body = len(captured.captured_queries), response.json()
    return statistics.median(samples), queries, body


def _measure() -> list[tuple[str, str]]:
    from accounts.models import User
    from api.services import api_client_register
    from reports.scale import seed_scale
    from tests.api.conftest import ALL_SCOPES, request_token

    figures = []
    sizes = {}
    for slug, educators, plans in (("small", 50, 500), ("large", 5000, 50000)):
        district, _ = seed_scale(slug=slug, educators=educators, plans=plans, seed=1)
        entries = _ledger_entries(district)
        admin = User.objects.get(email=f"admin@{slug}.example.org")
        registered = api_client_register(actor=admin, name="HR", scopes=ALL_SCOPES)
        token = request_token(registered.client_id, registered.client_secret).json()["access_token"]
        sizes[slug] = (plans, entries, token)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    for path in PATHS:
        measured = {}
        for slug, (_plans, _entries, token) in sizes.items():
            first, queries, body = _call(client, token, path)
            deep = ""
            if body.get("next"):
                # Ten pages on, by cursor: the cost of a page does not depend on where it is.
                url = body["next"]
                for _ in range(9):
                    page = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
                    url = page.get("next") or url
                deep_time, deep_queries, _ = _call(client, token, url)
                deep = f", page 11: {deep_time * 1000:.0f} ms / {deep_queries} queries"
            elif path.endswith("ledger/"):
                last = body["entries"][-1]["id"] if body["entries"] else 0
                deep_time, deep_queries, _ = _call(
                    client,
                    token,
                    f"{path}?cursor={last}&limit=500",
                )
                deep = f", next 500: {deep_time * 1000:.0f} ms / {deep_queries} queries"
            measured[slug] = f"{first * 1000:.0f} ms / {queries} queries{deep}"
        figures.append((f"{path} at {sizes['small'][0]:,} plans", measured["small"]))
        figures.append(
            (
                f"{path} at {sizes['large'][0]:,} plans ({sizes['large'][1]:,} ledger entries)",
                measured["large"],
            )
        )
    return figures
