"""Reads of the catalog, scoped to the reader's district."""

from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from accounts.models import District, User

from .models import EvidenceType, MicroCredential, RubricCriterion, Stack

Status = MicroCredential.Status
SEARCH_FIELDS = ("title", "competency", "key_method", "tags")


def _text_filter(query: str) -> Q:
    """Every word must appear in one of the searched fields (icontains: PostgreSQL and SQLite)."""
    condition = Q()
    for word in query.split()[:10]:
        any_field = Q()
        for field in SEARCH_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def published_catalog_for_user(
    user: User,
    *,
    query: str = "",
    stack_id: int | None = None,
    evidence_type_id: int | None = None,
    max_hours: Decimal | None = None,
    grade_band: str = "",
) -> QuerySet[MicroCredential]:
    """The published entries of the user's district, searched and filtered.

    An entry for "All grades" matches every grade band."""
    entries = MicroCredential.objects.filter(district_id=user.district_id, status=Status.PUBLISHED)
    if query.strip():
        entries = entries.filter(_text_filter(query))
    if stack_id:
        entries = entries.filter(stack_id=stack_id)
    if evidence_type_id:
        entries = entries.filter(evidence_types__id=evidence_type_id)
    if max_hours is not None:
        entries = entries.filter(estimated_hours__lte=max_hours)
    if grade_band:
        entries = entries.filter(
            Q(grade_band=grade_band) | Q(grade_band=MicroCredential.GradeBand.ALL)
        )
    return (
        entries.select_related("stack")
        .prefetch_related(
            Prefetch("evidence_types", queryset=EvidenceType.objects.order_by("name"))
        )
        .order_by("title")
        .distinct()
    )


def catalog_for_admin(
    user: User, *, status: str = "", query: str = ""
) -> QuerySet[MicroCredential]:
    """Every entry of the admin's district, drafts included; superseded versions only when
    asked for. Each row counts the plans started on it."""
    entries = MicroCredential.objects.filter(district_id=user.district_id)
    if status:
        entries = entries.filter(status=status)
    else:
        entries = entries.exclude(status=Status.SUPERSEDED)
    if query.strip():
        entries = entries.filter(_text_filter(query))
    return (
        entries.select_related("stack", "created_by")
        .annotate(plan_count=Count("plans", distinct=True))
        .order_by("title", "-version")
    )


def microcredential_detail_queryset() -> QuerySet[MicroCredential]:
    """Entries with everything the detail page shows, in a fixed number of queries."""
    criteria = RubricCriterion.objects.select_related("evidence_type").prefetch_related("levels")
    return MicroCredential.objects.select_related("stack", "rubric", "created_by").prefetch_related(
        Prefetch("evidence_types", queryset=EvidenceType.objects.order_by("name")),
        Prefetch("rubric__criteria", queryset=criteria),
    )


def lineage_versions(entry: MicroCredential) -> QuerySet[MicroCredential]:
    """All versions of ``entry``'s lineage in its district, newest first."""
    return MicroCredential.objects.filter(
        district_id=entry.district_id, lineage=entry.lineage
    ).order_by("-version")


def published_count(*, district: District) -> int:
    """How many entries the district's catalog offers (its admin dashboard)."""
    return MicroCredential.objects.filter(district=district, status=Status.PUBLISHED).count()


def lineage_choices(*, district: District) -> list[tuple[str, str]]:
    """Each entry of the district's catalog past its first draft, once for all its versions:
    (lineage, latest title), by title. What a credit rule or a report filter names."""
    latest_titles = (
        MicroCredential.objects.filter(district_id=district.pk)
        .exclude(status=Status.DRAFT)
        .values("lineage")
        .annotate(title=Max("title"))
        .order_by("title")
    )
    return [(str(r["lineage"]), r["title"]) for r in latest_titles]


def current_version(entry: MicroCredential) -> MicroCredential | None:
    """The published version of ``entry``'s lineage, if there is one."""
    return lineage_versions(entry).filter(status=Status.PUBLISHED).first()


def stacks_for_user(user: User) -> QuerySet[Stack]:
    return Stack.objects.filter(district_id=user.district_id).annotate(
        published_count=Count(
            "microcredentials", filter=Q(microcredentials__status=Status.PUBLISHED)
        )
    )


def evidence_types_for_user(user: User) -> QuerySet[EvidenceType]:
    return EvidenceType.objects.filter(district_id=user.district_id)
