"""The test run's real parts: an S3 server, a Celery worker on Redis, Chromium with axe-core.

PostgreSQL comes from DATABASE_URL (see the Makefile). Every test's default storage is the S3
server started here, behind django-storages, exactly as in production.
"""

import os
import socket
import threading
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
S3_BUCKET = "microcreds-test"

pytest_plugins = ["tests.fixtures"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible HTTP server (moto) on a free loopback port, with our bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=S3_BUCKET)
    yield {"endpoint": endpoint, "bucket": S3_BUCKET, "client": client}
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def s3_storage(s3_server, django_test_environment):
    """Point default storage at the S3 server for the whole run."""
    from django.test import override_settings

    options = {
        "bucket_name": s3_server["bucket"],
        "endpoint_url": s3_server["endpoint"],
        "access_key": "test",
        "secret_key": "test",
        "region_name": "us-east-1",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }
    from django.conf import settings

    storages = dict(settings.STORAGES)
    storages["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    override = override_settings(
        STORAGES=storages,
        USE_S3=True,
        AWS_STORAGE_BUCKET_NAME=s3_server["bucket"],
        AWS_S3_ENDPOINT_URL=s3_server["endpoint"],
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    override.enable()
    yield s3_server
    override.disable()


# The hashers production signs in with, read before the run swaps them for a fast one.
PRODUCTION_PASSWORD_HASHERS: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing(django_test_environment):
    """Every test person's password is hashed with MD5 instead of the production hasher's
    deliberate cost (Argon2id: 19 MiB and tens of milliseconds per person). Passwords are test
    data here; ``tests/accounts/test_production_hasher.py`` signs in through the real hashers."""
    from django.conf import settings
    from django.test import override_settings

    PRODUCTION_PASSWORD_HASHERS[:] = settings.PASSWORD_HASHERS
    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def badge_keys_dir(tmp_path_factory, django_test_environment):
    """Badge signing keys made during the run live in a temporary directory, not the repo."""
    from django.test import override_settings

    override = override_settings(BADGE_KEYS_DIR=tmp_path_factory.mktemp("badge-keys"))
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _results_may_be_awaited():
    """Celery's eager ``delay()`` marks "joining a result would block" around each call and puts
    the old mark back afterwards; two threads doing it at once (a live server's requests) can
    leave the mark set for the whole process, and a later test's ``.get()`` then refuses. Each
    test starts with the mark cleared, as a fresh process has it."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the Redis cache; each test starts from none."""
    from django.core.cache import cache

    cache.clear()
    yield


class LiveServerGate:
    """Counts the requests a live server is answering, and can turn new ones away.

    A browser test ends when its assertions pass, not when the browser's last request does: a
    closing page sends its unsaved text as a beacon, a poll fires. The database is emptied after
    each live-server test (a TRUNCATE of every table); a request still inside a transaction then
    waits for a table the TRUNCATE holds while holding one the TRUNCATE waits for, and PostgreSQL
    breaks the deadlock by failing the flush, which spoils the next tests on that database. So
    between tests the gate is shut (requests get a 503 that touches no table) and the flush waits
    until the requests already inside have finished."""

    def __init__(self, application):
        self.application = application
        self.condition = threading.Condition()
        self.inside = 0
        self.shut = False

    def __call__(self, environ, start_response):
        with self.condition:
            if self.shut:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test has ended."]
            self.inside += 1
        try:
            result = self.application(environ, start_response)
        except BaseException:
            self._leave()
            raise
        return _ClosingIterable(result, self._leave)

    def _leave(self):
        with self.condition:
            self.inside -= 1
            self.condition.notify_all()

    def open(self):
        with self.condition:
            self.shut = False

    def shut_and_drain(self, seconds: float = 30) -> bool:
        with self.condition:
            self.shut = True
            return self.condition.wait_for(lambda: self.inside == 0, timeout=seconds)


class _ClosingIterable:
    """A response body that tells the gate when the server has finished with it."""

    def __init__(self, result, on_close):
        self.result = result
        self.on_close = on_close

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.on_close()


def gate_of(server) -> LiveServerGate:
    """The gate in front of a pytest-django ``LiveServer``'s application, put there once."""
    httpd = server.thread.httpd
    application = httpd.get_app()
    if not isinstance(application, LiveServerGate):
        application = LiveServerGate(application)
        httpd.set_app(application)
    return application


@pytest.fixture(autouse=True)
def _live_server_drains_before_flush(request):
    """Set up after pytest-django's own live-server helper (a plugin's autouse fixture comes
    first), so torn down before it empties the database: see ``LiveServerGate``."""
    if "live_server" not in request.fixturenames:
        yield
        return
    gate = gate_of(request.getfixturevalue("live_server"))
    gate.open()
    yield
    assert gate.shut_and_drain(), "a live-server request was still running 30 s after the test"


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker (threads, in this process) consuming from Redis.

    Tests using it must be ``transaction=True`` so the worker's connection sees committed rows.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connection

    from microcreds.celery import app

    def close_worker_connection(**kwargs):
        # Worker threads open their own connections; close them so the test database can be
        # dropped at the end of the run.
        connection.close()

    task_postrun.connect(close_worker_connection, weak=False)
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=20
        ):
            yield app
    finally:
        app.conf.task_always_eager = True
        task_postrun.disconnect(close_worker_connection)


# --- Chromium -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; our CSP (rightly) refuses inline scripts.
    return {**browser_context_args, "bypass_csp": True}


AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (from the npm package) in the page; return the violations of ``impacts``."""
    page.add_script_tag(content=AXE_SOURCE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


@pytest.fixture
def axe():
    return axe_violations


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def browser_sign_in():
    return sign_in
