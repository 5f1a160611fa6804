"""Real processes for the fault tests: a Redis server of the test's own (stopped and started at
will, never the machine's shared one), the web app under gunicorn, a Celery worker (with its
embedded beat), all on this suite's test database and S3 server."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.05, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s{': ' + what if what else ''}")


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process this test started (and its children: it leads its own group)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class RedisServer:
    """A redis-server on a free loopback port, stopped and started again on the same port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=20, what="redis-server to start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        stop(self.process, signal.SIGKILL)
        wait_for(lambda: not self.answers(), timeout=10, what="redis-server to stop")


def app_env(s3_storage, **extra: str) -> dict[str, str]:
    """The environment of a web or worker process: this suite's database and S3 server."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AWS_STORAGE_BUCKET_NAME": s3_storage["bucket"],
        "AWS_S3_ENDPOINT_URL": s3_storage["endpoint"],
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "EMAIL_URL": "dummymail://",
        "BADGE_KEYS_DIR": str(settings.BADGE_KEYS_DIR),
        **extra,
    }


def start_web(env: dict, log: Path, *, workers: int = 1, threads: int = 4) -> tuple:
    """gunicorn serving the app on a free port; returns (process, base URL)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "microcreds.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, timeout=60, interval=0.2, what=f"gunicorn to answer ({log})")
    return process, base


def start_worker(env: dict, log: Path, *, name: str = "fault", beat: bool = False):
    command = [
        str(BIN / "celery"),
        "-A",
        "microcreds",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
        "-l",
        "info",
    ]
    if beat:
        command += ["-B", "-s", str(log.with_suffix(".schedule"))]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def signed_in(base: str, user) -> requests.Session:
    """A browser session of ``user`` against the web process (a real session row and a CSRF
    cookie from a real page)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    from django.utils.crypto import get_random_string

    browser = requests.Session()
    host = base.split("//", 1)[1].split(":", 1)[0]
    browser.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key, domain=host, path="/")
    # A CSRF secret of the browser's own, as the cookie a first page would have set.
    browser.cookies.set(settings.CSRF_COOKIE_NAME, get_random_string(32), domain=host, path="/")
    return browser


def post_form(browser: requests.Session, url: str, data: dict | None = None, **kwargs):
    # The app may send the same secret back as a cookie of its own: any copy will do.
    token = next(c.value for c in browser.cookies if c.name == settings.CSRF_COOKIE_NAME)
    return browser.post(
        url,
        data={**(data or {}), "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=60,
        **kwargs,
    )
