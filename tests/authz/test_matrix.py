"""Every route of ours, every actor, every method: the outcome the matrix says, nothing else.

The world (tests/authz/world.py) is built once for this module and committed; each test runs in
a transaction that is rolled back, so an allowed POST never leaks into the next test. The module
flushes the database when it is done, as a transactional test would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.project_copy import ROOT

from .matrix import (
    ALLOW,
    EXEMPT,
    LOGIN,
    PROBED_METHODS,
    REFUSED,
    ROWS,
    SKIP,
    Row,
)

LOGIN_PATH = "/accounts/login/"
# The apps of this project (each has an apps.py beside manage.py), whatever their number.
OUR_APPS = tuple(app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").is_file())


# --- the routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    namespace: str
    pattern: str
    callback: Any
    urlconfs: tuple[str, ...]  # the modules of the includes the route came through

    @property
    def module(self) -> str:
        return getattr(self.callback, "__module__", "") or ""

    @property
    def full_name(self) -> str | None:
        if self.name is None:
            return None
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


def urlconf_module(resolver: URLResolver) -> str:
    conf = resolver.urlconf_name
    if isinstance(conf, str):
        return conf
    return getattr(conf, "__name__", "")


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", urlconfs: tuple[str, ...] = ()
) -> Iterator[Route]:
    urlconfs = (*urlconfs, urlconf_module(resolver))
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry, prefix + str(entry.pattern), inner, urlconfs)
        elif isinstance(entry, URLPattern):
            yield Route(
                entry.name, namespace, prefix + str(entry.pattern), entry.callback, urlconfs
            )


def exemption_of(route: Route) -> str | None:
    for exemption in EXEMPT:
        if exemption.applies(route):
            return exemption.label
    return None


def our_routes() -> list[Route]:
    return [route for route in walk(get_resolver()) if exemption_of(route) is None]


def test_every_route_of_ours_has_a_row():
    covered = {row.name for row in ROWS}
    missing = sorted(
        f"{route.full_name or '(unnamed)'}  /{route.pattern}  ({route.module})"
        for route in our_routes()
        if route.full_name not in covered
    )
    assert not missing, (
        "Routes without a row in tests/authz/matrix.py (add one; see the top of that file):\n  "
        + "\n  ".join(missing)
    )


def test_every_row_names_a_route_of_ours():
    ours = {route.full_name for route in our_routes()}
    stale = sorted({row.name for row in ROWS} - ours)
    assert not stale, f"Rows for routes that do not exist (or are exempt): {stale}"


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_each_exemption_still_exempts_something():
    labels = {exemption_of(route) for route in walk(get_resolver())}
    assert {e.label for e in EXEMPT} <= labels


# --- the database, before and after -------------------------------------------------------------


@functools.cache
def our_tables() -> tuple[tuple[str, str], ...]:
    """(model label, table) of every model of our apps, many-to-many tables included."""
    return tuple(
        sorted(
            {
                (model._meta.label, model._meta.db_table)
                for label in OUR_APPS
                for model in apps.get_app_config(label).get_models(include_auto_created=True)
            }
        )
    )


def snapshot(tables=None) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of the given tables (every table of our apps by
    default), in one query: PostgreSQL hashes each table's rows, in a fixed order, on its side."""
    tables = our_tables() if tables is None else tables
    if not tables:
        return {}
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, COUNT(*), MD5(COALESCE(STRING_AGG(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {quote(table)} t"
        for _, table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [label for label, _ in tables])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def write_counts() -> dict[str, int]:
    """Rows inserted, updated or deleted in each table so far in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


@contextmanager
def table_changes() -> Iterator[list[str]]:
    """The labels of our tables whose rows differ after the block from before it.

    PostgreSQL counts the writes of the current transaction per table: a block that wrote no row
    changed nothing, and only the tables it wrote to are compared. Those are hashed after the
    block, the block's savepoint is rolled back, and they are hashed again: what the block did is
    undone, and a write that left every row as it was (an update to the same value, a rolled-back
    savepoint) is not a change."""
    changed: list[str] = []
    counts = write_counts()
    savepoint = transaction.savepoint()
    try:
        yield changed
    except BaseException:
        transaction.savepoint_rollback(savepoint)
        raise
    written = write_counts()
    touched = [(label, t) for label, t in our_tables() if written.get(t, 0) != counts.get(t, 0)]
    if not touched:
        transaction.savepoint_commit(savepoint)
        return
    after = snapshot(touched)
    transaction.savepoint_rollback(savepoint)
    changed.extend(changed_tables(snapshot(touched), after))


# --- the requests ---------------------------------------------------------------------------------


def request(world, row: Row, actor: str, method: str):
    client = Client()
    if actor in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    url = reverse(row.name, kwargs=row.kwargs(world))
    if row.query is not None:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(row.query(world), doseq=True)}"
    body = row.data(world, actor) if row.data is not None else {}
    with table_changes() as changed:
        if method == "get":
            response = client.get(url, **row.headers)
        elif method == "put" or isinstance(body, bytes):
            send = client.put if method == "put" else client.post
            response = send(url, body, content_type="application/octet-stream", **row.headers)
        else:
            response = client.post(url, body, **row.headers)
    return url, response, changed


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def describe(row: Row, actor: str, method: str, url: str, response) -> str:
    where = response.get("Location", "")
    return f"{row.id} {method.upper()} {url} as {actor}: got {response.status_code}" + (
        f" -> {where}" if where else ""
    )


def assert_outcome(world, row: Row, actor: str, method: str, expected: str, url, response):
    status = response.status_code
    location = response.get("Location", "")
    what = describe(row, actor, method, url, response)
    if expected == ALLOW:
        assert 200 <= status < 400, f"{what}; expected allowed"
        if status >= 300:
            assert not location.startswith(LOGIN_PATH), f"{what}; allowed must not go to sign-in"
            assert row.redirect is not None, f"{what}; the row must say where (redirect=)"
            destination = row.redirect(world, actor)
            # A pattern with a scheme is a signed URL of object storage: the whole Location.
            target = location if "://" in destination else urlsplit(location).path
            assert re.fullmatch(destination, target), f"{what}; expected {destination}"
        if row.hidden is not None or row.shown is not None:
            content = body_of(response)
            for text in row.hidden(world, actor) if row.hidden else []:
                assert text not in content, f"{what}; the page reveals {text!r}"
            if status == 200:
                for text in row.shown(world, actor) if row.shown else []:
                    assert text in content, f"{what}; the page does not show {text!r}"
    elif expected == REFUSED:
        assert status in (403, 404), f"{what}; expected refused (403 or 404)"
    elif expected == LOGIN:
        assert status == 302 and location.startswith(LOGIN_PATH), f"{what}; expected sign-in"
    else:
        assert status == int(expected), f"{what}; expected {expected}"


CASES = [
    pytest.param(row, actor, method, id=f"{row.id}-{method}-{actor}")
    for row in ROWS
    for method in row.methods
    for actor, expected in row.outcomes(method).items()
    if expected != SKIP
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor", "method"), CASES)
def test_outcome(world, row: Row, actor: str, method: str):
    expected = row.outcomes(method)[actor]
    url, response, changed = request(world, row, actor, method)
    assert_outcome(world, row, actor, method, expected, url, response)
    if expected != ALLOW:
        assert not changed, (
            f"{describe(row, actor, method, url, response)}: refused, yet changed {changed}"
        )
    elif method != "get" and row.changes:
        assert changed, (
            f"{describe(row, actor, method, url, response)}: allowed, yet changed nothing; "
            "is the row's data= a body the view accepts?"
        )


def unlisted_cases() -> list:
    """Anonymous, and every actor the route lets in on a method it does list: those are the
    requests a missing method check would let through (the others are refused anyway)."""
    cases = []
    for row in ROWS:
        allowed = {a for m in row.methods for a, o in row.outcomes(m).items() if o == ALLOW}
        for method in PROBED_METHODS:
            if method in row.methods:
                continue
            for actor in row.actors:
                if actor == "anon" or actor in allowed:
                    cases.append(pytest.param(row, actor, method, id=f"{row.id}-{method}-{actor}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor", "method"), unlisted_cases())
def test_unlisted_method_is_refused(world, row: Row, actor: str, method: str):
    """A method the row does not list: 405 for whoever may use the route, refused for the rest,
    and never a change to the database."""
    listed = [row.outcomes(m)[actor] for m in row.methods]
    url, response, changed = request(world, row, actor, method)
    what = describe(row, actor, method, url, response)
    if ALLOW in listed:
        assert response.status_code == 405, f"{what}; expected 405"
    else:
        refusals = {int(o) for o in listed if o.isdigit()} | {405}
        if REFUSED in listed:
            refusals |= {403, 404}
        if LOGIN in listed and response.status_code == 302:
            assert response["Location"].startswith(LOGIN_PATH), what
        else:
            assert response.status_code in refusals, f"{what}; expected one of {refusals}"
    assert not changed, f"{what}: changed the database"


@pytest.mark.django_db
def test_the_watch_reports_a_changed_row_and_only_a_changed_row(world):
    from accounts.models import District

    district = District.objects.order_by("pk").first()
    with table_changes() as renamed:
        District.objects.filter(pk=district.pk).update(name=district.name + " renamed")
    with table_changes() as rewritten:
        District.objects.filter(pk=district.pk).update(name=district.name)
    with table_changes() as read:
        list(District.objects.all())
    assert renamed == ["accounts.District"]
    assert rewritten == [] and read == []
    # What the watched block changed is undone.
    assert District.objects.get(pk=district.pk).name == district.name
