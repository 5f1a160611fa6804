"""Where each key page's time goes, as a person of the 50,000-plan district sees it.

Not a benchmark module (``make bench`` skips it): a tool for whoever makes a page faster. Run it
with the benchmark's environment after ``make bench BENCH=load`` has seeded the database::

    python -m benchmarks._hot_spots                 # every key page
    python -m benchmarks._hot_spots plan catalog    # pages whose name contains a word
    PROFILE=1 python -m benchmarks._hot_spots plan  # and cProfile's costliest functions

For each page (in this process, Django's test client, after three warm-up views): the median
time, its SQL (count, time, the three costliest statements), and the templates that took longest
by their own time (a template's time without the templates it includes or extends into; a
parent's blocks count for the child that fills them, so ``base.html`` holds the page's content).
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time

RUNS = int(os.environ.get("RUNS", "15"))


class TemplateClock:
    """Own and inclusive time per template, from ``Template._render``."""

    def __init__(self):
        from django.template import base

        self._base = base
        self._original = base.Template._render
        self.times: dict[str, list[float]] = {}
        self._stack: list[float] = []

    def __enter__(self):
        clock, original = self, self._original

        def render(template, context):
            name = getattr(template.origin, "template_name", None) or template.name or "?"
            started = time.perf_counter()
            clock._stack.append(0.0)
            try:
                return original(template, context)
            finally:
                elapsed = time.perf_counter() - started
                children = clock._stack.pop()
                if clock._stack:
                    clock._stack[-1] += elapsed
                own, inclusive, count = clock.times.setdefault(name, [0.0, 0.0, 0])
                clock.times[name] = [own + elapsed - children, inclusive + elapsed, count + 1]

        self._base.Template._render = render
        return self

    def __exit__(self, *exc) -> None:
        self._base.Template._render = self._original


def _pages(subject: dict) -> list[tuple[str, object, str, dict]]:
    from benchmarks.load import REPORTS

    return [
        ("educator dashboard", subject["educator"], "/plans/", {}),
        ("catalog", subject["educator"], "/catalog/", {}),
        ("plan", subject["educator"], subject["plan"], {}),
        ("reviewer queue", subject["reviewer"], "/reviews/", {}),
        ("review page", subject["reviewer"], subject["review"], {}),
        ("admin dashboard", subject["admin"], "/district/", {}),
        *((f"report: {r}", subject["admin"], f"/reports/{r}/", {}) for r in REPORTS),
        ("verification page", None, f"/verify/{subject['award']}/", {}),
        ("sign-in page", None, "/accounts/login/", {}),
    ]


def _measure(name: str, user, path: str) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    if user is not None:
        user.refresh_from_db()
        client.force_login(user)
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql))

    profile = cProfile.Profile() if os.environ.get("PROFILE") else None
    samples = []
    with connection.execute_wrapper(timed), TemplateClock() as templates:
        for _ in range(RUNS):
            started = time.perf_counter()
            if profile:
                profile.enable()
            client.get(path)
            if profile:
                profile.disable()
            samples.append(time.perf_counter() - started)
    sql_time = sum(t for t, _ in statements) / RUNS
    print(
        f"\n{name} ({path}): median {statistics.median(samples) * 1000:.1f} ms;"
        f" SQL {len(statements) // RUNS} queries, {sql_time * 1000:.1f} ms"
    )
    by_statement: dict[str, list[float]] = {}
    for elapsed, sql in statements:
        by_statement.setdefault(sql, []).append(elapsed)
    for sql, times in sorted(by_statement.items(), key=lambda kv: -sum(kv[1]))[:3]:
        print(f"  SQL {sum(times) / RUNS * 1000:5.1f} ms x{len(times) // RUNS}: {sql[:150]}")
    ranked = sorted(templates.times.items(), key=lambda kv: -kv[1][0])[:6]
    for template, (own, inclusive, count) in ranked:
        print(
            f"  template {template}: own {own / RUNS * 1000:.1f} ms,"
            f" with what it includes {inclusive / RUNS * 1000:.1f} ms, x{count // RUNS}"
        )
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
        print(out.getvalue().split("filename:lineno(function)", 1)[-1].rstrip())


def main(words: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcreds.settings")
    django.setup()
    from benchmarks.load import _world

    for name, user, path, _ in _pages(_world()["large"]):
        if not words or any(word in name for word in words):
            _measure(name, user, path)


if __name__ == "__main__":
    main(sys.argv[1:])
