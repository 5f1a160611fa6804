"""Reads of the catalog, scoped to the reader's district."""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from accounts.models import District, State, User
from microcreds.prepared import PreparedQuery

from .models import (
    EvidenceType,
    MicroCredential,
    RubricCriterion,
    Stack,
    StateCatalogEntry,
    StateCatalogVersion,
)
from .packages import package_changes
from .services import state_version_adoption_refusal

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


def published_catalog_for_user(user: User, **filters) -> QuerySet[MicroCredential]:
    """The published entries of the user's district, searched and filtered
    (``published_entries``), each with its stack and evidence types."""
    return (
        published_entries(user, **filters)
        .select_related("stack")
        .prefetch_related(
            Prefetch("evidence_types", queryset=EvidenceType.objects.order_by("name"))
        )
    )


def published_entries(
    user: User,
    *,
    query: str = "",
    stack_id: int | None = None,
    evidence_type_id: int | None = None,
    max_hours: Decimal | None = None,
    grade_band: str = "",
) -> QuerySet[MicroCredential]:
    """The published entries of the user's district, searched and filtered, by title.

    An entry for "All grades" matches every grade band."""
    entries = _published_in(user.district_id)
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
    return entries.order_by("title").distinct()


def _published_in(district_id: int | None) -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(district_id=district_id, status=Status.PUBLISHED)


class CatalogCard(NamedTuple):
    """An entry of the catalog as its card shows it (``catalog_cards``)."""

    pk: int
    title: str
    stack: str | None
    competency: str
    estimated_hours: Decimal
    grade_band: str
    evidence_types: tuple[str, ...]


_GRADE_BANDS = dict(MicroCredential.GradeBand.choices)


_CARD_COLUMNS = ("pk", "title", "stack__name", "competency", "estimated_hours", "grade_band")
EvidenceTypes = MicroCredential.evidence_types.through

# The whole catalog, as everyone opens it: the SQL of its two queries is built once per process
# (microcreds.prepared). The evidence types are those of every published entry of the district,
# which, unfiltered, are the rows. A search or a filter changes the shape: built each time.
_unfiltered_cards = PreparedQuery(
    lambda district_id: (
        _published_in(district_id).order_by("title").distinct().values_list(*_CARD_COLUMNS)
    ),
    int,
    planned_per_call=True,  # a district's catalog: a dozen entries or hundreds
)
_unfiltered_evidence_types = PreparedQuery(
    lambda district_id: (
        EvidenceTypes.objects.filter(
            microcredential__district_id=district_id,
            microcredential__status=Status.PUBLISHED,
        )
        .order_by("evidencetype__name")
        .values_list("microcredential_id", "evidencetype__name")
    ),
    int,
)


def _unfiltered(
    query: str = "",
    stack_id: int | None = None,
    evidence_type_id: int | None = None,
    max_hours: Decimal | None = None,
    grade_band: str = "",
) -> bool:
    """No filter of ``published_entries`` applies."""
    return not (query.strip() or stack_id or evidence_type_id or grade_band) and max_hours is None


def catalog_cards(user: User, **filters) -> list[CatalogCard]:
    """The entries of ``published_entries(user, **filters)`` as their cards show them,
    each with its evidence types' names (by name): two queries, read as the columns the cards
    show (an entry, its stack and its evidence types as model instances were most of the page's
    time)."""
    unfiltered = _unfiltered(**filters) and user.district_id is not None
    if unfiltered:
        rows = _unfiltered_cards.all(user.district_id)
    else:
        rows = list(published_entries(user, **filters).values_list(*_CARD_COLUMNS))
    evidence: dict[int, list[str]] = {}
    if rows and unfiltered:
        for entry_id, name in _unfiltered_evidence_types.all(user.district_id):
            evidence.setdefault(entry_id, []).append(name)
    elif rows:
        for entry_id, name in (
            EvidenceTypes.objects.filter(microcredential_id__in=[row[0] for row in rows])
            .order_by("evidencetype__name")
            .values_list("microcredential_id", "evidencetype__name")
        ):
            evidence.setdefault(entry_id, []).append(name)
    return [
        CatalogCard(
            pk,
            title,
            stack,
            competency,
            hours,
            # What ``get_grade_band_display`` says.
            _GRADE_BANDS.get(grade_band, grade_band),
            tuple(evidence.get(pk, ())),
        )
        for pk, title, stack, competency, hours, grade_band in rows
    ]


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


def counterpart_in(entry: MicroCredential, *, district_id: int) -> MicroCredential | None:
    """The published entry of ``district_id`` that is ``entry`` there: of its lineage, or
    adopted from the same state entry (whichever version each district took)."""
    same = Q(lineage=entry.lineage)
    if entry.adopted_from_id is not None:
        same |= Q(adopted_from_id=entry.adopted_from_id)
    return (
        MicroCredential.objects.filter(same, district_id=district_id, status=Status.PUBLISHED)
        .order_by("-version", "-id")
        .first()
    )


def stacks_for_user(user: User) -> QuerySet[Stack]:
    return Stack.objects.filter(district_id=user.district_id).annotate(
        published_count=Count(
            "microcredentials", filter=Q(microcredentials__status=Status.PUBLISHED)
        )
    )


def evidence_types_for_user(user: User) -> QuerySet[EvidenceType]:
    return _evidence_types_of(user.district_id)


def _evidence_types_of(district_id: int | None) -> QuerySet[EvidenceType]:
    return EvidenceType.objects.filter(district_id=district_id)


class CatalogFilterChoices(NamedTuple):
    """What the catalog's filters offer: the district's stacks and evidence types, each as
    (pk, name), by name."""

    stacks: list[tuple[int, str]]
    evidence_types: list[tuple[int, str]]


# Read on every catalog page: the SQL is built once per process (microcreds.prepared).
_stack_choices = PreparedQuery(
    lambda district_id: (
        Stack.objects.filter(district_id=district_id).order_by("name").values_list("pk", "name")
    ),
    int,
)
_evidence_type_choices = PreparedQuery(
    lambda district_id: _evidence_types_of(district_id).order_by("name").values_list("pk", "name"),
    int,
)


def catalog_filter_choices(user: User) -> CatalogFilterChoices:
    if user.district_id is None:
        return CatalogFilterChoices([], [])  # every stack and evidence type is a district's
    return CatalogFilterChoices(
        _stack_choices.all(user.district_id), _evidence_type_choices.all(user.district_id)
    )


# --- the state's catalog ----------------------------------------------------------------------

# An adopted copy the district still holds (a retired one may be adopted again).
HELD_STATUSES = [Status.PUBLISHED, Status.DRAFT]


def state_catalog_for_state(*, state: State) -> QuerySet[StateCatalogEntry]:
    """The state's entries, each with how many of its districts hold a copy."""
    return StateCatalogEntry.objects.filter(state_id=state.pk).annotate(
        adopted_by=Count(
            "adoptions__district",
            filter=Q(adoptions__status__in=HELD_STATUSES),
            distinct=True,
        )
    )


def state_entry_versions(entry: StateCatalogEntry) -> QuerySet[StateCatalogVersion]:
    return entry.versions.select_related("published_by").order_by("-number")


def state_catalog_for_district(*, district: District) -> list[StateCatalogEntry]:
    """The entries of the district's state, each with ``held``: the district's copy in use
    (published), or None when it has not adopted it; and ``adoption_refusal``: why its latest
    version cannot be adopted (``state_version_adoption_refusal``), empty when it can. Three
    queries."""
    if district.state_id is None:
        return []
    entries = list(StateCatalogEntry.objects.filter(state_id=district.state_id))
    by_pk = {entry.pk: entry for entry in entries}
    for version in StateCatalogVersion.objects.filter(
        entry__in=entries, number=F("entry__latest_version")
    ):
        entry = by_pk[version.entry_id]
        entry.adoption_refusal = state_version_adoption_refusal(state_entry=entry, version=version)
    held = {
        copy.adopted_from_id: copy
        for copy in MicroCredential.objects.filter(
            district_id=district.pk, adopted_from__in=entries, status__in=HELD_STATUSES
        ).order_by("version")
    }
    for entry in entries:
        entry.held = held.get(entry.pk)
        if entry.held is not None:
            entry.held.adopted_from = entry
    return entries


@dataclass(frozen=True)
class StateStack:
    """A stack of the state's catalog, and the titles of its entries the district does not
    hold and cannot adopt yet: ``state_stack_adopt`` adopts all the others or none; ``held``:
    the district holds every entry of it already, so there is nothing left to adopt."""

    name: str
    refused: list[str]
    held: bool


def state_stacks_for_district(entries: list[StateCatalogEntry]) -> list[StateStack]:
    """The stacks of ``entries`` (as ``state_catalog_for_district`` reads them), by name."""
    names = sorted({entry.stack_name for entry in entries if entry.stack_name})
    return [
        StateStack(
            name=name,
            refused=[
                f"“{entry.title}”"
                for entry in entries
                if entry.stack_name == name and entry.held is None and entry.adoption_refusal
            ],
            held=all(entry.held is not None for entry in entries if entry.stack_name == name),
        )
        for name in names
    ]


@dataclass(frozen=True)
class AdoptionOffer:
    """A newer state version of an entry the district adopted: what changed, and the offer;
    ``refusal`` says why it cannot be taken yet (``state_version_adoption_refusal``)."""

    entry: MicroCredential
    version: StateCatalogVersion
    changes: list[str]
    refusal: str


def adoption_offers(*, district: District) -> list[AdoptionOffer]:
    """The district's adopted entries in use whose state entry has a newer version
    (``MicroCredential.state_update_offered``, in SQL), with what changed between the version
    adopted and the newest. Two queries."""
    behind = list(
        MicroCredential.objects.filter(
            district_id=district.pk,
            status=Status.PUBLISHED,
            adopted_from__isnull=False,
            adopted_version__lt=F("adopted_from__latest_version"),
        )
        .select_related("adopted_from")
        .order_by("title")
    )
    if not behind:
        return []
    wanted = Q()
    for entry in behind:
        wanted |= Q(entry_id=entry.adopted_from_id, number=entry.adopted_version)
        wanted |= Q(entry_id=entry.adopted_from_id, number=entry.adopted_from.latest_version)
    versions = {(v.entry_id, v.number): v for v in StateCatalogVersion.objects.filter(wanted)}
    offers = []
    for entry in behind:
        old = versions[(entry.adopted_from_id, entry.adopted_version)]
        new = versions[(entry.adopted_from_id, entry.adopted_from.latest_version)]
        changes = package_changes(old.package, new.package)
        refusal = state_version_adoption_refusal(state_entry=entry.adopted_from, version=new)
        offers.append(AdoptionOffer(entry=entry, version=new, changes=changes, refusal=refusal))
    return offers
