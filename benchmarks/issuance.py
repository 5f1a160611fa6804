"""Award issuance: one award end to end, through the broker and a real worker, against a bare
WeasyPrint render of the same certificate HTML; and certificates per minute with two worker
processes against one.

Runs on its own throw-away database (created without migrations, destroyed at the end), local
file storage and key directory in a temporary folder, and real ``celery worker`` processes on
the configured Redis broker. Every worker is warmed (imports, fonts, contexts) by real issuance
tasks before anything is timed, and each figure is the median of three repeats.

Breakdown figures say where time goes that is not the app's: the round trip of a task that finds
nothing to issue (broker, worker and result backend alone), and, read from /proc during the
throughput runs, the CPU the workers used per certificate and the CPU everything else on the
machine used meanwhile (PostgreSQL, Redis, other programs), since two worker processes can only
double the rate when two cores are free for them.
"""

import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone

REPEATS = 3
# Awards issued one after another (each waits for the last) in one repeat of "end to end".
AWARDS_PER_END_TO_END = 5
TASKS_PER_THROUGHPUT_RUN = 12
TASK_TIMEOUT = 300
# Round trips of a task with nothing to issue, per repeat.
EMPTY_TASKS = 20
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    scratch = Path(tempfile.mkdtemp(prefix="bench-issuance-"))
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(scratch / "media"), "base_url": "/media/"},
        },
    }
    override = override_settings(
        BADGE_KEYS_DIR=scratch / "keys",
        STORAGES=storages,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER=True,
    )
    override.enable()
    try:
        return _measure(scratch)
    finally:
        override.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(scratch, ignore_errors=True)


def _world():
    from accounts.models import District, User
    from credentials.models import MicroCredential, Rubric, RubricCriterion, Stack

    district = District.objects.create(
        name="Bench USD", slug="bench", signatory_name="Dr. A. Reyes", signatory_title="Supt."
    )
    stack = Stack.objects.create(district=district, name="Classroom", color="#2a6f4e")
    microcredential = MicroCredential.objects.create(
        district=district,
        title="Classroom Routines",
        competency="The educator teaches, models and reinforces classroom routines.",
        submission_guidelines="A plan, evidence of impact and a reflection.",
        status=MicroCredential.Status.PUBLISHED,
        estimated_hours=15,
        pd_points=1.5,
        stack=stack,
    )
    rubric = Rubric.objects.create(microcredential=microcredential)
    for position in range(3):
        RubricCriterion.objects.create(rubric=rubric, position=position, title=f"C{position}")
    educator = User.objects.create_user(
        email="bench@example.org", first_name="Elena", last_name="Martinez", district=district
    )
    educator.is_educator = True
    educator.save()
    return district, educator, microcredential


def _earned(district, educator, microcredential, count: int) -> list[int]:
    from submissions.models import Plan, Submission

    ids = []
    for _ in range(count):
        plan = Plan.objects.create(
            district=district, microcredential=microcredential, lead=educator, title="Plan"
        )
        submission = Submission.objects.create(
            district=district,
            plan=plan,
            educator=educator,
            status=Submission.Status.EARNED,
            decided_at=timezone.now(),
        )
        ids.append(submission.pk)
    return ids


def _worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    """One ``celery worker`` process that runs one task at a time (prefork, concurrency 1)."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "microcreds",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"The worker did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return process


class Workers:
    """``count`` separate worker processes on the broker, warmed before use, stopped on exit."""

    def __init__(self, env: dict, count: int, scratch: Path, earned) -> None:
        self.env, self.count, self.scratch, self.earned = env, count, scratch, earned
        self.processes: list[subprocess.Popen] = []
        self.logs = [scratch / f"worker-{count}-{n}.log" for n in range(count)]

    def __enter__(self) -> "Workers":
        from microcreds.celery import app

        app.conf.task_always_eager = False
        for number, log in enumerate(self.logs):
            self.processes.append(_worker(self.env, f"bench{self.count}-{number}", log))
        self._warm()
        return self

    def __exit__(self, *exc) -> None:
        from microcreds.celery import app

        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.wait(timeout=60)
        app.conf.task_always_eager = True

    def _warm(self) -> None:
        """Issue awards until every worker process has finished at least two of its own."""
        deadline = time.monotonic() + TASK_TIMEOUT
        while any(_awards_issued_by(log) < 2 for log in self.logs):
            if time.monotonic() > deadline:
                raise RuntimeError("The workers did not warm up.")
            _issue_through_broker(self.earned(self.count))


def _awards_issued_by(log: Path) -> int:
    return sum(
        1 for line in log.read_text().splitlines() if "issue_award[" in line and "succeeded" in line
    )


def _issue_through_broker(submission_ids: list[int]) -> float:
    """Seconds from handing ``submission_ids`` to the broker until every award is issued."""
    from badges.models import Award
    from badges.tasks import issue_award

    started = time.perf_counter()
    results = [issue_award.delay(submission_id) for submission_id in submission_ids]
    for result in results:
        result.get(timeout=TASK_TIMEOUT)
    elapsed = time.perf_counter() - started
    issued = Award.objects.filter(submission_id__in=submission_ids, state=Award.State.ISSUED)
    if issued.count() != len(submission_ids):
        raise RuntimeError("A task finished without issuing its award.")
    return elapsed


def _empty_round_trip() -> float:
    """Seconds from handing the broker an issuance task for a submission that does not exist
    until its result is back: the broker, worker and result backend with no issuance work."""
    from badges.tasks import issue_award

    started = time.perf_counter()
    issue_award.delay(0).get(timeout=TASK_TIMEOUT)
    return time.perf_counter() - started


def _group_cpu(process_groups: set[int]) -> float:
    """CPU seconds used so far by the live processes of ``process_groups`` (from /proc)."""
    used = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After "(command)": state, ppid, pgrp, ... utime (12th), stime (13th).
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) in process_groups:
            used += int(fields[11]) + int(fields[12])
    return used / CLOCK_TICKS


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy since boot, over every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


def _driver_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Throughput:
    """One batch handed to the broker at once: certificates per minute, and where the CPU went
    (workers per certificate; everything but the workers and this driver, in cores)."""

    def __init__(self, workers: "Workers", earned) -> None:
        groups = {process.pid for process in workers.processes}
        ids = earned(TASKS_PER_THROUGHPUT_RUN)
        cpu = (_group_cpu(groups), _machine_busy(), _driver_cpu())
        elapsed = _issue_through_broker(ids)
        workers_cpu = _group_cpu(groups) - cpu[0]
        busy = _machine_busy() - cpu[1]
        self.per_minute = TASKS_PER_THROUGHPUT_RUN / elapsed * 60
        self.worker_cpu = workers_cpu / TASKS_PER_THROUGHPUT_RUN
        self.elsewhere = (busy - workers_cpu - (_driver_cpu() - cpu[2])) / elapsed
        self.busy = busy / elapsed


def _median(runs: list[Throughput], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def _measure(scratch: Path) -> list[tuple[str, str]]:
    from badges import certificates, keys
    from badges.models import Award

    district, educator, microcredential = _world()
    keys.key_ensure(district)

    def earned(count: int) -> list[int]:
        return _earned(district, educator, microcredential, count)

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BADGE_KEYS_DIR": str(scratch / "keys"),
        "MEDIA_ROOT": str(scratch / "media"),
        "AWS_STORAGE_BUCKET_NAME": "",
        "EMAIL_URL": "dummymail://",
    }

    end_to_end, renders, empty = [], [], []
    with Workers(env, 1, scratch, earned) as workers:
        for _ in range(REPEATS):
            empty.append(statistics.median(_empty_round_trip() for _ in range(EMPTY_TASKS)))
            ids = earned(AWARDS_PER_END_TO_END)
            end_to_end.append(statistics.median([_issue_through_broker([i]) for i in ids]))
            # The bare render of the very certificates the worker just issued, in this process
            # (warmed by a first render that is not timed).
            pages = [
                certificates.certificate_html(award)
                for award in Award.objects.filter(submission_id__in=ids).select_related(
                    "district", "educator", "microcredential"
                )
            ]
            certificates.render_pdf(pages[0])
            samples = []
            for html in pages:
                started = time.perf_counter()
                certificates.render_pdf(html)
                samples.append(time.perf_counter() - started)
            renders.append(statistics.median(samples))
        one = [Throughput(workers, earned) for _ in range(REPEATS)]
    with Workers(env, 2, scratch, earned) as workers:
        two = [Throughput(workers, earned) for _ in range(REPEATS)]

    issuance = statistics.median(end_to_end)
    render = statistics.median(renders)
    per_minute_one = _median(one, "per_minute")
    per_minute_two = _median(two, "per_minute")
    return [
        (
            "issuance of one award end to end: broker, worker, result (median of 3)",
            f"{issuance * 1000:.0f} ms",
        ),
        ("bare WeasyPrint render of the same certificate (median of 3)", f"{render * 1000:.0f} ms"),
        ("issuance / bare render (goal <= 1.5x)", f"{issuance / render:.2f}x"),
        (
            "of the end to end: round trip of a task with nothing to issue (median of 3)",
            f"{statistics.median(empty) * 1000:.0f} ms",
        ),
        ("certificates per minute, 1 worker process (median of 3)", f"{per_minute_one:.1f}"),
        ("certificates per minute, 2 worker processes (median of 3)", f"{per_minute_two:.1f}"),
        ("2 worker processes / 1 (goal >= 1.8x)", f"{per_minute_two / per_minute_one:.2f}x"),
        (
            "every run (per minute, 1 then 2 processes)",
            " ".join(f"{run.per_minute:.1f}" for run in one + two),
        ),
        (
            "worker CPU per certificate, 1 / 2 processes (median of 3)",
            f"{_median(one, 'worker_cpu') * 1000:.0f} / {_median(two, 'worker_cpu') * 1000:.0f} ms",
        ),
        (
            "machine busy during the runs, 1 / 2 processes (median of 3)",
            f"{_median(one, 'busy'):.2f} / {_median(two, 'busy'):.2f} cores",
        ),
        (
            "every run (cores busy with neither workers nor driver: PostgreSQL, Redis, others)",
            " ".join(f"{run.elsewhere:.2f}" for run in one + two),
        ),
        ("CPU cores on this machine", str(os.cpu_count())),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
    ]
