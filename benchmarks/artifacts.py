"""A 1 GB artifact through the app's upload flow: web process memory, and speed against boto3.

The app runs as it does in production (gunicorn, its own process) against an S3 server (moto, its
own process). A client does what upload.js does: announce the file, compute each part's CRC32 and
have the part signed for it, PUT the parts straight to storage four at a time with that checksum,
finish. The web process's resident memory is sampled all the while. The same file then goes to
the same server with a plain boto3 upload (same part size and concurrency; boto3 sends each part's
CRC32 too) for the speed ratio. The local-files default (body streamed through the app to disk)
and the server-side check of the 1 GB file are measured too.
"""

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import requests
from boto3.s3.transfer import TransferConfig

SIZE = 1024**3
PART = 16 * 1024 * 1024
PARALLEL = 4
ROUNDS = 3
SIGN_BATCH = 8
# Seconds the finish request took (the server lists the parts and completes the upload).
FINISH_SECONDS: list[float] = []
BUCKET = "microcreds-bench"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=15)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def _process(args: list[str], env: dict | None = None):
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


class RssSampler:
    """Peak resident memory of one process, sampled every 20 ms."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_kb(self.pid))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _make_file(path: Path) -> None:
    """1 GB that libmagic calls an MP4 video: an ``ftyp`` box, then random bytes."""
    header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    with open(path, "wb") as out:
        out.write(header)
        remaining = SIZE - len(header)
        chunk = os.urandom(8 * 1024 * 1024)
        while remaining > 0:
            out.write(chunk[: min(len(chunk), remaining)])
            remaining -= min(len(chunk), remaining)


def _session(user, base: str) -> requests.Session:
    from django.test import Client

    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)
    session = requests.Session()
    host = urlsplit(base).hostname
    session.cookies.set("sessionid", client.cookies["sessionid"].value, domain=host)
    session.cookies.set("csrftoken", token, domain=host)
    session.headers["X-CSRFToken"] = token
    return session


def _fixture_submission():
    from accounts.models import District
    from accounts.services import user_create
    from credentials.models import MicroCredential
    from submissions.models import Plan, Submission

    district = District.objects.create(name="Bench USD", slug=f"bench-{secrets.token_hex(3)}")
    educator = user_create(
        district=district,
        email=f"bench-{secrets.token_hex(3)}@example.org",
        is_educator=True,
        email_verified=True,
    )
    entry = MicroCredential.objects.create(
        district=district, title="Bench", competency="Bench", status="published"
    )
    plan = Plan.objects.create(district=district, microcredential=entry, lead=educator)
    submission = Submission.objects.create(
        district=district, plan=plan, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    return educator, submission


def _announce(session, base, submission, size) -> dict:
    response = session.post(
        f"{base}/plans/{submission.pk}/evidence/start/",
        data={
            "file_name": "classroom-video.mp4",
            "size": size,
            "component": "impact",
            "confirmed_no_identifying_info": "on",
            "confirmed_consent_on_file": "on",
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def _crc32_header(data: bytes) -> str:
    """The part's CRC32 as upload.js sends it: base64 of the 4 bytes, big-endian."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _app_multipart(session, base, submission, path: Path) -> tuple[float, str]:
    """What upload.js does for a large file. Returns seconds and the artifact's uuid."""
    started = time.perf_counter()
    grant = _announce(session, base, submission, SIZE)
    assert grant["method"] == "multipart", grant
    listing = session.get(base + grant["parts_url"], timeout=30).json()
    done = {p["part_number"] for p in listing["parts"]}

    numbers = [n for n in range(1, grant["part_count"] + 1) if n not in done]
    # Part number -> (URL, checksum), as upload.js keeps a promise per part.
    signed: dict[int, Future] = {}
    lock = threading.Lock()
    local = threading.local()

    def read_part(number: int) -> bytes:
        with open(path, "rb") as handle:
            handle.seek((number - 1) * grant["part_size"])
            return handle.read(grant["part_size"])

    def signed_part(number: int) -> tuple[str, str]:
        # As upload.js: checksum this part and the next few waiting, one part's bytes in memory
        # at a time, then sign them in one request; a part of that batch waits for it.
        with lock:
            batch = []
            if number not in signed:
                waiting = [n for n in numbers if n > number and n not in signed]
                batch = [number, *waiting[: SIGN_BATCH - 1]]
                signed.update({n: Future() for n in batch})
        if batch:
            try:
                checksums = {n: _crc32_header(read_part(n)) for n in batch}
                answer = session.post(
                    base + grant["sign_url"],
                    data={"part": [f"{n}:{c}" for n, c in checksums.items()]},
                    timeout=30,
                )
                answer.raise_for_status()
                urls = answer.json()["urls"]
            except Exception as exc:
                for n in batch:
                    signed[n].set_exception(exc)
                raise
            for n, checksum in checksums.items():
                signed[n].set_result((urls[str(n)], checksum))
        return signed[number].result()

    def put_part(number: int) -> None:
        url, checksum = signed_part(number)
        body = read_part(number)
        # Kept-alive connections to storage, as a browser keeps them.
        if not hasattr(local, "storage"):
            local.storage = requests.Session()
        response = local.storage.put(
            url, data=body, headers={"x-amz-checksum-crc32": checksum}, timeout=300
        )
        response.raise_for_status()

    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(put_part, numbers))
    finishing = time.perf_counter()
    finished = session.post(base + grant["finish_url"], timeout=300)
    finished.raise_for_status()
    FINISH_SECONDS.append(time.perf_counter() - finishing)
    return time.perf_counter() - started, grant["uuid"]


def _app_local(session, base, submission, path: Path) -> float:
    started = time.perf_counter()
    grant = _announce(session, base, submission, SIZE)
    assert grant["method"] == "local", grant
    with open(path, "rb") as body:
        response = session.put(
            base + grant["url"],
            data=body,
            headers={"Content-Type": "application/octet-stream"},
            timeout=600,
        )
    response.raise_for_status()
    session.post(base + grant["finish_url"], timeout=60).raise_for_status()
    return time.perf_counter() - started


PLAIN_COMPLETE_SECONDS: list[float] = []


def _plain_boto3(client, path: Path) -> float:
    marks: dict[str, float] = {}
    client.meta.events.register(
        "before-call.s3.CompleteMultipartUpload",
        lambda **_: marks.__setitem__("start", time.perf_counter()),
        unique_id="bench-complete-start",
    )
    client.meta.events.register(
        "after-call.s3.CompleteMultipartUpload",
        lambda **_: PLAIN_COMPLETE_SECONDS.append(time.perf_counter() - marks["start"]),
        unique_id="bench-complete-end",
    )
    started = time.perf_counter()
    client.upload_file(
        str(path),
        BUCKET,
        "plain/classroom-video.mp4",
        Config=TransferConfig(
            multipart_threshold=PART, multipart_chunksize=PART, max_concurrency=PARALLEL
        ),
    )
    seconds = time.perf_counter() - started
    client.delete_object(Bucket=BUCKET, Key="plain/classroom-video.mp4")
    return seconds


def _gunicorn(port: int, env: dict):
    return _process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "microcreds.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "8",
            "--timeout",
            "600",
            "--keep-alive",
            "120",
            "--error-logfile",
            "/tmp/mc-bench-artifacts-gunicorn.log",
        ],
        env=env,
    )


def _measure(tmp: Path, database_url: str) -> list[tuple[str, str]]:
    from django.test import override_settings

    from artifacts import services
    from artifacts.models import Artifact

    figures: list[tuple[str, str]] = []
    path = tmp / "video.mp4"
    _make_file(path)
    moto_port, web_port, local_port = _free_port(), _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    s3_env = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "0"}
    moto = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)]
    with _process(moto):
        _wait_http(endpoint)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        educator, submission = _fixture_submission()

        # --- Through the app, straight to S3 ---------------------------------------------
        with _gunicorn(web_port, {**env, **s3_env}) as web:
            base = f"http://127.0.0.1:{web_port}"
            _wait_http(f"{base}/healthz")
            pid = _worker_pid(web.pid)
            session = _session(educator, base)
            # Warm the worker: every view and library the flow uses is loaded before the baseline.
            warm = _announce(session, base, submission, 10 * 1024 * 1024)
            session.post(base + warm["abort_url"], timeout=30)
            big = _announce(session, base, submission, 200 * 1024 * 1024)
            session.post(base + big["sign_url"], data={"part": "1:AAAAAA=="}, timeout=30)
            session.get(base + big["parts_url"], timeout=30)
            session.post(base + big["abort_url"], timeout=30)
            baseline = _rss_kb(pid)
            app_runs: list[float] = []
            plain_runs: list[float] = []
            uuids: list[str] = []
            with RssSampler(pid) as sampler:
                # Interleaved, twice each, so the two flows meet the same conditions (the
                # machine is shared; a fresh S3 server is slower on its first gigabyte).
                for _ in range(ROUNDS):
                    seconds, uuid = _app_multipart(session, base, submission, path)
                    app_runs.append(seconds)
                    uuids.append(uuid)
                    if len(uuids) > 1:
                        # Like the plain upload's object, dropped so both meet the same server.
                        key = Artifact.objects.get(uuid=uuid).storage_key
                        client.delete_object(Bucket=BUCKET, Key=key)
                    plain_runs.append(_plain_boto3(client, path))
            growth_mb = max(0, sampler.peak - baseline) / 1024
        app_seconds, plain_seconds = min(app_runs), min(plain_runs)
        figures.append(("web process RSS before the uploads", f"{baseline / 1024:.1f} MB"))
        figures.append(
            (
                f"web process memory growth over {ROUNDS} x 1 GB via S3 multipart",
                f"{growth_mb:.1f} MB (goal < 20 MB)",
            )
        )
        figures.append(
            (
                "app flow: announce, CRC32 and sign 64 parts in 8s, PUT 4 at a time, finish "
                "(best, runs)",
                f"{app_seconds:.1f} s, [{', '.join(f'{r:.1f}' for r in app_runs)}]",
            )
        )
        figures.append(
            (
                "plain boto3 upload_file, 16 MB parts x4 (best, runs)",
                f"{plain_seconds:.1f} s, [{', '.join(f'{r:.1f}' for r in plain_runs)}]",
            )
        )
        figures.append(
            ("app flow speed vs plain boto3", f"{plain_seconds / app_seconds:.2f}x (goal >= 0.9x)")
        )
        figures.append(("app flow throughput", f"{SIZE / 1024**2 / app_seconds:.0f} MB/s"))
        figures.append(
            (
                "of which the finish request (list parts, complete on the S3 server)",
                ", ".join(f"{f:.1f} s" for f in FINISH_SECONDS),
            )
        )
        figures.append(
            (
                "of which boto3's CompleteMultipartUpload",
                ", ".join(f"{f:.1f} s" for f in PLAIN_COMPLETE_SECONDS),
            )
        )
        uuid = uuids[0]

        # --- The server-side check of that 1 GB file (in the worker, not the web process) --
        with override_settings(
            USE_S3=True,
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
        ):
            artifact = Artifact.objects.get(uuid=uuid)
            started = time.perf_counter()
            services.artifact_check(artifact_id=artifact.pk)
            check_seconds = time.perf_counter() - started
            artifact.refresh_from_db()
        figures.append(
            (
                "check of the 1 GB file (HEAD, sha256 read, type, move out of quarantine)",
                f"{check_seconds:.1f} s, {artifact.status}",
            )
        )

        # --- The embedded default: the body streams through the app to disk ---------------
        media = tmp / "media"
        local_env = {**env, "AWS_STORAGE_BUCKET_NAME": "", "MEDIA_ROOT": str(media)}
        with _gunicorn(local_port, local_env) as web:
            base = f"http://127.0.0.1:{local_port}"
            _wait_http(f"{base}/healthz")
            pid = _worker_pid(web.pid)
            session = _session(educator, base)
            warm = _announce(session, base, submission, 1024)
            session.put(
                base + warm["url"], data=b"x" * 1024, headers={"Content-Type": "text/plain"}
            )
            session.post(base + warm["abort_url"], timeout=30)
            baseline = _rss_kb(pid)
            with RssSampler(pid) as sampler:
                local_seconds = _app_local(session, base, submission, path)
            growth_mb = max(0, sampler.peak - baseline) / 1024
        figures.append(("web process memory growth, 1 GB streamed to disk", f"{growth_mb:.1f} MB"))
        figures.append(
            ("local-files upload throughput", f"{SIZE / 1024**2 / local_seconds:.0f} MB/s")
        )
    return figures


def run() -> list[tuple[str, str]]:
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from microcreds.celery import app as celery_app

    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts._replace(path=f"/{test_name}"))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return _measure(Path(tmp), database_url)
    finally:
        # The checks were queued for a worker this benchmark does not run.
        if celery_app.conf.broker_url:
            celery_app.control.purge()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
