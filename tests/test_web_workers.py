"""The web container's gunicorn worker (``microcreds/workers.py``): a worker serving a request
leaves new connections to the idle ones, and still serves beside its requests when it has been
busy for ``WEB_BUSY_ACCEPT_AFTER_MS``; a new connection wakes one idle worker, not all."""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.faults.processes import free_port, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_workers(tmp_path):
    """Start gunicorn with the image's configuration file, two workers (unless told) of four
    threads, serving ``tests.wsgi_pid``; returns its base URL."""
    processes = []

    def start(workers: int = 2, **env: str) -> str:
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "tests.wsgi_pid:app",
                    "--config",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    "4",
                ],
                cwd=ROOT,
                env={**os.environ, **env},
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / "gunicorn.log").open("w"),
            )
        )
        base = f"http://127.0.0.1:{port}"

        def all_up() -> bool:
            # As many slow requests at once are served by as many processes.
            try:
                with ThreadPoolExecutor(workers) as pool:
                    pids = set(
                        pool.map(lambda _: requests.get(f"{base}/?sleep=0.3").text, range(workers))
                    )
                return len(pids) == workers
            except requests.RequestException:
                return False

        wait_for(all_up, timeout=60, interval=0.2, what=f"{workers} gunicorn workers ({tmp_path})")
        return base

    start.processes = processes
    yield start
    for process in processes:
        stop(process)


def test_a_busy_worker_leaves_new_connections_to_the_idle_one(two_workers):
    base = two_workers(WEB_BUSY_ACCEPT_AFTER_MS="10000")
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(requests.get, f"{base}/?sleep=2", timeout=10)
        time.sleep(0.3)  # the slow request is being served
        # One after another while it is: gunicorn's own threaded worker, idle on its sleeping
        # thread, takes about half of these beside it.
        quick = [requests.get(f"{base}/", timeout=10).text for _ in range(12)]
        assert not slow.done(), "the quick requests took longer than the slow one"
        busy = slow.result().text
    assert busy not in quick
    assert len(set(quick)) == 1


def test_when_every_worker_is_busy_a_new_request_is_served_beside_them(two_workers):
    base = two_workers(WEB_BUSY_ACCEPT_AFTER_MS="300")
    with ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(requests.get, f"{base}/?sleep=4", timeout=10) for _ in "ab"]
        time.sleep(0.5)  # both workers are serving a slow request
        started = time.monotonic()
        quick = requests.get(f"{base}/", timeout=10)
        waited = time.monotonic() - started
        busy = {future.result().text for future in slow}
    assert quick.status_code == 200
    assert len(busy) == 2 and quick.text in busy
    # By a free thread of a busy worker, long before the slow requests end.
    assert waited < 2


def _main_thread_wakeups(pid: int) -> int:
    with open(f"/proc/{pid}/task/{pid}/status") as status:
        line = next(line for line in status if line.startswith("voluntary_ctxt_switches"))
    return int(line.split()[1])


def test_a_new_connection_wakes_one_idle_worker_not_all(two_workers):
    base = two_workers(workers=4)
    master = two_workers.processes[-1].pid
    with open(f"/proc/{master}/task/{master}/children") as children:
        workers = [int(pid) for pid in children.read().split()]
    assert len(workers) == 4
    before = {pid: _main_thread_wakeups(pid) for pid in workers}
    served = [requests.get(f"{base}/", timeout=10).text for _ in range(200)]
    wakeups = sum(_main_thread_wakeups(pid) - before[pid] for pid in workers)
    assert set(served) <= {str(pid) for pid in workers}
    # The worker that serves wakes for the connection and for its finished request (about 3
    # times a request here); with every idle worker woken by each connection, as gunicorn's
    # own threaded worker does, it was 5.6-6.1 with four workers.
    assert wakeups / len(served) < 4.5, wakeups / len(served)
