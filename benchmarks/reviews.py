"""The reviewer queue and the assignment of reviewers at scale.

Figures:
- the queue page's SQL queries and median time with 20 and with 1,000 reviews waiting for one
  reviewer (goal: the same number of queries, and about the same time: a page shows 50 per
  stage);
- the median time of ``reviewers_assign`` for one more plan when 1,000 are already assigned
  across the panel (balanced by load: the load count is one aggregate query);
- the median time of one plan decision (row locks, audit, outcome, notification).

Runs in its own throw-away database (tables created from the models, no migrations needed).
"""

import statistics
import time

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment

RUNS = 7


def _district():
    from accounts.models import Building, District
    from accounts.services import user_create
    from credentials.models import MicroCredential, Rubric, RubricCriterion, RubricLevel
    from reviews.models import Panel

    district = District.objects.create(name="Bench USD", slug="bench-reviews")
    north = Building.objects.create(district=district, name="North")
    south = Building.objects.create(district=district, name="South")
    reviewer = user_create(
        district=district,
        email="reviewer@bench.example.org",
        password="bench-password-2026",
        building=south,
        is_reviewer=True,
        email_verified=True,
    )
    others = [
        user_create(
            district=district,
            email=f"r{i}@bench.example.org",
            building=south,
            is_reviewer=True,
        )
        for i in range(4)
    ]
    panel = Panel.objects.create(district=district, name="Bench panel")
    panel.members.set([reviewer])
    credential = MicroCredential.objects.create(
        district=district, title="Routines", competency="Routines.", status="published"
    )
    rubric = Rubric.objects.create(microcredential=credential)
    for position in range(3):
        criterion = RubricCriterion.objects.create(
            rubric=rubric, position=position, title=f"Criterion {position}", passing_score=2
        )
        RubricLevel.objects.create(criterion=criterion, score=1, label="Not yet")
        RubricLevel.objects.create(criterion=criterion, score=2, label="Met")
    return district, north, reviewer, others, panel, credential


def _waiting_plans(district, building, credential, count: int, start: int) -> list[int]:
    from accounts.models import User
    from submissions.models import Plan, Submission

    educators = User.objects.bulk_create(
        User(
            email=f"e{start + i}@bench.example.org",
            district=district,
            building=building,
            is_educator=True,
        )
        for i in range(count)
    )
    plans = Plan.objects.bulk_create(
        Plan(district=district, microcredential=credential, lead=e, title=f"Plan {start + i}")
        for i, e in enumerate(educators)
    )
    submissions = Submission.objects.bulk_create(
        Submission(
            district=district,
            plan=p,
            educator=e,
            status=Submission.Status.PLAN_SUBMITTED,
        )
        for p, e in zip(plans, educators, strict=True)
    )
    return [s.pk for s in submissions]


def _queue(client: Client) -> tuple[int, float]:
    client.get("/reviews/")
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/reviews/")
    assert response.status_code == 200
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get("/reviews/")
        samples.append(time.perf_counter() - started)
    return len(statements), statistics.median(samples)


def _measure() -> list[tuple[str, str]]:
    from reviews import services
    from reviews.models import ReviewAssignment

    district, north, reviewer, others, panel, credential = _district()
    client = Client()
    client.force_login(reviewer)
    figures: list[tuple[str, str]] = []

    for pk in _waiting_plans(district, north, credential, 20, 0):
        services.reviewers_assign(submission_id=pk, stage="plan")
    small_queries, small_time = _queue(client)
    for pk in _waiting_plans(district, north, credential, 980, 20):
        services.reviewers_assign(submission_id=pk, stage="plan")
    large_queries, large_time = _queue(client)
    figures += [
        ("queue queries at 20 waiting", str(small_queries)),
        ("queue queries at 1,000 waiting", str(large_queries)),
        ("queue median time at 20 waiting", f"{small_time * 1000:.1f} ms"),
        ("queue median time at 1,000 waiting", f"{large_time * 1000:.1f} ms"),
    ]

    # Assignment among five reviewers with 1,000 reviews already spread over the panel.
    panel.members.add(*others)
    samples = []
    for pk in _waiting_plans(district, north, credential, RUNS, 1000):
        started = time.perf_counter()
        services.reviewers_assign(submission_id=pk, stage="plan")
        samples.append(time.perf_counter() - started)
    figures.append(
        ("reviewers_assign median at 1,000 assigned", f"{statistics.median(samples) * 1000:.1f} ms")
    )

    pending = list(
        ReviewAssignment.objects.filter(reviewer=reviewer, status="pending")
        .select_related("reviewer")
        .order_by("id")[:RUNS]
    )
    samples = []
    for assignment in pending:
        started = time.perf_counter()
        services.plan_decide(
            assignment=assignment, decision="approve", reason="", actor=assignment.reviewer
        )
        samples.append(time.perf_counter() - started)
    figures.append(("plan_decide median", f"{statistics.median(samples) * 1000:.1f} ms"))
    return figures


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return _measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
