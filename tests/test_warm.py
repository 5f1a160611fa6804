"""A web worker loads its URLs, templates and prepared queries before its first request, and
starts even when the database does not answer yet (microcreds.warm)."""

import gc
import os
import subprocess
import sys

import pytest
from django.template import engines

from microcreds import warm
from microcreds.prepared import PreparedQuery
from tests.project_copy import ROOT


@pytest.mark.django_db(transaction=True)
def test_warming_loads_every_template_and_prepares_every_query():
    try:
        figures = warm.warm()
    finally:
        gc.unfreeze()  # this test process goes on to other tests

    assert figures["templates"] == len(warm.project_templates()) > 100
    cached = engines["django"].engine.template_loaders[0].get_template_cache
    assert {"base.html", "submissions/detail.html", "reviews/queue.html"} <= set(cached)
    assert figures["resolvers"] > 10
    assert all(prepared._prepared is not None for prepared in PreparedQuery._every)
    assert PreparedQuery.prepare_all() == 0  # nothing left to build


def test_a_worker_starts_while_the_database_does_not_answer():
    """The WSGI module loads (and serves its static files and error pages) with the database
    unreachable: the prepared queries wait for the first request that needs them."""
    code = (
        "import microcreds.wsgi as w, sys; "
        "from microcreds.prepared import PreparedQuery; "
        "print(sum(p._prepared is None for p in PreparedQuery._every))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
            "DJANGO_SETTINGS_MODULE": "microcreds.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) > 0
    assert "warming the prepared queries failed" in result.stderr


def test_a_worker_loads_what_its_first_sign_in_would_before_it():
    """Django compiles the validators' regular expressions (80-95 ms each) and imports the
    password hasher's library at their first use in each process: a worker's first sign-in, or
    its first form with a link, paid for them."""
    code = (
        "import sys; "
        "from django.utils.functional import empty; "
        "from django.core.validators import EmailValidator, URLValidator; "
        "lazy = [EmailValidator.user_regex, EmailValidator.domain_regex, URLValidator.regex]; "
        "before = sum(r._wrapped is not empty for r in lazy), 'argon2' in sys.modules; "
        "import microcreds.wsgi; "
        "print(*before, sum(r._wrapped is not empty for r in lazy), 'argon2' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "microcreds.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "3", "True"]


def test_what_a_worker_loaded_is_left_out_of_the_collectors_walks():
    """After the warm-up the worker's modules, views and templates are frozen: a collection
    walks only what requests made since (``gen2`` here), not the hundreds of thousands of
    objects loaded at boot."""
    code = (
        "import gc, microcreds.wsgi; "
        "print(gc.get_freeze_count(), len(gc.get_objects(generation=2)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "microcreds.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    frozen, walked = map(int, result.stdout.strip().splitlines()[-1].split())
    assert frozen > 100_000
    assert walked < frozen / 100
