"""Demo evidence: the colleagues' plans taken to review with their evidence, and small
generated images and documents on the plans at the review stage.

Each file goes through the real path: it is written to quarantine and
``services.artifact_check`` decides it (type from the bytes, images re-encoded without metadata,
thumbnails), so a reviewer opening evidence in the demo sees what production would show.
"""

import io
import random
from datetime import timedelta

from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import District, User
from credentials.models import MicroCredential, RubricCriterion
from submissions import services as submission_services
from submissions.demo import REVIEWED
from submissions.models import Attempt, Component, Plan, Submission
from submissions.transitions import submission_move

from . import checks, services, storage
from .models import Artifact

SubmissionStatus = Submission.Status
REVIEW_STAGE = (
    SubmissionStatus.SUBMITTED_FOR_REVIEW,
    SubmissionStatus.IN_PROGRESS,
    SubmissionStatus.NOT_YET,
    SubmissionStatus.RESUBMITTED,
    SubmissionStatus.EARNED,
)


def _chart(seed: int) -> bytes:
    """A bar chart of transition minutes, baseline week against the last two weeks."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 12), "Average transition time (minutes)", fill="black")
    labels = ["Centres", "Line-up", "Materials", "Pack-up"]
    for i, label in enumerate(labels):
        before = rng.uniform(7, 12)
        after = rng.uniform(2.5, 4.5)
        x = 60 + i * 140
        draw.rectangle([x, 360 - before * 25, x + 40, 360], fill=(161, 38, 45))
        draw.rectangle([x + 50, 360 - after * 25, x + 90, 360], fill=(30, 107, 52))
        draw.text((x, 368), label, fill="black")
    draw.text((440, 40), "left: baseline  right: weeks 5-6", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _anchor_chart_photo() -> bytes:
    """A "phone photo" of an anchor chart, with the camera's EXIF and GPS the checks remove."""
    image = Image.new("RGB", (800, 600), (250, 246, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 40, 740, 560], outline=(31, 78, 121), width=6)
    for row, line in enumerate(
        ["OUR CENTRE ROTATION", "1. Freeze and look", "2. Clean your spot", "3. Walk to the next"]
    ):
        draw.text((100, 80 + row * 90), line, fill=(31, 78, 121))
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"
    exif[0x8825] = {1: "N", 2: (38.0, 57.0, 1.0), 3: "W", 4: (95.0, 14.0, 3.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, exif=exif)
    return out.getvalue()


def _exit_ticket_pdf(educator: User) -> bytes:
    page = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(page)
    lines = [
        "Exit ticket summary",
        f"Teacher: {educator.display_name}",
        "",
        "Question: What do you do when the chime rings?",
        "Week 1: 11 of 24 students named all three steps",
        "Week 3: 19 of 24",
        "Week 6: 23 of 24",
        "",
        "Student names removed; counts only.",
    ]
    for row, line in enumerate(lines):
        draw.text((80, 80 + row * 40), line, fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF")
    return out.getvalue()


def _timing_log(seed: int) -> bytes:
    rng = random.Random(seed)
    rows = ["date,transition,minutes"]
    start = timezone.localdate() - timedelta(days=60)
    for day in range(0, 42, 3):
        for name in ("centres", "line-up", "materials"):
            minutes = max(2.0, 11 - day * 0.18 + rng.uniform(-1, 1))
            rows.append(f"{start + timedelta(days=day)},{name},{minutes:.1f}")
    return ("\n".join(rows) + "\n").encode()


def _attach(
    submission: Submission,
    *,
    title: str,
    name: str,
    data: bytes,
    component: str,
    description: str,
    attempt: Attempt | None,
) -> Artifact:
    family = checks.EXTENSIONS[checks.extension_of(name)]
    # A criterion whose evidence type takes this kind of file, in this component if possible.
    fitting = [
        c
        for c in RubricCriterion.objects.filter(
            rubric__microcredential_id=submission.plan.microcredential_id
        ).select_related("evidence_type")
        if c.evidence_type is None or c.evidence_type.accepts in ("any", family)
    ]
    criterion = next((c for c in fitting if c.component == component), None) or (
        fitting[0] if fitting else None
    )
    artifact = Artifact(
        district_id=submission.district_id,
        submission=submission,
        kind=Artifact.Kind.FILE,
        title=title,
        description=description,
        component=component,
        criterion=criterion,
        evidence_type=criterion.evidence_type if criterion else None,
        original_name=name,
        declared_size=len(data),
        status=Artifact.Status.CHECKING,
        confirmed_no_identifying_info=True,
        confirmed_consent_on_file=True,
        uploaded_by=submission.educator,
    )
    artifact.storage_key = services.quarantine_key(artifact, name)
    artifact.save()
    storage.put(key=artifact.storage_key, data=data, content_type=storage.QUARANTINE_TYPE)
    services.artifact_check(artifact_id=artifact.pk)
    if attempt is not None:
        Artifact.objects.filter(pk=artifact.pk, status=Artifact.Status.ACCEPTED).update(
            attempt=attempt
        )
    return artifact


def _submission_at_review(district: District, educator: User) -> Submission:
    """When no plan has reached the review stage yet, take one there through the status table."""
    entry = MicroCredential.objects.filter(
        district=district, status=MicroCredential.Status.PUBLISHED
    ).first() or MicroCredential.objects.create(
        district=district,
        title="Classroom routines and transitions",
        competency="The educator teaches, rehearses and reinforces classroom routines.",
        status=MicroCredential.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    plan = Plan.objects.create(
        district=district,
        microcredential=entry,
        lead=educator,
        title="Smooth transitions in third grade",
        rationale="Transitions take 8–12 minutes, about 40 minutes of instruction a day.",
        hypothesis="Teaching three routines explicitly will cut transitions under four minutes.",
        actions="Teach, model, rehearse and reinforce three routines over six weeks.",
        impact_measures="Stopwatch timings, a redirection tally and a short student survey.",
    )
    submission = Submission.objects.create(district=district, plan=plan, educator=educator)
    for to_status in (
        SubmissionStatus.PLAN_SUBMITTED,
        SubmissionStatus.PLAN_APPROVED,
        SubmissionStatus.IN_PROGRESS,
    ):
        submission_move(
            submission_id=submission.pk, to_status=to_status, actor=None, action="demo.artifacts"
        )
    submission.impact_results = "Average transition time fell from 9.6 to 3.4 minutes."
    submission.save(update_fields=["impact_results"])

    def open_attempt(locked: Submission) -> list[str]:
        Attempt.objects.create(submission=locked, number=locked.attempt_count + 1)
        locked.attempt_count += 1
        return ["attempt_count"]

    return submission_move(
        submission_id=submission.pk,
        to_status=SubmissionStatus.SUBMITTED_FOR_REVIEW,
        actor=educator,
        action="demo.artifacts",
        before_save=open_attempt,
    )


def _to_review(district: District, reviewer: User) -> None:
    """The colleagues' plans in progress (``submissions.demo.REVIEWED``): one accepted piece of
    evidence (a link), submitted for review, and the panel's decision where there is one."""
    for email, final in REVIEWED.items():
        submission = Submission.objects.filter(
            district=district, educator__email=email, status=SubmissionStatus.IN_PROGRESS
        ).first()
        if submission is None:
            continue
        Artifact.objects.create(
            district=submission.district,
            submission=submission,
            kind=Artifact.Kind.LINK,
            title="Transition timing log (spreadsheet)",
            description="Baseline and weeks 5–6 timings, one row per transition.",
            url="https://docs.example.org/prairie-view/transition-log",
            status=Artifact.Status.ACCEPTED,
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
            uploaded_by=submission.educator,
        )
        submission_services.submission_submit_for_review(
            submission=submission, actor=submission.educator
        )
        if final != SubmissionStatus.SUBMITTED_FOR_REVIEW:
            submission_move(
                submission_id=submission.pk, to_status=final, actor=reviewer, action="demo.panel"
            )


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    _to_review(district, people["reviewer"])
    submissions = list(
        Submission.objects.filter(district=district, status__in=REVIEW_STAGE)
        .select_related("plan__microcredential", "educator")
        .order_by("pk")
    )
    if not any(s.status == SubmissionStatus.SUBMITTED_FOR_REVIEW for s in submissions):
        submissions.append(_submission_at_review(district, people["educator"]))
    for index, submission in enumerate(submissions):
        attempt = submission.attempts.order_by("-number").first()
        _attach(
            submission,
            title="Transition times before and after",
            name="transition-times.png",
            data=_chart(seed=submission.pk),
            component=Component.IMPACT,
            description="Stopwatch averages: baseline week against weeks 5–6.",
            attempt=attempt,
        )
        _attach(
            submission,
            title="Transition timing log",
            name="transition-log.csv",
            data=_timing_log(seed=submission.pk),
            component=Component.IMPACT,
            description="Every timed transition, one row each.",
            attempt=attempt,
        )
        if index % 2 == 0:
            _attach(
                submission,
                title="Exit ticket summary",
                name="exit-tickets.pdf",
                data=_exit_ticket_pdf(submission.educator),
                component=Component.IMPACT,
                description="Counts of students naming the routine's steps; no names.",
                attempt=attempt,
            )
            _attach(
                submission,
                title="Anchor chart for centre rotation",
                name="anchor-chart.jpg",
                data=_anchor_chart_photo(),
                component=Component.IMPLEMENTATION,
                description="The chart posted by the centres; photo taken before students arrived.",
                attempt=attempt,
            )
