"""Build many educators and plans fast (bulk inserts), for benchmarks and for demo history.

Rows are written with ``bulk_create`` in batches; the timestamps the program would have stamped
over months are spread over the past two years so reports have something to aggregate.
"""

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Building, District, DistrictGoal, State, User
from accounts.services import user_create
from badges.models import STATUS_LIST_SIZE, Award
from credentials.demo import template_rubrics_bulk_create
from credentials.models import MicroCredential, Stack
from submissions.models import Attempt, Plan, Submission

SubmissionStatus = Submission.Status
BATCH = 2000

# Where a district's plans are, roughly, at any moment.
STATUS_WEIGHTS: dict[str, int] = {
    SubmissionStatus.DRAFT: 12,
    SubmissionStatus.PLAN_SUBMITTED: 6,
    SubmissionStatus.CHANGES_REQUESTED: 4,
    SubmissionStatus.PLAN_APPROVED: 5,
    SubmissionStatus.IN_PROGRESS: 18,
    SubmissionStatus.SUBMITTED_FOR_REVIEW: 6,
    SubmissionStatus.NOT_YET: 4,
    SubmissionStatus.RESUBMITTED: 3,
    SubmissionStatus.EARNED: 35,
    SubmissionStatus.DECLINED: 2,
    SubmissionStatus.WITHDRAWN: 5,
}
CLOSED_WEIGHTS: dict[str, int] = {
    SubmissionStatus.EARNED: 8,
    SubmissionStatus.WITHDRAWN: 1,
    SubmissionStatus.DECLINED: 1,
}

FIRST_NAMES = [
    "Avery", "Jordan", "Maya", "Luis", "Hannah", "Omar", "Grace", "Theo", "Priya", "Noah",
    "Lena", "Marcus", "Sofia", "Caleb", "Aisha", "Ethan", "Rosa", "Dylan", "Mei", "Isaac",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Baker", "Chen", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Ibrahim",
    "Johnson", "Kim", "Lopez", "Miller", "Nguyen", "Ortiz", "Patel", "Reed", "Shah", "Turner",
    "Walker",
]  # fmt: skip
CREDENTIAL_TOPICS = [
    "Classroom routines", "Questioning strategies", "Formative assessment", "Feedback for growth",
    "Student discourse", "Culturally responsive teaching", "Small-group reading",
    "Project-based learning", "Restorative circles", "Data-driven instruction",
    "Differentiated tasks", "Academic vocabulary", "Co-teaching", "Family partnerships",
    "Math talks", "Writing conferences", "Blended learning", "Social-emotional check-ins",
    "Inquiry science", "Assessment literacy",
]  # fmt: skip


@contextmanager
def explicit_timestamps(*fields) -> Iterator[None]:
    """Let bulk inserts carry historical values for ``auto_now_add`` fields."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


@dataclass
class ScaleResult:
    educators: int
    plans: int
    submissions: int
    attempts: int


def scale_catalog(*, district: District, count: int = 40) -> list[MicroCredential]:
    """Published catalog entries (in stacks) to hang plans on, each with its rubric, so that
    it can be reviewed; reuses what exists."""
    existing = list(
        MicroCredential.objects.filter(district=district, status=MicroCredential.Status.PUBLISHED)
    )
    if len(existing) >= count:
        return existing
    stacks = [
        Stack.objects.get_or_create(district=district, name=name)[0]
        for name in ("Classroom Management", "Instruction", "Assessment", "Community")
    ]
    now = timezone.now()
    new = MicroCredential.objects.bulk_create(
        [
            MicroCredential(
                district=district,
                title=f"{CREDENTIAL_TOPICS[i % len(CREDENTIAL_TOPICS)]} {i // 20 + 1}",
                competency="The educator applies the method in their setting and shows impact.",
                status=MicroCredential.Status.PUBLISHED,
                published_at=now,
                rigor=1 + i % 4,
                pd_points=1 + i % 3,
                estimated_hours=10 + 5 * (i % 4),
                stack=stacks[i % len(stacks)],
            )
            for i in range(len(existing), count)
        ],
        batch_size=BATCH,
    )
    template_rubrics_bulk_create(new)
    return existing + new


def _times(rng: random.Random, now: dt.datetime) -> dict[str, dt.datetime]:
    started = now - dt.timedelta(days=rng.uniform(30, 730))
    plan_submitted = started + dt.timedelta(days=rng.uniform(2, 30))
    plan_decided = plan_submitted + dt.timedelta(days=rng.uniform(0.5, 21))
    for_review = plan_decided + dt.timedelta(days=rng.uniform(20, 150))
    decided = for_review + dt.timedelta(days=rng.uniform(2, 40))
    return {
        k: min(v, now)
        for k, v in {
            "started": started,
            "plan_submitted": plan_submitted,
            "plan_decided": plan_decided,
            "for_review": for_review,
            "decided": decided,
        }.items()
    }


def _stamps(status: str, t: dict[str, dt.datetime]) -> dict[str, dt.datetime | None]:
    reached_plan = status != SubmissionStatus.DRAFT
    decided_plan = status not in (
        SubmissionStatus.DRAFT,
        SubmissionStatus.PLAN_SUBMITTED,
        SubmissionStatus.WITHDRAWN,
    )
    in_review = status in (
        SubmissionStatus.SUBMITTED_FOR_REVIEW,
        SubmissionStatus.NOT_YET,
        SubmissionStatus.RESUBMITTED,
        SubmissionStatus.EARNED,
    )
    decided = status in (SubmissionStatus.NOT_YET, SubmissionStatus.EARNED)
    last = {
        SubmissionStatus.DRAFT: t["started"],
        SubmissionStatus.PLAN_SUBMITTED: t["plan_submitted"],
        SubmissionStatus.CHANGES_REQUESTED: t["plan_decided"],
        SubmissionStatus.PLAN_APPROVED: t["plan_decided"],
        SubmissionStatus.DECLINED: t["plan_decided"],
        SubmissionStatus.IN_PROGRESS: t["plan_decided"],
        SubmissionStatus.SUBMITTED_FOR_REVIEW: t["for_review"],
        SubmissionStatus.RESUBMITTED: t["for_review"],
        SubmissionStatus.NOT_YET: t["decided"],
        SubmissionStatus.EARNED: t["decided"],
        SubmissionStatus.WITHDRAWN: t["plan_submitted"],
    }[status]
    return {
        "created_at": t["started"],
        "status_changed_at": last,
        "plan_submitted_at": t["plan_submitted"] if reached_plan else None,
        "plan_decided_at": t["plan_decided"] if decided_plan else None,
        "submitted_for_review_at": t["for_review"] if in_review else None,
        "decided_at": t["decided"] if decided else None,
    }


def _attempts(submission: Submission, rng: random.Random) -> list[Attempt]:
    status = submission.status
    first = submission.submitted_for_review_at
    if status in (SubmissionStatus.SUBMITTED_FOR_REVIEW,):
        return [Attempt(submission=submission, number=1, submitted_at=first)]
    if status == SubmissionStatus.NOT_YET:
        return [
            Attempt(
                submission=submission,
                number=1,
                submitted_at=first,
                outcome=SubmissionStatus.NOT_YET,
                decided_at=submission.decided_at,
            )
        ]
    if status == SubmissionStatus.RESUBMITTED or (
        status == SubmissionStatus.EARNED and rng.random() < 0.3
    ):
        retry_at = first + dt.timedelta(days=rng.uniform(5, 20))
        not_yet = Attempt(
            submission=submission,
            number=1,
            submitted_at=first - dt.timedelta(days=30),
            outcome=SubmissionStatus.NOT_YET,
            decided_at=first - dt.timedelta(days=rng.uniform(3, 20)),
        )
        second = Attempt(submission=submission, number=2, submitted_at=min(first, retry_at))
        if status == SubmissionStatus.EARNED:
            second.outcome, second.decided_at = SubmissionStatus.EARNED, submission.decided_at
        return [not_yet, second]
    if status == SubmissionStatus.EARNED:
        return [
            Attempt(
                submission=submission,
                number=1,
                submitted_at=first,
                outcome=SubmissionStatus.EARNED,
                decided_at=submission.decided_at,
            )
        ]
    return []


def _award_records(
    submissions: Sequence[Submission], rng: random.Random, taken: set[int]
) -> list[Award]:
    """The issued award of each earned submission, as a record only (no certificate files, no
    signed credential): what reports count and credit."""
    awards = []
    for submission in submissions:
        if submission.status != SubmissionStatus.EARNED:
            continue
        index = rng.randrange(STATUS_LIST_SIZE)
        while index in taken:
            index = rng.randrange(STATUS_LIST_SIZE)
        taken.add(index)
        microcredential = submission.plan.microcredential
        valid_for = microcredential.valid_for_days
        awards.append(
            Award(
                district_id=submission.district_id,
                submission=submission,
                educator_id=submission.educator_id,
                microcredential=microcredential,
                state=Award.State.ISSUED,
                issued_at=submission.decided_at,
                expires_at=submission.decided_at + dt.timedelta(days=valid_for)
                if valid_for
                else None,
                status_list_index=index,
                recipient_salt=f"{rng.getrandbits(128):032x}",
            )
        )
    return awards


def seed_people(
    *,
    district: District,
    count: int,
    buildings: Sequence[Building],
    rng: random.Random,
    email_prefix: str,
) -> list[User]:
    from allauth.account.models import EmailAddress

    unusable = make_password(None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"{email_prefix}{i}@{district.slug}.example.org",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                district=district,
                building=buildings[i % len(buildings)] if buildings else None,
                is_educator=True,
                password=unusable,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=BATCH,
    )
    return people


def seed_plans(
    *,
    district: District,
    educators: Sequence[User],
    count: int,
    catalog: Sequence[MicroCredential],
    goals: Sequence[DistrictGoal],
    rng: random.Random,
    weights: dict[str, int] = STATUS_WEIGHTS,
    award_records: bool = True,
) -> ScaleResult:
    """``count`` single-educator plans, each with its submission and attempts, in batches;
    with ``award_records``, each earned one with the record of its issued award (without it,
    the caller issues them)."""
    statuses, status_weights = list(weights), list(weights.values())
    taken = set(Award.objects.filter(district=district).values_list("status_list_index", flat=True))
    now = timezone.now()
    totals = ScaleResult(educators=len(educators), plans=0, submissions=0, attempts=0)
    goal_link = Plan.district_goals.through
    stamped = [
        Plan._meta.get_field("created_at"),
        Submission._meta.get_field("created_at"),
        Submission._meta.get_field("status_changed_at"),
        Attempt._meta.get_field("submitted_at"),
    ]
    with explicit_timestamps(*stamped):
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            leads = [rng.choice(educators) for _ in range(size)]
            chosen = rng.choices(statuses, status_weights, k=size)
            times = [_times(rng, now) for _ in range(size)]
            plans = Plan.objects.bulk_create(
                [
                    Plan(
                        district=district,
                        microcredential=rng.choice(catalog),
                        lead=lead,
                        title="",
                        created_at=t["started"],
                    )
                    for lead, t in zip(leads, times, strict=True)
                ]
            )
            if goals:
                goal_link.objects.bulk_create(
                    [
                        goal_link(plan_id=plan.pk, districtgoal_id=rng.choice(goals).pk)
                        for plan in plans
                        if rng.random() < 0.7
                    ]
                )
            submissions = Submission.objects.bulk_create(
                [
                    Submission(
                        district=district,
                        plan=plan,
                        educator=lead,
                        status=status,
                        attempt_count=0,
                        **_stamps(status, t),
                    )
                    for plan, lead, status, t in zip(plans, leads, chosen, times, strict=True)
                ]
            )
            attempts = [a for s in submissions for a in _attempts(s, rng)]
            Attempt.objects.bulk_create(attempts)
            if award_records:
                Award.objects.bulk_create(_award_records(submissions, rng, taken))
            totals.plans += len(plans)
            totals.submissions += len(submissions)
            totals.attempts += len(attempts)
    return totals


@transaction.atomic
def seed_scale(
    *,
    slug: str,
    educators: int,
    plans: int,
    seed: int = 1,
    name: str | None = None,
    award_records: bool = True,
) -> tuple[District, ScaleResult]:
    """A whole large district: buildings, goals, catalog, rules, people and plans (with
    ``award_records``, each earned one with the record of its award; without, the caller
    issues them)."""
    from .demo import program_rules_seed

    rng = random.Random(seed)
    district = District.objects.create(name=name or f"Scale district {slug}", slug=slug)
    buildings = Building.objects.bulk_create(
        [Building(district=district, name=f"School {i + 1:02d}") for i in range(20)]
    )
    goals = DistrictGoal.objects.bulk_create(
        [
            DistrictGoal(district=district, title=f"District goal {i + 1}", position=i)
            for i in range(6)
        ]
    )
    catalog = scale_catalog(district=district)
    program_rules_seed(district=district, today=timezone.localdate())
    people = seed_people(
        district=district, count=educators, buildings=buildings, rng=rng, email_prefix="educator"
    )
    User.objects.create_user(
        email=f"admin@{slug}.example.org", district=district, is_district_admin=True
    )
    result = seed_plans(
        district=district,
        educators=people,
        count=plans,
        catalog=catalog,
        goals=goals,
        rng=rng,
        award_records=award_records,
    )
    return district, result


def _shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole numbers that differ by at most one."""
    size, extra = divmod(total, parts)
    return [size + (1 if i < extra else 0) for i in range(parts)]


def seed_state(
    *,
    slug: str,
    districts: int,
    educators: int,
    plans: int,
    seed: int = 1,
    name: str | None = None,
) -> tuple[State, ScaleResult]:
    """A whole state: ``districts`` districts (each as ``seed_scale`` builds one, with its own
    admin ``admin@<slug>-<n>.example.org``), the state's ``educators`` and ``plans`` spread
    evenly over them, and a state admin ``state-admin@<slug>.example.org``. One transaction per
    district: a long run that is stopped keeps the districts it has finished."""
    state = State.objects.create(name=name or f"Scale state {slug}", slug=slug)
    user_create(state=state, is_state_admin=True, email=f"state-admin@{slug}.example.org")
    totals = ScaleResult(educators=0, plans=0, submissions=0, attempts=0)
    width = len(str(districts))
    for number, (people, plan_count) in enumerate(
        zip(_shares(educators, districts), _shares(plans, districts), strict=True), start=1
    ):
        district, result = seed_scale(
            slug=f"{slug}-{number:0{width}d}",
            name=f"{name or slug.title()} district {number}",
            educators=max(people, 1),
            plans=plan_count,
            seed=seed * 100_000 + number,
        )
        District.objects.filter(pk=district.pk).update(state=state)
        totals.educators += result.educators
        totals.plans += result.plans
        totals.submissions += result.submissions
        totals.attempts += result.attempts
    return state, totals
