"""PostgreSQL restarted under load, with real processes: a throwaway PostgreSQL cluster of the
test's own (initdb, pg_ctl, as the postgres user; never the machine's shared server) holding a
copy of the test database, and the app under gunicorn with persistent connections
(CONN_MAX_AGE) and CONN_HEALTH_CHECKS. Requests in flight during the restart fail cleanly (an
answer, never a hang or a dropped connection); every request after it succeeds."""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
import requests
from django.db import connection

from tests.accounts.factories import EducatorFactory

from .processes import app_env, free_port, signed_in, start_web, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PG_BIN = (
    sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    if glob.glob("/usr/lib/postgresql/*/bin")
    else ""
)


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *command], check=True, capture_output=True, text=True, timeout=120, **kwargs
    )


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="mc-pg-")
        os.chmod(self.folder, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = os.path.join(self.folder, "data")
        self.port = free_port()

    def pg_ctl(self, *args: str) -> None:
        as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-t", "60", *args)

    def create(self) -> None:
        as_postgres(f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", os.path.join(self.folder, "log"), "start")

    def restart(self) -> None:
        # The server's output goes to its log (pg_ctl would otherwise hand it our pipe).
        self.pg_ctl("-m", "fast", "-l", os.path.join(self.folder, "log"), "restart")

    def remove(self) -> None:
        try:
            self.pg_ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    if not PG_BIN:
        pytest.fail("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are missing")
    made = Cluster()
    made.create()
    yield made
    made.remove()


def copy_test_database(port: int) -> str:
    """The test database (schema, triggers, the rows made so far) copied into the cluster."""
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"],
            "-p",
            str(db["PORT"]),
            "-U",
            db["USER"],
            "--no-owner",
            db["NAME"],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "copy"],
        check=True,
        timeout=60,
    )
    subprocess.run(
        [
            "psql",
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            "copy",
            "-v",
            "ON_ERROR_STOP=1",
        ],
        input=dump,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"postgres://postgres@127.0.0.1:{port}/copy"


def test_requests_during_a_restart_fail_cleanly_and_the_next_ones_succeed(
    s3_storage, district, cluster, tmp_path
):
    educator = EducatorFactory(district=district)
    env = app_env(
        s3_storage,
        DATABASE_URL=copy_test_database(cluster.port),
        CONN_MAX_AGE="600",
        CONN_HEALTH_CHECKS="1",
    )
    web, base = start_web(env, tmp_path / "web.log", workers=1, threads=4)
    results: list[tuple[float, float, object]] = []
    running, idle = threading.Event(), threading.Event()
    running.set()

    def load(browser: requests.Session) -> None:
        while running.is_set():
            if idle.is_set():
                time.sleep(0.01)
                continue
            started = time.monotonic()
            try:
                outcome: object = browser.get(f"{base}/plans/", timeout=30).status_code
            except requests.RequestException as exc:
                outcome = exc
            results.append((started, time.monotonic(), outcome))

    try:
        threads = [
            threading.Thread(target=load, args=(signed_in(base, educator),)) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(results) >= 20, timeout=60, what="load to begin")
        restart_began = time.monotonic()
        cluster.restart()
        restarted = time.monotonic()
        time.sleep(3)
        # Restarted again while every kept connection sits idle: the next request on each finds
        # it dead, which only the health check notices before using it.
        idle.set()
        time.sleep(0.5)
        cluster.restart()
        quiet_restart = time.monotonic()
        idle.clear()
        time.sleep(2)
        running.clear()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        running.clear()
        stop(web)

    before = [r for r in results if r[1] < restart_began]
    during = [r for r in results if r[0] < restarted and r[1] >= restart_began]
    after = [r for r in results if r[0] > restarted + 0.1]
    after_quiet = [r for r in results if r[0] > quiet_restart]
    assert before and all(outcome == 200 for _, _, outcome in before)
    # In flight during the restart: an answer (a 5xx page or a success), never a dropped
    # connection or a hang.
    assert all(isinstance(outcome, int) for _, _, outcome in during), during
    assert all(end - start < 30 for start, end, _ in results)
    # Every request after it succeeds: kept connections are checked and replaced.
    assert len(after) >= 8
    assert [o for _, _, o in after if o != 200] == []
    assert len(after_quiet) >= 8
