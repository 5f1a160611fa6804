"""Monday at 8 a.m.: a hundred teachers at once, on two cores (issue 15).

One server for the whole run, started by the Dockerfile's CMD itself (gunicorn with
``gunicorn.conf.py``, threaded workers; bound to a free loopback port instead of 0.0.0.0:8000),
with the settings production ships: ``DEBUG=0``, PostgreSQL and Redis, static files collected
(``collectstatic`` into a temporary directory) and served by WhiteNoise from the compressed
manifest storage, Celery tasks sent to the broker rather than run in the web process. On it, in
this order:

1. single user: each page's median time, one request after another (a warm-up, then
   ``SINGLE_RUNS``), sent by the client P5's people use (``_Client``), and the server's CPU per
   request of that page;
2. P5: ``USERS`` simulated people (locust, headless, in its own process) arrive, each at a
   random moment of the first ``SPAWN_SECONDS`` of ``RUN_SECONDS``; each signs in once through
   the allauth form (CSRF token, real password), then works with 1–3 s of think time as an
   educator (dashboard, catalog, plan, autosave), a reviewer (queue, review page) or a district
   admin (dashboard, reports); a refused sign-in is tried again after the think time, as a
   person would, each attempt counted. Per page: median, p95 and p95 over the single-user median
   (goal ≤ 4×); errors; requests/s; the server's CPU per request (the gunicorn processes' CPU
   time from /proc, before and after);
3. P7: ``wrk`` saturates each key page for ``WRK_SECONDS`` with a signed-in session, right after
   the sign-in page: each page's requests/s over the sign-in page's (goal ≥ 0.3×).

Then, in this process, against the same database:

4. P2: each key page's time and SQL queries as a person of the demo district sees it and as one
   of the 50,000-plan district (1,000 plans and 20 final reviews waiting for each of its
   reviewers) sees it (goal ≤ 1.3×, the same number of queries), the large district's plan and
   review chosen like
   the demo's so that only its size differs; where the data has no like one, or a page's
   queries grow, the report names the tables of the queries only one side makes;
5. the CPU of one password check with the preferred hasher (goal ≤ 50 ms), and of a legacy
   PBKDF2 check with its upgrade.

The data lives in the database ``make bench`` migrates (``DATABASE_URL``); the demo district
(``seed_demo``) and the large one (``reports.scale.seed_scale``, plus reviewers, admins and the
waiting reviews) are seeded on the first run and reused after it. Every run resets the
benchmark people's passwords with the preferred hasher and clears the cache (sessions, rate
limits, report figures) first. Redis: the broker and cache databases of ``REDIS_URL`` and
``REDIS_CACHE_URL`` are the benchmark's own and are emptied.
"""

import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from geventhttpclient.useragent import UserAgent

from benchmarks._pages import (
    AUTOSAVE_HEADERS,
    LOGIN,
    REPORTS,
    autosave_body,
    csrf_token,
    load_fragments,
    plan_editor,
    review_links,
    with_version,
)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

USERS = 100
ROLE_SHARE = {"educator": 70, "reviewer": 15, "admin": 15}
SPAWN_SECONDS = 30
RUN_SECONDS = 60
SINGLE_RUNS = 9
SIGN_INS = 5
WRK_SECONDS = 3
WRK_CONNECTIONS = 6
P2_RUNS = 9
PASSWORD = "load-bench-password-2026"
P5_GOAL, P7_GOAL, P2_GOAL, HASH_GOAL_MS = 4.0, 0.3, 1.3, 50

LARGE_SLUG = "load-50k"
LARGE_EDUCATORS = 5000
LARGE_PLANS = 50000
WAITING_REVIEWS = 1000
WAITING_FINAL_REVIEWS = 20


# --- The data ------------------------------------------------------------------------------


def _data_dir() -> Path:
    """Badge keys and files of the seeded districts: kept as long as the database keeps them."""
    path = Path(tempfile.gettempdir()) / f"microcreds-load-{settings.DATABASES['default']['NAME']}"
    (path / "media").mkdir(parents=True, exist_ok=True)
    (path / "keys").mkdir(exist_ok=True)
    return path


@contextmanager
def _seeding(data: Path):
    # Eager tasks log a line each at INFO; the seeders run thousands.
    logging.getLogger("celery").setLevel(logging.WARNING)
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(data / "media"), "base_url": "/media/"},
        },
    }
    with override_settings(
        STORAGES=storages,
        MEDIA_ROOT=data / "media",
        BADGE_KEYS_DIR=data / "keys",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER=True,
    ):
        yield


def _seed_large() -> None:
    """The 50,000-plan district, its benchmark reviewers and admins, 1,000 plans and 20 final
    reviews waiting for each reviewer, and one issued award to verify."""
    from accounts.models import User
    from accounts.services import user_create
    from reports.scale import seed_scale
    from reviews.models import Panel, Stage

    district, _ = seed_scale(slug=LARGE_SLUG, educators=LARGE_EDUCATORS, plans=LARGE_PLANS, seed=15)
    building = district.buildings.order_by("pk").first()
    reviewers = [
        user_create(
            district=district,
            email=f"reviewer{i}@{LARGE_SLUG}.example.org",
            is_reviewer=True,
            building=building,
            email_verified=True,
        )
        for i in range(ROLE_SHARE["reviewer"])
    ]
    for i in range(ROLE_SHARE["admin"]):
        user_create(
            district=district,
            email=f"admin{i}@{LARGE_SLUG}.example.org",
            is_district_admin=True,
            email_verified=True,
        )
    panel = Panel.objects.create(district=district, name="Benchmark panel")
    panel.members.set(reviewers)
    _reviews_waiting(district, Stage.PLAN, WAITING_REVIEWS)
    _reviews_waiting(district, Stage.FINAL, WAITING_FINAL_REVIEWS)
    _issue_one_award(district)
    assert User.objects.filter(district=district, is_reviewer=True).count() == len(reviewers)


def _reviews_waiting(district, stage: str, count: int) -> None:
    """``count`` submissions of ``district`` waiting for ``stage`` get an open first round of
    the benchmark panel, reviewed by each of its members, opened in the last 20 days."""
    from reports.scale import explicit_timestamps
    from reviews.models import WAITING, Panel, ReviewAssignment, StageReview
    from submissions.models import Submission

    panel = Panel.objects.get(district=district, name="Benchmark panel")
    reviewers = list(panel.members.order_by("pk"))
    waiting = Submission.objects.filter(district=district, status__in=WAITING[stage]).exclude(
        stage_reviews__stage=stage
    )
    rng = random.Random(15)
    now = timezone.now()
    rounds = []
    for submission in waiting.order_by("pk")[:count]:
        opened = now - timedelta(days=rng.uniform(0, 20))
        rounds.append(
            StageReview(
                district=district,
                submission=submission,
                stage=stage,
                round=1,
                panel=panel,
                opened_at=opened,
                due_at=opened + timedelta(days=14),
            )
        )
    with explicit_timestamps(StageReview._meta.get_field("opened_at")):
        rounds = StageReview.objects.bulk_create(rounds)
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                district=district,
                stage_review=round_,
                submission_id=round_.submission_id,
                stage=stage,
                reviewer=reviewer,
                opened_at=round_.opened_at,
                due_at=round_.due_at,
            )
            for round_ in rounds
            for reviewer in reviewers
        ],
        batch_size=5000,
    )


def _issue_one_award(district) -> None:
    """Issue the award of the district's first earned plan for real (certificate, badge, signed
    credential), for P2 and P7 to verify: ``reports.scale`` makes its awards as records only,
    whose badge JSON is "{}"."""
    from badges.models import Award
    from badges.services import award_issue_for_submission
    from submissions.models import Submission

    earned = Submission.objects.filter(district=district, status=Submission.Status.EARNED)
    first = earned.order_by("pk").first()
    # A record only is "issued" already, and issuing it again would leave it as it is: it
    # makes way for the real one.
    Award.objects.filter(submission=first, credential={}).delete()
    award_issue_for_submission(submission_id=first.pk)


def _rubric_like_the_demos(large, demo) -> bool:
    """Give the credential of the large district's first waiting review (by the first
    benchmark reviewer) a rubric with criteria, levels and evidence types like the demo's
    graded credential, once: the review page reads the rubric it scores against, and P2 then
    compares that page at both sizes instead of a graded one with an ungraded one. Whether it
    was added now."""
    from accounts.models import User
    from credentials.models import EvidenceType, Rubric, RubricCriterion, RubricLevel
    from reviews.models import ReviewAssignment

    if RubricCriterion.objects.filter(rubric__microcredential__district=large).exists():
        return False
    model = (
        Rubric.objects.filter(microcredential__district=demo, criteria__isnull=False)
        .order_by("pk")
        .first()
    )
    reviewer = User.objects.filter(district=large, is_reviewer=True).order_by("pk").first()
    assignment = (
        ReviewAssignment.objects.filter(reviewer=reviewer, status=ReviewAssignment.Status.PENDING)
        .select_related("submission__plan__microcredential")
        .order_by("pk")
        .first()
    )
    if model is None or assignment is None:
        return False
    credential = assignment.submission.plan.microcredential
    rubric, _ = Rubric.objects.update_or_create(
        microcredential=credential,
        defaults={
            "passing_rule": model.passing_rule,
            "minimum_passing_criteria": model.minimum_passing_criteria,
        },
    )
    for criterion in model.criteria.select_related("evidence_type").prefetch_related("levels"):
        evidence_type = None
        if criterion.evidence_type is not None:
            evidence_type, _ = EvidenceType.objects.get_or_create(
                district=large,
                name=criterion.evidence_type.name,
                defaults={"accepts": criterion.evidence_type.accepts},
            )
            credential.evidence_types.add(evidence_type)
        copy = RubricCriterion.objects.create(
            rubric=rubric,
            position=criterion.position,
            title=criterion.title,
            description=criterion.description,
            evidence_type=evidence_type,
            component=criterion.component,
            passing_score=criterion.passing_score,
        )
        RubricLevel.objects.bulk_create(
            RubricLevel(
                criterion=copy, score=level.score, label=level.label, description=level.description
            )
            for level in criterion.levels.all()
        )
    return True


def _world() -> dict:
    """Seed what is missing; return who signs in, where they go, and the P2 subjects."""
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When

    from accounts.models import District, User
    from badges.models import Award
    from credentials.models import RubricCriterion
    from reviews.models import ReviewAssignment, Stage, StageReview
    from submissions.models import Submission
    from submissions.selectors import PLAN_EDITABLE_STATUSES

    data = _data_dir()
    seeded = []
    with _seeding(data):
        if not District.objects.filter(slug="prairie-view").exists():
            started = time.perf_counter()
            call_command(
                "seed_demo", allow_demo_logins_in_production=True, stdout=open(os.devnull, "w")
            )
            seeded.append(("seeding the demo district", f"{time.perf_counter() - started:.0f} s"))
        if not District.objects.filter(slug=LARGE_SLUG).exists():
            started = time.perf_counter()
            with transaction.atomic():
                _seed_large()
            seeded.append(
                (
                    f"seeding the {LARGE_PLANS:,}-plan district",
                    f"{time.perf_counter() - started:.0f} s",
                )
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    demo = District.objects.get(slug="prairie-view")
    large = District.objects.get(slug=LARGE_SLUG)
    with transaction.atomic():
        if _rubric_like_the_demos(large, demo):
            seeded.append(
                ("a rubric like the demo's for the large district's first review", "done")
            )
    if large.state_id != demo.state_id:
        # The demo district belongs to a state; so does the large one, to the same, so that a
        # page reading what a state adds (the salary ledger asks whether the district accepted
        # awards from its state) reads it at both sizes.
        District.objects.filter(pk=large.pk).update(state_id=demo.state_id)
        seeded.append(("the large district joins the demo district's state", "done"))
    if not ReviewAssignment.objects.filter(district=large, stage=Stage.FINAL).exists():
        # As the demo's reviewer has, reviews waiting at both stages: the queue reads a page of
        # each stage where one waits.
        with transaction.atomic():
            _reviews_waiting(large, Stage.FINAL, WAITING_FINAL_REVIEWS)
        seeded.append(
            (f"{WAITING_FINAL_REVIEWS} final reviews waiting in the large district", "done")
        )
    if not Award.objects.filter(district=large).exclude(credential={}).exists():
        with _seeding(data), transaction.atomic():
            _issue_one_award(large)
        seeded.append(("one award of the large district issued with its credential", "done"))

    drafts = (
        Submission.objects.filter(
            district=large,
            status__in=PLAN_EDITABLE_STATUSES,
            plan__lead_id=F("educator_id"),
        )
        .order_by("educator_id", "pk")
        .distinct("educator_id")
    )
    educators = [
        {"email": s.educator.email, "plan": f"/plans/{s.pk}/"}
        for s in drafts.select_related("educator")[: ROLE_SHARE["educator"]]
    ]
    reviewers = [
        {"email": u.email}
        for u in User.objects.filter(district=large, is_reviewer=True).order_by("pk")
    ]
    admins = [
        {"email": u.email}
        for u in User.objects.filter(
            district=large, is_district_admin=True, email__startswith="admin"
        )
        .exclude(email=f"admin@{LARGE_SLUG}.example.org")
        .order_by("pk")
    ]
    people = {"educator": educators, "reviewer": reviewers, "admin": admins}
    for role, share in ROLE_SHARE.items():
        assert len(people[role]) >= share, (role, len(people[role]))

    def closest(rows, *wanted):
        """The first row (by pk) of ``rows`` that meets every condition of ``wanted``; failing
        that, the first that meets all but the last, and so on (``wanted`` goes from the most
        to the least important): the closest the data has. None if ``rows`` is empty."""
        for met in range(len(wanted), -1, -1):
            row = rows.filter(*wanted[:met]).order_by("pk").first()
            if row is not None:
                return row
        return None

    # The shapes P2 compares. A plan page reads more in a status that answers a decision (the
    # feedback, what changed since), and more again once a decided round is on record (the
    # reviewers' comments); a review page reads more for another stage, for a later round (what
    # changed since) and for a credential whose rubric has criteria (their levels and evidence
    # types).
    decided = Exists(
        StageReview.objects.filter(submission=OuterRef("pk"), status=StageReview.Status.DECIDED)
    )
    graded = Exists(
        RubricCriterion.objects.filter(
            rubric__microcredential=OuterRef("submission__plan__microcredential")
        )
    )

    def subjects(district, educator, reviewer, admin, like: dict | None = None) -> dict:
        """Who P2 signs in as, and where they go. With ``like`` (the demo's subjects), the
        plan and the review are the district's closest to its ones: a plan in the same status,
        decided on or not the same way (its lead becomes the educator, on the dashboard and the
        catalog too), and an assignment of the same stage, round and rubric shape; so that a
        difference in a page's query count comes from the district's size, not from what the
        two people look at. What the data has no match for is left unlike: P2's report names
        the queries that differ."""
        own = Submission.objects.filter(district=district, plan__lead_id=F("educator_id")).alias(
            decided=decided
        )
        if like is None:
            # An editable plan if there is one: the page then shows its editor, the heaviest.
            editable_first = Case(
                When(status__in=list(PLAN_EDITABLE_STATUSES), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            plan = own.filter(educator=educator).order_by(editable_first, "pk").first()
        else:
            # The given educator's plan if one is alike, else the district's first alike one.
            plan = closest(
                own,
                Q(status=like["plan_shape"]["status"]),
                Q(decided=like["plan_shape"]["decided"]),
                Q(educator=educator),
            )
            educator = plan.educator
        assignments = ReviewAssignment.objects.filter(
            reviewer=reviewer, status=ReviewAssignment.Status.PENDING
        ).alias(graded=graded)
        wanted = []
        if like is not None:
            shape = like["review_shape"]
            wanted = [
                Q(stage=shape["stage"]),
                Q(stage_review__round=shape["round"]),
                Q(graded=shape["graded"]),
            ]
        assignment = closest(assignments, *wanted)
        # One really issued, with its signed credential: the large district's other awards are
        # records only (reports.scale), whose badge JSON is "{}".
        award = (
            Award.objects.filter(
                district=district, state=Award.State.ISSUED, revoked_at__isnull=True
            )
            .exclude(credential={})
            .order_by("pk")
            .first()
        )
        return {
            "educator": educator,
            "reviewer": reviewer,
            "admin": admin,
            "plan": f"/plans/{plan.pk}/",
            "review": f"/reviews/review/{assignment.pk}/",
            "award": str(award.uuid),
            "plan_shape": {
                "status": plan.status,
                "decided": own.filter(pk=plan.pk, decided=True).exists(),
            },
            "review_shape": {
                "stage": assignment.stage,
                "round": assignment.stage_review.round,
                "graded": assignments.filter(pk=assignment.pk, graded=True).exists(),
            },
        }

    by_email = {u.email: u for u in User.objects.filter(district__in=(demo, large))}
    demo_subjects = subjects(
        demo,
        by_email["educator@example.org"],
        by_email["reviewer@example.org"],
        by_email["admin@example.org"],
    )
    return {
        "seeded": seeded,
        "data": data,
        "people": people,
        "demo": demo_subjects,
        # P7 verifies this award; P5 and P7 sign in as ``people``, not as these subjects.
        "large": subjects(
            large,
            by_email[educators[0]["email"]],
            by_email[reviewers[0]["email"]],
            by_email[admins[0]["email"]],
            like=demo_subjects,
        ),
    }


def _reset(world: dict) -> None:
    """Every benchmark person's password, hashed by today's preferred hasher; empty caches."""
    import redis
    from django.contrib.auth.hashers import make_password
    from django.core.cache import cache

    from accounts.models import User

    emails = [p["email"] for role in ROLE_SHARE for p in world["people"][role]]
    User.objects.filter(email__in=emails).update(password=make_password(PASSWORD))
    cache.clear()
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


# --- The server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(static_root: Path, data: Path) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "STATIC_ROOT": str(static_root),
        "WHITENOISE_USE_FINDERS": "0",
        "MEDIA_ROOT": str(data / "media"),
        "BADGE_KEYS_DIR": str(data / "keys"),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "WARNING",
    }
    # Production's static storage is the settings' default: WhiteNoise's compressed manifest.
    env.pop("STATICFILES_BACKEND", None)
    return env


def _collectstatic(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def _dockerfile_cmd() -> list[str]:
    """The Dockerfile's CMD (its exec form), word for word."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    return json.loads(next(line for line in lines if line.startswith("CMD "))[4:])


@contextmanager
def _gunicorn(env: dict, log: Path):
    """The Dockerfile's CMD, on a free loopback port instead of 0.0.0.0:8000."""
    port = _free_port()
    cmd = _dockerfile_cmd()
    assert cmd[0] == "gunicorn" and "0.0.0.0:8000" in cmd, cmd
    args = [
        str(VENV_BIN / "gunicorn"),
        *(f"127.0.0.1:{port}" if word == "0.0.0.0:8000" else word for word in cmd[1:]),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + LOGIN, timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stat_ticks(pid: int, *, children: bool) -> int:
    # Fields after the command name: utime, stime, cutime, cstime are the 12th–15th.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11 : 15 if children else 13])


def _server_cpu(master: int) -> float:
    """CPU seconds of gunicorn: the master, its live workers, and (through the master's
    children times) workers that have exited."""
    total = _stat_ticks(master, children=True)
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            total += _stat_ticks(int(child), children=False)
        except FileNotFoundError:
            pass
    return total / CLOCK_TICKS


def _server_waits(master: int) -> float:
    """Seconds gunicorn's processes have spent runnable but waiting for a CPU (schedstat)."""
    pids = [master, *map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split())]
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[1])
        except FileNotFoundError:
            pass
    return total / 1e9


def _cpu_pressure() -> float:
    """Seconds during which some task on the machine waited for a CPU (PSI, cumulative)."""
    some = Path("/proc/pressure/cpu").read_text().split("\n", 1)[0]
    return int(some.rsplit("total=", 1)[1]) / 1e6


class _Sockets:
    """The server's listening socket and connections, asked of the kernel (sock_diag netlink):
    connections waiting for a worker to accept them (the listening socket's receive queue, every
    0.1 s), and connections whose response was sent and whose worker waits for the client to
    close (a sync worker's graceful close lingers up to 2 s for the client's FIN: FIN_WAIT2,
    still owned by a process; every 1 s).

    Not from /proc/net/tcp: that lists every socket of the machine, closed ones waiting out
    TIME_WAIT too. With each response closing its connection (gunicorn.conf.py) a minute of load
    leaves thousands, and reading and parsing them took 7–27 ms a sample: up to a quarter of a
    core taken from the server being measured. The listening socket alone costs 0.03 ms; a walk
    of the connections (FIN_WAIT2), 3.5 ms among 9,000."""

    LISTEN, FIN_WAIT2 = 10, 5

    def __init__(self, port: int):
        self.port = port
        self.waiting: list[int] = []
        self.lingering: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        samples = 0
        while not self._stop.wait(0.1):
            self.waiting.append(sum(queue for queue, _ in self._sockets(self.LISTEN)))
            if samples % 10 == 0:
                owned = [inode for _, inode in self._sockets(self.FIN_WAIT2) if inode]
                self.lingering.append(len(owned))
            samples += 1

    def _sockets(self, state: int) -> list[tuple[int, int]]:
        """(receive queue, inode) of each IPv4 TCP socket on the server's port in ``state``."""
        sock_diag_by_family, request, dump, done, error = 20, 1, 0x300, 3, 2
        # inet_diag_req_v2: family, protocol, extensions, padding, states; then inet_diag_sockid
        # (ports, addresses, interface, cookie), all zero: every socket, filtered below.
        body = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0, 1 << state)
        body += bytes(48)
        header = struct.pack("=IHHII", 16 + len(body), sock_diag_by_family, request | dump, 1, 0)
        found = []
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4) as diag:  # NETLINK_SOCK_DIAG
            diag.sendall(header + body)
            while True:
                data, offset = diag.recv(65536), 0
                while offset < len(data):
                    length, kind = struct.unpack_from("=IH", data, offset)
                    if kind in (done, error):
                        return found
                    # inet_diag_msg: family, state, timer, retrans, sockid (source port first),
                    # expires, then the receive and send queues, uid and inode.
                    (port,) = struct.unpack_from("!H", data, offset + 20)
                    queue, _, _, inode = struct.unpack_from("=IIII", data, offset + 72)
                    if port == self.port:
                        found.append((queue, inode))
                    offset += (length + 3) & ~3

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _database_cpu() -> dict[int, int]:
    """CPU ticks of each PostgreSQL backend connected to this database (but this process's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    ticks = {}
    for pid in pids:
        try:
            ticks[pid] = _stat_ticks(pid, children=False)
        except FileNotFoundError:
            pass
    return ticks


def _machine_busy() -> float:
    """CPU seconds every process on the machine has used (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


def _load_note() -> str:
    one, five, _ = os.getloadavg()
    pressure = Path("/proc/pressure/cpu").read_text().split()[2].split("=")[1]
    return (
        f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores;"
        f" some task waited for a CPU {pressure} % of the last 60 s"
    )


# --- 1. Single user ------------------------------------------------------------------------


class _Browser:
    """A signed-in person's requests session."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.session = requests.Session()
        page = self.session.get(base + LOGIN, timeout=60)
        response = self.session.post(
            base + LOGIN,
            data={
                "login": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            allow_redirects=False,
            timeout=60,
        )
        location = response.headers.get("Location", "")
        if response.status_code != 302 or location.startswith(LOGIN):
            raise RuntimeError(f"{email} could not sign in: {response.status_code}")

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.session.get(self.base + path, timeout=60, **kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        return response

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)


class _Client:
    """One person's requests as P5's simulated people send them: locust's FastHttpUser is
    geventhttpclient's ``UserAgent`` with the headers added here, so a page's single-user median
    and its P5 p95 are timed by the same client and differ only in the load. (python-requests,
    used here before, took 0.5-0.7 ms more a request: the sign-in page's median was 4.1 ms with
    it and 3.5 ms with this client, which made every P5 ratio look smaller than it is.)

    ``cookie``: a signed-in session's cookies, sent as they are; without it, cookies the server
    sets are kept, as a browser signing in keeps them (``jar``), or not kept at all."""

    def __init__(self, base: str, *, cookie: str = "", jar: bool = False):
        self.base = base
        self.agent = UserAgent(
            max_retries=1,
            cookiejar=CookieJar() if jar else None,
            connection_timeout=60,
            network_timeout=60,
        )
        # As locust with allow_redirects=False: a redirect is an answer, not followed.
        self.agent.redirect_response_codes = frozenset()
        self.headers = {"Accept-Encoding": "gzip, deflate, br"}
        if cookie:
            self.headers["Cookie"] = cookie

    def send(self, method: str, path: str, *, headers: dict | None = None, body: str = ""):
        if body:
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        response = self.agent.urlopen(
            self.base + path,
            method=method,
            headers={**self.headers, **(headers or {})},
            payload=body or None,
        )
        # The whole body, read and decoded, as locust reads it before it stops the clock.
        return response.status_code, response.headers, response.content.decode()


def _timed(server: int, action, runs: int = SINGLE_RUNS, prepare=lambda: None):
    """Median seconds of ``action(prepare())`` after a warm-up, and the server's CPU per run;
    ``prepare`` (untimed) sets up what each run needs."""
    action(prepare())
    samples, cpu = [], 0.0
    for _ in range(runs):
        state = prepare()
        before = _server_cpu(server)
        started = time.perf_counter()
        action(state)
        samples.append(time.perf_counter() - started)
        cpu += _server_cpu(server) - before
    return statistics.median(samples), cpu / runs


def _key_pages(world: dict, browsers: dict) -> list[tuple[str, _Browser | None, str]]:
    """(name, who, path) of every page P7 saturates; verification and badge JSON are public."""
    award = world["large"]["award"]
    educator, reviewer, admin = browsers["educator"], browsers["reviewer"], browsers["admin"]
    return [
        ("educator dashboard", educator, "/plans/"),
        ("catalog", educator, "/catalog/"),
        ("plan", educator, world["people"]["educator"][0]["plan"]),
        ("reviewer queue", reviewer, "/reviews/"),
        ("review page", reviewer, browsers["review"]),
        ("admin dashboard", admin, "/district/"),
        *((f"report: {r}", admin, f"/reports/{r}/") for r in REPORTS),
        ("verification page", None, f"/verify/{award}/"),
        ("badge JSON", None, f"/verify/{award}/credential.json"),
    ]


def _warm(base: str, pages: list) -> None:
    """Every page a few times at once, so that each of the 3 workers has loaded its templates
    and code before anything is timed (sequential requests tend to reach one worker)."""
    jobs = [(who.cookie if who else "", path) for _, who, path in pages] * 6
    with ThreadPoolExecutor(6) as pool:
        list(
            pool.map(
                lambda job: requests.get(base + job[1], headers={"Cookie": job[0]}, timeout=60),
                jobs,
            )
        )


def _single_user(base: str, server: int, world: dict) -> tuple[dict, dict]:
    """Per page: (median seconds, server CPU seconds per request), and the signed-in browsers
    (the P7 phase reuses their sessions)."""
    people = world["people"]
    educator = _Browser(base, people["educator"][0]["email"])
    reviewer = _Browser(base, people["reviewer"][0]["email"])
    admin = _Browser(base, people["admin"][0]["email"])
    review = review_links(reviewer.get("/reviews/").text)[0]
    browsers = {"educator": educator, "reviewer": reviewer, "admin": admin, "review": review}
    pages = _key_pages(world, browsers)
    _warm(base, [("sign-in page", None, LOGIN), *pages])

    results: dict[str, tuple[float, float]] = {}

    def get(client: _Client, path: str, **headers) -> str:
        status, _, text = client.send("GET", path, headers=headers)
        assert status == 200, (path, status)
        return text

    # A person arriving: no cookies yet.
    results["sign-in page"] = _timed(
        server, lambda client: get(client, LOGIN), prepare=lambda: _Client(base)
    )

    # The sign-in itself, the POST alone, as P5 names it; the form is fetched untimed.
    def sign_in_form() -> tuple[_Client, str]:
        client = _Client(base, jar=True)
        return client, csrf_token(get(client, LOGIN))

    def sign_in(state: tuple[_Client, str]) -> None:
        client, token = state
        form = {"login": people["admin"][-1]["email"], "password": PASSWORD}
        status, headers, _ = client.send(
            "POST", LOGIN, body=urlencode({**form, "csrfmiddlewaretoken": token})
        )
        assert status == 302 and not headers.get("Location", "").startswith(LOGIN), status

    results["sign-in"] = _timed(server, sign_in, runs=SIGN_INS, prepare=sign_in_form)
    for name, who, path in pages:
        if who is not None:
            client = _Client(base, cookie=who.cookie)
            results[name] = _timed(server, lambda _, c=client, p=path: get(c, p))
    as_educator = _Client(base, cookie=educator.cookie)
    for fragment in load_fragments(educator.get("/plans/").text):
        results[f"{fragment} (htmx on load)"] = _timed(
            server, lambda _, f=fragment: get(as_educator, f, **{"HX-Request": "true"})
        )

    plan = people["educator"][0]["plan"]
    save, fields = plan_editor(educator.get(plan).text)
    counter = iter(range(1, 10**6))

    def autosave(_) -> None:
        nonlocal fields
        status, headers, _ = as_educator.send(
            "POST",
            save,
            body=urlencode(autosave_body(fields, next(counter))),
            headers={**AUTOSAVE_HEADERS, "HX-Current-URL": plan},
        )
        assert status == 200 and headers.get("X-Autosave") in ("saved", "unchanged"), headers
        fields = with_version(fields, headers["X-Autosave-Version"])

    results["autosave"] = _timed(server, autosave)
    return results, browsers


# --- 2. P5: a hundred people ---------------------------------------------------------------


def _locust(base: str, server: int, world: dict, work: Path) -> dict:
    people_file = work / "people.json"
    people_file.write_text(
        json.dumps(
            {
                **world["people"],
                "password": PASSWORD,
                "weights": ROLE_SHARE,
                "arrive_within": SPAWN_SECONDS,
            }
        )
    )
    prefix = work / "locust"
    args = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "_locustfile.py"),
        "--headless",
        "--users",
        str(USERS),
        # Every simulated person is started at once and waits for a moment of their own to
        # arrive (``_locustfile.Person.on_start``): locust's own ramp starts its users in lockstep,
        # three at a time every 0.9 s at 3.3 a second, three sign-in pages requested in the
        # same millisecond, which no morning of independent people does.
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{RUN_SECONDS}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "LOAD_PEOPLE": str(people_file),
        "PYTHONPATH": str(ROOT),
        # The server is a numeric loopback address: nothing to look up. gevent's default
        # resolver would still hand each new connection's lookup to a native thread and back
        # (0.1 ms of locust's CPU a request here, on the cores the server uses).
        "GEVENT_RESOLVER": "block",
    }
    database, waits, pressure = _database_cpu(), _server_waits(server), _cpu_pressure()
    cpu, busy, started = _server_cpu(server), _machine_busy(), time.perf_counter()
    port = int(base.rsplit(":", 1)[1])
    with (work / "locust.log").open("wb") as log, _Sockets(port) as sockets:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    server_cpu, machine = _server_cpu(server) - cpu, _machine_busy() - busy
    waits, pressure = _server_waits(server) - waits, _cpu_pressure() - pressure
    # Backends that closed during the run are missed: complete with persistent connections only.
    database_cpu = sum(t - database.get(pid, 0) for pid, t in _database_cpu().items()) / CLOCK_TICKS
    rows = _csv(prefix.with_name("locust_stats.csv"))
    if not rows:
        raise RuntimeError(f"locust wrote no statistics; see {work / 'locust.log'}")
    pages = {
        r["Name"]: {
            "count": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "median": float(r["50%"] or 0) / 1000,
            "p95": float(r["95%"] or 0) / 1000,
            "rps": float(r["Requests/s"]),
        }
        for r in rows
    }
    failures = [
        (r["Name"], r["Error"], int(r["Occurrences"]))
        for r in _csv(prefix.with_name("locust_failures.csv"))
    ]
    # A task that raised (a page without the form it expects, a request the client could not
    # send) is no failed request in locust's statistics, but a person who could not work.
    exceptions = [
        (r["Message"], int(r["Count"])) for r in _csv(prefix.with_name("locust_exceptions.csv"))
    ]
    return {
        "pages": pages,
        "failures": failures,
        "exceptions": exceptions,
        "elapsed": elapsed,
        "server_cpu": server_cpu,
        "server_waits": waits,
        "cpu_pressure": pressure,
        "accept_queue": sockets.waiting or [0],
        "lingering": sockets.lingering or [0],
        "database_cpu": database_cpu,
        "machine_cpu": machine,
        "locust_cpu": usage.ru_utime + usage.ru_stime,
    }


def _csv(path: Path) -> list[dict]:
    import csv

    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


# --- 3. P7: saturation ---------------------------------------------------------------------


def _wrk(url: str, cookie: str) -> tuple[float, int]:
    """Requests/s, and responses that were not 2xx/3xx plus socket errors."""
    args = ["wrk", "-t1", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return rate, bad


def _idle(server: int, limit: float = 60) -> float:
    """Seconds until gunicorn has finished what the load left queued (1 s without CPU)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = _server_cpu(server)
        time.sleep(1)
        if _server_cpu(server) - before < 0.05:
            break
    return time.perf_counter() - started


def _saturation(base: str, world: dict, browsers: dict) -> dict:
    """Per key page: its requests/s, errors, and the sign-in page's requests/s just before it
    (other work on the machine comes and goes; each ratio compares neighbours)."""
    rates = {}
    for name, who, path in _key_pages(world, browsers):
        if who is not None:
            who.get(path)  # a 200 for this session, not a redirect to the sign-in page
        sign_in, _ = _wrk(base + LOGIN, "")
        rate, bad = _wrk(base + path, who.cookie if who else "")
        rates[name] = (rate, bad, sign_in)
    return rates


# --- 4. P2: the demo district against the 50,000-plan district -----------------------------


def _in_process(world: dict) -> list[tuple[str, dict, dict]]:
    def pages(subject: dict) -> list[tuple[str, object, str]]:
        return [
            ("educator dashboard", subject["educator"], "/plans/"),
            ("catalog", subject["educator"], "/catalog/"),
            ("plan", subject["educator"], subject["plan"]),
            ("reviewer queue", subject["reviewer"], "/reviews/"),
            ("review page", subject["reviewer"], subject["review"]),
            ("admin dashboard", subject["admin"], "/district/"),
            *((f"report: {r}", subject["admin"], f"/reports/{r}/") for r in REPORTS),
            ("verification page", None, f"/verify/{subject['award']}/"),
            ("badge JSON", None, f"/verify/{subject['award']}/credential.json"),
        ]

    def client_for(user, path: str) -> tuple[Client, list[str]]:
        """A client of ``user`` (None: anonymous) that has seen the page once, and the first
        table of each SQL query of the page."""
        client = Client()
        if user is not None:
            # Read again: the session keeps a hash of the password, which _reset has changed.
            user.refresh_from_db()
            client.force_login(user)
        assert client.get(path).status_code == 200, path
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        # Not CaptureQueriesContext: Django empties connection.queries when a request starts.
        with connection.execute_wrapper(count):
            client.get(path)
        return client, [_first_table(sql) for sql in queries]

    def timed(client: Client, path: str) -> float:
        started = time.perf_counter()
        client.get(path)
        return time.perf_counter() - started

    results = []
    for (name, demo_user, demo_path), (_, large_user, large_path) in zip(
        pages(world["demo"]), pages(world["large"]), strict=True
    ):
        demo, demo_queries = client_for(demo_user, demo_path)
        large, large_queries = client_for(large_user, large_path)
        # Taken in turns, so that other work on the machine weighs on both sizes alike.
        samples = [(timed(demo, demo_path), timed(large, large_path)) for _ in range(P2_RUNS)]
        results.append(
            (
                name,
                {
                    "time": statistics.median(d for d, _ in samples),
                    "queries": len(demo_queries),
                    "tables": demo_queries,
                },
                {
                    "time": statistics.median(g for _, g in samples),
                    "queries": len(large_queries),
                    "tables": large_queries,
                },
            )
        )
    return results


def _first_table(sql: str) -> str:
    """The first table an SQL statement names (not a function such as ``unnest(…)``); else
    its first word."""
    found = re.search(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)\b(?!\s*\()', sql)
    return found.group(1) if found else sql.split(None, 1)[0]


def _beyond(tables: list[str], others: list[str]) -> list[str]:
    """The tables of ``tables`` that ``others`` does not match one for one, in page order."""
    left = Counter(others)
    extra = []
    for table in tables:
        if left[table]:
            left[table] -= 1
        else:
            extra.append(table)
    return extra


# --- 5. Password hashing -------------------------------------------------------------------


def _hash_cpu() -> list[tuple[str, str]]:
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    preferred = get_hasher("default")
    encoded = make_password(PASSWORD)
    samples = []
    for _ in range(7):
        started = time.process_time()
        assert check_password(PASSWORD, encoded)
        samples.append(time.process_time() - started)
    summary = preferred.safe_summary(encoded)
    params = ", ".join(f"{k}={v}" for k, v in summary.items() if k not in ("salt", "hash"))
    figures = [
        (
            f"CPU per password check, preferred hasher ({params}) (goal <= {HASH_GOAL_MS} ms)",
            f"{statistics.median(samples) * 1000:.1f} ms",
        )
    ]
    algorithms = {h.rsplit(".", 1)[-1]: h for h in settings.PASSWORD_HASHERS}
    if preferred.algorithm != "pbkdf2_sha256" and "PBKDF2PasswordHasher" in algorithms:
        legacy = make_password(PASSWORD, hasher="pbkdf2_sha256")
        samples = []
        for _ in range(3):
            upgraded = []
            started = time.process_time()
            assert check_password(PASSWORD, legacy, setter=upgraded.append)
            samples.append(time.process_time() - started)
            assert upgraded, "a PBKDF2 hash was not upgraded"
        figures.append(
            (
                "CPU of a legacy PBKDF2 check and its upgrade (once per person)",
                f"{statistics.median(samples) * 1000:.0f} ms",
            )
        )
    return figures


# --- The run -------------------------------------------------------------------------------


def run() -> list[tuple[str, str]]:
    figures: list[tuple[str, str]] = [("machine at the start", _load_note())]
    started = time.perf_counter()
    world = _world()
    figures += world["seeded"]
    figures.append(("preparing the data", f"{time.perf_counter() - started:.0f} s"))
    _reset(world)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        env = _server_env(work / "static", world["data"])
        figures.append(("collectstatic (production storage)", f"{_collectstatic(env):.1f} s"))
        with _gunicorn(env, work / "gunicorn.log") as (base, server):
            single, browsers = _single_user(base, server, world)
            figures += _report_single(single)
            figures.append(("machine before the load", _load_note()))
            load = _locust(base, server, world, work)
            figures += _report_load(load, single)
            figures.append(("machine after the load", _load_note()))
            figures.append(("server busy after the load ended", f"{_idle(server):.0f} s"))
            figures += _report_saturation(_saturation(base, world, browsers))
        log = (work / "gunicorn.log").read_text(errors="replace")
        figures.append(
            (
                "gunicorn: worker timeouts / tracebacks",
                f"{log.count('WORKER TIMEOUT')} / {log.count('Traceback')}",
            )
        )
        figures += _report_p2(_in_process(world))
        figures += _hash_cpu()
        figures.append(("machine at the end", _load_note()))
    finally:
        _reset(world)
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _report_single(single: dict) -> list[tuple[str, str]]:
    return [
        (f"single user: {name}", f"median {_ms(median)}, server CPU {_ms(cpu)} per request")
        for name, (median, cpu) in single.items()
    ]


def _report_load(load: dict, single: dict) -> list[tuple[str, str]]:
    pages = load["pages"]
    total = pages.pop("Aggregated")
    figures, ratios = [], []
    for name, page in sorted(pages.items()):
        base = single.get(name, (None,))[0]
        ratio = page["p95"] / base if base else None
        if ratio is not None:
            ratios.append((ratio, name))
        figures.append(
            (
                f"P5 {name}",
                f"{page['count']} requests, {page['failures']} errors,"
                f" median {_ms(page['median'])}, p95 {_ms(page['p95'])}"
                + (f" = {ratio:.1f}x the single-user median" if ratio is not None else ""),
            )
        )
    signed_in = pages.get("sign-in", {"count": 0, "failures": 0})
    others = load["machine_cpu"] - load["server_cpu"] - load["database_cpu"] - load["locust_cpu"]
    figures += [
        (
            f"P5 sign-ins completed ({USERS} people arriving over {SPAWN_SECONDS} s)",
            f"{signed_in['count'] - signed_in['failures']} of {USERS}"
            f" ({signed_in['failures']} refused or failed attempts)",
        ),
        (
            "P5 errors (goal 0)",
            f"{total['failures']} of {total['count']} requests;"
            f" {sum(n for _, n in load['exceptions'])} exceptions in the people's tasks",
        ),
        *((f"P5 error: {name}", f"{error} x{n}") for name, error, n in load["failures"][:8]),
        *((f"P5 exception in a task: {text[:160]}", f"x{n}") for text, n in load["exceptions"][:8]),
        (
            f"P5 worst p95 / single-user median (goal <= {P5_GOAL:g}x)",
            f"{max(ratios)[0]:.1f}x ({max(ratios)[1]})" if ratios else "n/a",
        ),
        (
            "P5 pages within the goal",
            f"{sum(r <= P5_GOAL for r, _ in ratios)} of {len(ratios)}",
        ),
        (
            "P5 throughput",
            f"{total['count'] / load['elapsed']:.1f} requests/s over {load['elapsed']:.0f} s",
        ),
        (
            "P5 server CPU per request (all gunicorn processes)",
            f"{_ms(load['server_cpu'] / max(1, total['count']))}"
            f" ({load['server_cpu']:.1f} s for {total['count']} requests)",
        ),
        (
            "P5 gunicorn: on a CPU / runnable but waiting for one",
            f"{load['server_cpu']:.1f} s / {load['server_waits']:.1f} s",
        ),
        (
            "P5 connections waiting for a free worker (accept queue, sampled every 0.1 s)",
            f"mean {statistics.mean(load['accept_queue']):.1f}, max {max(load['accept_queue'])}",
        ),
        (
            "P5 connections lingering after their response, owned by a worker",
            f"mean {statistics.mean(load['lingering']):.1f}",
        ),
        (
            "P5 CPU pressure: some task on the machine waited for a CPU",
            f"{load['cpu_pressure'] / load['elapsed'] * 100:.0f} % of the time",
        ),
        (
            "P5 PostgreSQL CPU per request (its backends for this database alive at the end)",
            f"{_ms(load['database_cpu'] / max(1, total['count']))} ({load['database_cpu']:.1f} s)",
        ),
        (
            "P5 CPU of the whole machine meanwhile",
            f"{load['machine_cpu']:.0f} s of {load['elapsed'] * (os.cpu_count() or 1):.0f} s:"
            f" gunicorn {load['server_cpu']:.0f} s, PostgreSQL (as above)"
            f" {load['database_cpu']:.0f} s, locust {load['locust_cpu']:.0f} s, everything else"
            f" (other programs, Redis) {others:.0f} s",
        ),
    ]
    return figures


def _report_saturation(rates: dict) -> list[tuple[str, str]]:
    figures, below = [], 0
    for name, (rate, bad, sign_in) in rates.items():
        below += rate / sign_in < P7_GOAL
        figures.append(
            (
                f"P7 {name}",
                f"{rate:.0f} requests/s / sign-in page {sign_in:.0f} = {rate / sign_in:.2f}x"
                + (f" ({bad} errors)" if bad else ""),
            )
        )
    figures.append(
        (f"P7 key pages below {P7_GOAL:g}x the sign-in page", f"{below} of {len(rates)}")
    )
    return figures


def _report_p2(results: list) -> list[tuple[str, str]]:
    figures, worst, changed = [], (0.0, ""), []
    for name, demo, large in results:
        ratio = large["time"] / demo["time"]
        worst = max(worst, (ratio, name))
        figures.append(
            (
                f"P2 {name}, 50,000 plans vs demo",
                f"{_ms(large['time'])} / {_ms(demo['time'])} = {ratio:.2f}x;"
                f" {large['queries']} / {demo['queries']} queries",
            )
        )
        if large["queries"] != demo["queries"]:
            changed.append(name)
            # Growth with the data, or two subjects the data could not make alike (_world):
            # the tables tell which.
            only_large = _beyond(large["tables"], demo["tables"])
            only_demo = _beyond(demo["tables"], large["tables"])
            figures.append(
                (
                    f"P2 {name}, queries of one side only (their first table)",
                    f"50,000 plans: {', '.join(only_large) or 'none'};"
                    f" demo: {', '.join(only_demo) or 'none'}",
                )
            )
    figures.append((f"P2 worst ratio (goal <= {P2_GOAL:g}x)", f"{worst[0]:.2f}x ({worst[1]})"))
    figures.append(
        (
            "P2 pages whose query count differs between the two subjects",
            ", ".join(changed) or "none",
        )
    )
    return figures
