"""Hostile input on every route of ours, for every actor, in the matrix's two-district world.

- Hostile page numbers (issue 14, finding 4): every GET route, with ``?page=`` set to what an
  attacker would try, answers as it does without it (never a 500), and changes nothing it
  would not.
- Fuzz (hypothesis): every form and JSON endpoint (every row with a POST or PUT) gets generated
  bodies (empty, huge, Unicode edge cases, null bytes, lists where one value is expected, hostile
  numbers, JSON and raw bytes instead of a form), and every GET route generated query strings for
  the filter forms' fields, from every actor: never a 500, and a refused request (4xx, or an
  actor the matrix refuses) changes no row. Bounded: one generated body (or query) per route,
  derandomized, so the run is the same every time; it goes out from every actor.

The world, its sessions and the "refused requests change no table" watch are the matrix's
(test_matrix.py): the same rows, found from the URL configuration by its coverage test.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from credentials.forms import CatalogFilterForm
from microcreds.pagination import MAX_PAGE, page_number
from people.forms import PeopleFilterForm
from reports.forms import ReportFilterForm
from reviews.forms import QueueFilterForm

from .matrix import ALL_ACTORS, ALLOW, ROWS, SKIP, Row
from .test_matrix import table_changes

HOSTILE_PAGES = [
    "999999999999999999999999",
    "9" * 400,
    "-1",
    "0",
    "-999999999999999999999999",
    "1e400",
    "NaN",
    "inf",
    "1.5",
    "0x10",
    " 2",
    "٣",
    "\x00",
    "%00",
    "",
    "[]",
    "page",
]


def client_of(world, actor: str) -> Client:
    client = Client()
    if actor in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


def url_of(world, row: Row, extra: dict | None = None) -> str:
    url = reverse(row.name, kwargs=row.kwargs(world))
    query = {**(row.query(world) if row.query else {}), **(extra or {})}
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def refused(row: Row, method: str, actor: str, status: int) -> bool:
    outcomes = row.outcomes(method)
    return status >= 400 or (outcomes is not None and outcomes[actor] not in (ALLOW, SKIP))


# --- hostile page numbers ----------------------------------------------------------------------


def test_the_page_number_helper_clamps_everything():
    from django.test import RequestFactory

    for value in HOSTILE_PAGES:
        number = page_number(RequestFactory().get("/", {"page": value}))
        assert 1 <= number <= MAX_PAGE, value
    assert page_number(RequestFactory().get("/", {"page": "7"})) == 7


def first_allowed(row: Row, method: str) -> str | None:
    return next((a for a, o in row.outcomes(method).items() if o == ALLOW), None)


# Every GET route (each list among them), as an actor the route lets in: the page is what a
# hostile number could break; refusals answer before any page is read.
GET_CASES = [
    pytest.param(row, first_allowed(row, "get"), id=f"{row.id}-{first_allowed(row, 'get')}")
    for row in ROWS
    if row.get is not None and first_allowed(row, "get") is not None
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), GET_CASES)
def test_hostile_page_numbers_never_break_a_page(world, row: Row, actor: str):
    client = client_of(world, actor)
    baseline = client.get(url_of(world, row), **row.headers).status_code
    for value in HOSTILE_PAGES:
        response = client.get(url_of(world, row, {"page": value}), **row.headers)
        where = f"{row.id} as {actor} with page={value[:30]!r}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        # Clamped (the page answers as without it), or refused: a NUL never reaches a view.
        expected = 400 if "\x00" in value else baseline
        assert response.status_code == expected, f"{where}: {response.status_code} != {expected}"


# --- fuzz ----------------------------------------------------------------------------------------

HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-0",
    "2147483648",
    "9223372036854775808",
    "999999999999999999999999",
    "1e400",
    "NaN",
    "Infinity",
    "1.5",
    "0x10",
    "١٢",
]
EDGE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud7ff\ue000\uffff",
    "\u202e\u200d\u2028\u2029",
    "Z̴̡̛͓a͖̭l̶go",
    "😀" * 50,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "=1+1",
    "x" * 70_000,
]
text_values = st.one_of(
    st.sampled_from(EDGE_TEXT + HOSTILE_NUMBERS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
)
field_values = st.one_of(text_values, st.lists(text_values, min_size=0, max_size=3))


def post_keys(world, row: Row, actor: str) -> list[str]:
    body = row.data(world, actor) if row.data is not None else {}
    return sorted(body) if isinstance(body, dict) else []


@st.composite
def bodies(draw, keys: list[str]):
    """A form body: each known field kept valid, made hostile, or left out; maybe extra keys."""
    encoding = draw(st.sampled_from(["form", "form", "json", "bytes"]))
    fields = {}
    for key in keys:
        choice = draw(st.sampled_from(["valid", "hostile", "missing"]))
        if choice == "hostile":
            fields[key] = draw(field_values)
        elif choice == "valid":
            fields[key] = None  # filled with the row's own valid value
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), field_values, max_size=2))
    raw = draw(st.binary(max_size=200))
    return encoding, fields, extra, raw


FILTER_KEYS = sorted(
    {
        *QueueFilterForm.base_fields,
        *ReportFilterForm.base_fields,
        *PeopleFilterForm.base_fields,
        *CatalogFilterForm.base_fields,
        "page",
        "renewal",
        "artifact",
        "replaces",
        "part",
        "status",
    }
)

FUZZ = hypothesis_settings(
    max_examples=1,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def from_every_actor(row: Row, method: str, send) -> None:
    """``send(actor)`` (it returns the status and words naming the request) from every actor.

    The actors the matrix refuses go first, together in one watched block: a refused request
    changes no row, so neither do all of them. Then each actor the matrix lets in, whose request
    must change nothing either when it is answered with a refusal (4xx)."""
    matrix_refused = [actor for actor in ALL_ACTORS if refused(row, method, actor, 200)]
    with table_changes() as changed:
        for actor in matrix_refused:
            status, where = send(actor)
            assert status < 500, f"{where}: {status}"
    assert not changed, f"{row.id} {method.upper()} refused to {matrix_refused}, yet {changed}"
    for actor in ALL_ACTORS:
        if actor in matrix_refused:
            continue
        with table_changes() as changed:
            status, where = send(actor)
        assert status < 500, f"{where}: {status}"
        if status >= 400:
            assert not changed, f"{where}: refused, yet changed {changed}"


WRITE_ROWS = [pytest.param(row, id=row.id) for row in ROWS if row.post or row.put]


@pytest.mark.django_db
@pytest.mark.parametrize("row", WRITE_ROWS)
def test_fuzzed_bodies_never_break_a_form(world, row: Row):
    method = "put" if row.put else "post"

    @FUZZ
    @given(drawn=bodies(post_keys(world, row, "admin")))
    def run(drawn) -> None:
        encoding, fields, extra, raw = drawn

        def send(actor: str) -> tuple[int, str]:
            valid = row.data(world, actor) if row.data is not None else {}
            client = client_of(world, actor)
            url = url_of(world, row)
            if isinstance(valid, bytes) or encoding == "bytes":
                post_or_put = client.put if method == "put" else client.post
                response = post_or_put(
                    url, raw, content_type="application/octet-stream", **row.headers
                )
            else:
                body = {k: valid[k] if v is None else v for k, v in fields.items() if k in valid}
                body.update(extra)
                if encoding == "json":
                    response = client.post(
                        url, json.dumps(body, default=str), "application/json", **row.headers
                    )
                else:
                    response = client.post(url, body, **row.headers)
            return response.status_code, f"{row.id} {method.upper()} as {actor} ({encoding})"

        from_every_actor(row, method, send)

    run()


READ_ROWS = [pytest.param(row, id=row.id) for row in ROWS if row.get]


@pytest.mark.django_db
@pytest.mark.parametrize("row", READ_ROWS)
def test_fuzzed_query_strings_never_break_a_page(world, row: Row):
    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(FILTER_KEYS), field_values, max_size=4))
    def run(query: dict) -> None:
        def send(actor: str) -> tuple[int, str]:
            response = client_of(world, actor).get(url_of(world, row, query), **row.headers)
            return response.status_code, f"{row.id} GET as {actor} with {sorted(query)}"

        from_every_actor(row, "get", send)

    run()
