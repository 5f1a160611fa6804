"""Reads of artifacts and of their access log, always within the reader's district."""

from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from accounts.uploads import district_families, families_text
from credentials.models import EvidenceType, RubricCriterion
from microcreds.prepared import PreparedQuery
from submissions.models import Component, Submission

from .checks import allowed_families
from .models import Artifact, ArtifactAccess


def artifacts_of_submission(submission: Submission) -> QuerySet[Artifact]:
    """What the educator sees on the evidence page: everything but abandoned uploads."""
    return (
        Artifact.objects.filter(submission=submission, district_id=submission.district_id)
        .exclude(status=Artifact.Status.UPLOADING)
        .select_related("criterion", "evidence_type", "attempt", "replaces")
        .order_by("component", "created_at", "id")
    )


# What the evidence panel of the plan page reads of each piece (``artifacts/_panel.html``), and
# its count per rubric criterion at the step to review (``criteria_coverage``).
PANEL_FIELDS = (
    "uuid",
    "submission_id",
    "component",
    "criterion_id",
    "kind",
    "title",
    "status",
    "refusal_reason",
    "deleted_at",
    "deletion_note",
)


# The plan page reads both on every view: their SQL is built once per process
# (microcreds.prepared).
_panel_artifacts = PreparedQuery(
    lambda submission_id: Artifact.objects.filter(submission_id=submission_id).only(*PANEL_FIELDS),
    int,
)
_one_accepted = PreparedQuery(
    lambda submission_id: (
        Artifact.objects.filter(submission_id=submission_id, status=Artifact.Status.ACCEPTED)
        .order_by()
        .values_list("pk", flat=True)[:1]
    ),
    int,
)


def panel_artifacts(submission: Submission) -> list[Artifact]:
    """The submission's evidence for the panel of its plan page, with the columns it shows (not
    the storage and upload details of each)."""
    return _panel_artifacts.all(submission.pk)


def has_accepted_evidence(submission: Submission) -> bool:
    """The submission has one accepted piece of evidence at least."""
    return bool(_one_accepted.all(submission.pk))


def evidence_missing(submission: Submission) -> dict[str, list[str]]:
    """What the evidence still lacks before a submission for review: one accepted piece at
    least (asked by ``submissions.selectors.results_missing``)."""
    if has_accepted_evidence(submission):
        return {}
    return {Component.IMPACT.label: ["Add at least one piece of evidence that has been accepted."]}


def criteria_for_submission(submission: Submission) -> QuerySet[RubricCriterion]:
    return RubricCriterion.objects.filter(
        rubric__microcredential_id=submission.plan.microcredential_id
    ).order_by("position", "id")


# Read by the evidence page and by the plan page at its step to review (microcreds.prepared).
_criteria = PreparedQuery(
    lambda microcredential_id: RubricCriterion.objects.filter(
        rubric__microcredential_id=microcredential_id
    ).order_by("position", "id"),
    int,
)


def criteria_coverage(submission: Submission, artifacts) -> list[tuple[RubricCriterion, int]]:
    """Each rubric criterion of ``submission`` with how many of ``artifacts`` (its evidence, as
    the evidence page lists it) reviewers will read for it: accepted pieces linked to the
    criterion, or linked to no criterion but to the criterion's part of the plan (any part, for
    a criterion that names none)."""
    opened = [artifact for artifact in artifacts if artifact.opens]
    coverage = []
    for criterion in _criteria.all(submission.plan.microcredential_id):
        count = sum(
            1
            for artifact in opened
            if artifact.criterion_id == criterion.pk
            or artifact.criterion_id is None
            and criterion.component in ("", artifact.component)
        )
        coverage.append((criterion, count))
    return coverage


def evidence_types_for_submission(submission: Submission) -> QuerySet[EvidenceType]:
    """The micro-credential's evidence types, or the district's when it names none."""
    asked = EvidenceType.objects.filter(
        district_id=submission.district_id,
        pk__in=submission.plan.microcredential.evidence_types.values("pk"),
    )
    if asked.exists():
        return asked
    return EvidenceType.objects.filter(district_id=submission.district_id)


def evidence_type_kinds(
    submission: Submission, *, evidence_types: QuerySet[EvidenceType] | None = None
) -> list[tuple[EvidenceType, str]]:
    """Each evidence type offered for ``submission`` (``evidence_types``, when already read) and
    what it takes, said before anything is uploaded: the district's kinds of file narrowed by
    the type's."""
    if evidence_types is None:
        evidence_types = evidence_types_for_submission(submission)
    district_accepts = district_families(submission.district)
    return [
        (
            evidence_type,
            families_text(
                allowed_families(evidence_type.accepts, district_accepts=district_accepts)
            ),
        )
        for evidence_type in evidence_types
    ]


def access_log_for_admin(user: User, *, artifact_uuid=None) -> QuerySet[ArtifactAccess]:
    """The disclosure record of the admin's district, newest first."""
    log = ArtifactAccess.objects.filter(district_id=user.district_id).select_related(
        "user",
        "artifact",
        "artifact__submission__educator",
        "artifact__submission__plan__microcredential",
    )
    if artifact_uuid is not None:
        log = log.filter(artifact__uuid=artifact_uuid)
    return log.order_by("-opened_at", "-id")


def _added_since(submission: Submission, moment: datetime) -> QuerySet[Artifact]:
    return Artifact.objects.filter(
        submission=submission,
        status=Artifact.Status.ACCEPTED,
        created_at__gt=moment,
        deleted_at__isnull=True,
    )


def evidence_added_since(submission: Submission, moment: datetime) -> list[Artifact]:
    """The evidence added to the submission since ``moment`` (a round's decision), each with
    the evidence it replaces, if any. Evidence submitted for review is never deleted before the
    final decision: after a "not yet" it is replaced, so this is the whole change."""
    return list(
        _added_since(submission, moment)
        .select_related("criterion", "replaces")
        .order_by("created_at", "id")
    )


def evidence_changed_since(submission: Submission, moment: datetime) -> bool:
    """Evidence was added since ``moment`` (``evidence_added_since``, without reading it)."""
    return _added_since(submission, moment).exists()
