"""Writes to the catalog: entries and their versions, rubrics, stacks and evidence types.

Only a district admin of the entry's district changes the catalog (an educator may propose an
entry of their own). A published entry is never edited in place: plans point at the row they
started on, so an edit makes a new version of the same lineage and the old row is superseded.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import District, Role, State, User
from accounts.services import audit_record

from .models import (
    EvidenceType,
    MicroCredential,
    PassingProblem,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Stack,
    StateCatalogEntry,
    StateCatalogVersion,
    passing_score_problem,
)
from .packages import PackageError, package_changes, package_loads, package_validate

Status = MicroCredential.Status

# The fields of an entry an admin edits in a form (evidence types go separately: many-to-many).
ENTRY_FIELDS = (
    "title",
    "competency",
    "key_method",
    "method_components",
    "research_and_resources",
    "submission_guidelines",
    "estimated_hours",
    "pd_points",
    "rigor",
    "origin",
    "stack",
    "tags",
    "grade_band",
    "valid_for_days",
    "renewal_plan",
    "state_standard",
    "state_standard_url",
)
# Where the panel's decision on the plan takes a proposal: approved, still proposed (changes
# requested), or declined.
PROPOSAL_OUTCOMES = {
    Status.APPROVED: "microcredential.approved",
    Status.PROPOSED: "microcredential.changes_requested",
    Status.DECLINED: "microcredential.declined",
}


class CatalogError(Exception):
    """A catalog change the rules refuse; its message is for the user."""


@dataclass(frozen=True)
class LevelInput:
    score: int
    label: str
    description: str = ""


# A new criterion's levels until its author writes their own, and its passing score: the level
# after "Not yet", so a reviewer who scores "Not yet" does not pass it
# (``criterion_passing_problem``).
NEW_CRITERION_LEVELS = (LevelInput(1, "Not yet"), LevelInput(2, "Demonstrated"))
NEW_CRITERION_PASSING_SCORE = NEW_CRITERION_LEVELS[1].score


# --- checks ---------------------------------------------------------------------------------


def _require_admin(actor: User, district_id: int | None) -> None:
    if not actor.has_role(Role.DISTRICT_ADMIN) or actor.district_id != district_id:
        raise CatalogError("Only a district admin of this district can change its catalog.")


ADOPTED_REFUSAL = (
    "“{title}” is adopted from the state's catalog: the state defines its content. Take the "
    "state's new versions when they are offered, or retire it."
)


def _require_not_adopted(entry: MicroCredential) -> None:
    if entry.is_adopted:
        raise CatalogError(ADOPTED_REFUSAL.format(title=entry.title))


def rubric_fixed_reason(entry: MicroCredential) -> str:
    """Why ``entry``'s rubric cannot be changed, in words; empty when it can (in place)."""
    if entry.is_adopted:
        return ADOPTED_REFUSAL.format(title=entry.title)
    if entry.changes_in_place:
        return ""
    return (
        f"“{entry.title}” is {entry.get_status_display().lower()}; its rubric is fixed "
        "because plans are scored against it. Make a new version to change it."
    )


def _require_editable(entry: MicroCredential) -> None:
    reason = rubric_fixed_reason(entry)
    if reason:
        raise CatalogError(reason)


def _check_same_district(
    district_id: int, *, stack: Stack | None = None, evidence: Iterable[EvidenceType] = ()
) -> None:
    if stack is not None and stack.district_id != district_id:
        raise CatalogError("That stack belongs to another district.")
    if any(e.district_id != district_id for e in evidence):
        raise CatalogError("An evidence type belongs to another district.")


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown micro-credential fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    for text in ("title", "competency"):
        if text in cleaned:
            cleaned[text] = (cleaned[text] or "").strip()
            if not cleaned[text]:
                raise CatalogError(f"The {text} of a micro-credential cannot be empty.")
    for number in ("estimated_hours", "pd_points"):
        if number in cleaned and cleaned[number] is not None and Decimal(cleaned[number]) < 0:
            raise CatalogError("Hours and points cannot be negative.")
    return cleaned


def publish_problems(entry: MicroCredential) -> list[str]:
    """What stops ``entry`` from being published, in words; empty when it may be."""
    problems = []
    if not entry.competency.strip():
        problems.append("Write the competency statement.")
    rubric = Rubric.objects.filter(microcredential=entry).first()
    if rubric is None:
        return [*problems, "Add a rubric with at least one criterion."]
    criteria = list(rubric.criteria.prefetch_related("levels"))
    if not criteria:
        problems.append("Add at least one rubric criterion.")
    problems += [p for p in map(criterion_passing_problem, criteria) if p]
    rule = passing_rule_problem(rubric, len(criteria))
    if rule:
        problems.append(rule)
    return problems


def criterion_passing_problem(criterion: RubricCriterion) -> str:
    """Why ``criterion``'s passing score cannot stand with its levels; empty if it can. Some
    level must pass and some must not: a reviewer has to be able to score it as not met
    (``passing_score_problem``, the rule a package's criteria are read by too)."""
    problem = _passing_problem(
        criterion.title,
        criterion.passing_score,
        [(level.score, level.label) for level in criterion.levels.all()],
    )
    return problem.words if problem else ""


def _passing_problem(
    title: str, passing_score: int, levels: Iterable[tuple[int, str]]
) -> PassingProblem | None:
    return passing_score_problem(
        name=f"Criterion “{title}”", passing_score=passing_score, levels=levels
    )


def passing_rule_problem(rubric: Rubric, criteria: int) -> str:
    """Why ``rubric``'s passing rule cannot stand with ``criteria`` criteria; empty if it can."""
    if rubric.passing_rule != Rubric.PassingRule.MINIMUM:
        return ""
    needed = rubric.minimum_passing_criteria or 0
    if 1 <= needed <= criteria:
        return ""
    return (
        f"The passing rule asks for {needed} criteria at their passing level, but the rubric has "
        f"{criteria}: ask for between 1 and {criteria}, or add criteria."
        if criteria
        else f"The passing rule asks for {needed} criteria at their passing level: add them."
    )


# --- entries --------------------------------------------------------------------------------


@transaction.atomic
def microcredential_create(
    *,
    actor: User,
    title: str,
    competency: str,
    evidence_types: Iterable[EvidenceType] = (),
    badge_image_png: bytes | None = None,
    **fields: Any,
) -> MicroCredential:
    """A new draft entry of the actor's district, with an empty rubric (all criteria pass) and
    its badge image when one is given (checked as ``microcredential_badge_image_set`` says)."""
    _require_admin(actor, actor.district_id)
    evidence = list(evidence_types)
    cleaned = _clean_fields({"title": title, "competency": competency, **fields})
    _check_same_district(actor.district_id, stack=cleaned.get("stack"), evidence=evidence)
    entry = MicroCredential.objects.create(
        district_id=actor.district_id, status=Status.DRAFT, created_by=actor, **cleaned
    )
    entry.evidence_types.set(evidence)
    Rubric.objects.create(microcredential=entry)
    audit_record(
        actor=actor, action="microcredential.created", target=entry, to_status=Status.DRAFT
    )
    if badge_image_png is not None:
        _badge_image_store(entry, badge_image_png, actor=actor)
    return entry


@transaction.atomic
def microcredential_propose(
    *,
    actor: User,
    title: str,
    competency: str,
    criteria: Sequence[str] = (),
    evidence_types: Iterable[EvidenceType] = (),
    **fields: Any,
) -> MicroCredential:
    """An educator's own micro-credential, proposed with their plan for the panel to approve.

    Each criterion gets the levels "Not yet" (1) and "Demonstrated" (2, passing)."""
    if not actor.has_role(Role.EDUCATOR):
        raise CatalogError("Only an educator can propose a micro-credential.")
    evidence = list(evidence_types)
    cleaned = _clean_fields({"title": title, "competency": competency, **fields})
    _check_same_district(actor.district_id, stack=cleaned.get("stack"), evidence=evidence)
    cleaned.setdefault("origin", MicroCredential.Origin.EDUCATOR)
    entry = MicroCredential.objects.create(
        district_id=actor.district_id, status=Status.PROPOSED, created_by=actor, **cleaned
    )
    entry.evidence_types.set(evidence)
    _proposal_criteria_create(Rubric.objects.create(microcredential=entry), criteria)
    audit_record(
        actor=actor, action="microcredential.proposed", target=entry, to_status=Status.PROPOSED
    )
    return entry


def _proposal_criteria_create(rubric: Rubric, criteria: Sequence[str]) -> None:
    """An educator's criteria, each with the levels "Not yet" (1) and "Demonstrated" (2,
    passing)."""
    for position, criterion_title in enumerate(c.strip() for c in criteria if c.strip()):
        criterion = RubricCriterion.objects.create(
            rubric=rubric,
            position=position,
            title=criterion_title[:200],
            passing_score=NEW_CRITERION_PASSING_SCORE,
        )
        RubricLevel.objects.bulk_create(
            [
                RubricLevel(criterion=criterion, score=level.score, label=level.label)
                for level in NEW_CRITERION_LEVELS
            ]
        )


@transaction.atomic
def microcredential_proposal_update(
    *,
    microcredential: MicroCredential,
    actor: User,
    title: str,
    competency: str,
    submission_guidelines: str = "",
    criteria: Sequence[str] = (),
    evidence_types: Iterable[EvidenceType] = (),
) -> MicroCredential:
    """The educator changes their own proposal while it is still proposed; its criteria are
    replaced. (Whether the plan it came with may change now is the plan's rule: the caller's.)
    """
    entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    if entry.created_by_id != actor.pk or entry.origin != MicroCredential.Origin.EDUCATOR:
        raise CatalogError("Only the educator who proposed this micro-credential can change it.")
    if entry.status != Status.PROPOSED:
        raise CatalogError(
            f"“{entry.title}” is {entry.get_status_display().lower()}; it can no longer be changed."
        )
    evidence = list(evidence_types)
    cleaned = _clean_fields(
        {"title": title, "competency": competency, "submission_guidelines": submission_guidelines}
    )
    _check_same_district(entry.district_id, evidence=evidence)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.save()
    entry.evidence_types.set(evidence)
    rubric, _ = Rubric.objects.get_or_create(microcredential=entry)
    rubric.criteria.all().delete()
    _proposal_criteria_create(rubric, criteria)
    audit_record(
        actor=actor,
        action="microcredential.proposal_changed",
        target=entry,
        detail={"title": entry.title, "criteria": rubric.criteria.count()},
    )
    return entry


def microcredential_proposal_decide(
    *, microcredential: MicroCredential, to_status: str, actor: User, detail: dict[str, Any]
) -> MicroCredential:
    """Carry the panel's decision on a plan to the educator's own micro-credential proposed
    with it: approved (its plan and group use it; it is not listed in the catalog unless an
    admin publishes it), still proposed (changes requested: the educator edits it with the
    plan), or declined. Called inside the decision's transaction; audited.

    Only a proposal moves. Once approved it stays approved: a later decision on a group
    member's plan is about that member, not about the micro-credential."""
    if to_status not in PROPOSAL_OUTCOMES:
        raise ValueError(f"A proposal cannot be decided to {to_status!r}.")
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        if entry.status != Status.PROPOSED:
            return entry
        if to_status != entry.status:
            entry.status = to_status
            entry.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=PROPOSAL_OUTCOMES[to_status],
            target=entry,
            from_status=Status.PROPOSED,
            to_status=to_status,
            detail=detail,
        )
        return entry


def _copy_as_new_version(
    entry: MicroCredential, *, actor: User, status: str, changes: dict[str, Any]
) -> MicroCredential:
    """A new row of ``entry``'s lineage with its rubric, criteria, levels and evidence types."""
    latest = MicroCredential.objects.filter(lineage=entry.lineage).aggregate(v=Max("version"))["v"]
    evidence = list(entry.evidence_types.all())
    copy = MicroCredential.objects.get(pk=entry.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.version = (latest or entry.version) + 1
    copy.status = status
    copy.created_by = actor
    copy.published_at = timezone.now() if status == Status.PUBLISHED else None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    copy.evidence_types.set(evidence)
    old_rubric = Rubric.objects.filter(microcredential=entry).first()
    if old_rubric is not None:
        rubric = Rubric.objects.create(
            microcredential=copy,
            passing_rule=old_rubric.passing_rule,
            minimum_passing_criteria=old_rubric.minimum_passing_criteria,
        )
        for criterion in old_rubric.criteria.prefetch_related("levels"):
            levels = list(criterion.levels.all())
            criterion.pk = None
            criterion.id = None
            criterion._state.adding = True
            criterion.rubric = rubric
            criterion.save()
            RubricLevel.objects.bulk_create(
                [
                    RubricLevel(
                        criterion=criterion,
                        score=level.score,
                        label=level.label,
                        description=level.description,
                    )
                    for level in levels
                ]
            )
    return copy


def microcredential_update(
    *,
    microcredential: MicroCredential,
    actor: User,
    evidence_types: Iterable[EvidenceType] | None = None,
    badge_image_png: bytes | None = None,
    **fields: Any,
) -> MicroCredential:
    """Change an entry. A draft or proposal changes in place; a published entry gets a new
    published version (rubric and evidence types copied) and the old row is superseded, so
    plans started on it keep it. A badge image given goes to the row that carries the changes,
    which is returned."""
    _require_admin(actor, microcredential.district_id)
    cleaned = _clean_fields(fields)
    evidence = list(evidence_types) if evidence_types is not None else None
    _check_same_district(
        microcredential.district_id, stack=cleaned.get("stack"), evidence=evidence or ()
    )
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        _require_not_adopted(entry)
        if entry.changes_in_place:
            for name, value in cleaned.items():
                setattr(entry, name, value)
            entry.save()
            if evidence is not None:
                entry.evidence_types.set(evidence)
            audit_record(
                actor=actor,
                action="microcredential.updated",
                target=entry,
                detail={
                    "fields": sorted(cleaned) + (["evidence_types"] if evidence is not None else [])
                },
            )
            if badge_image_png is not None:
                _badge_image_store(entry, badge_image_png, actor=actor)
            return entry
        if entry.status == Status.SUPERSEDED:
            raise CatalogError(
                f"A newer version of “{entry.title}” was saved meanwhile; open the current "
                "version to edit it."
            )
        if not entry.edit_makes_new_version:
            raise CatalogError(
                f"“{entry.title}” is {entry.get_status_display().lower()} and cannot be edited."
            )
        pending = MicroCredential.objects.filter(lineage=entry.lineage, status=Status.DRAFT).first()
        if pending is not None:
            raise CatalogError(
                f"Version {pending.version} of “{entry.title}” is a draft; edit and publish "
                "that one instead."
            )
        entry.status = Status.SUPERSEDED
        entry.save(update_fields=["status", "updated_at"])
        new = _copy_as_new_version(entry, actor=actor, status=Status.PUBLISHED, changes=cleaned)
        if evidence is not None:
            new.evidence_types.set(evidence)
        audit_record(
            actor=actor,
            action="microcredential.superseded",
            target=entry,
            from_status=Status.PUBLISHED,
            to_status=Status.SUPERSEDED,
            detail={"by_version": new.version, "by_id": new.pk},
        )
        audit_record(
            actor=actor,
            action="microcredential.new_version",
            target=new,
            to_status=Status.PUBLISHED,
            detail={"from_version": entry.version, "fields": sorted(cleaned)},
        )
        if badge_image_png is not None:
            _badge_image_store(new, badge_image_png, actor=actor)
        return new


@transaction.atomic
def microcredential_new_draft(*, microcredential: MicroCredential, actor: User) -> MicroCredential:
    """A draft copy of a published or retired entry, to change its rubric before publishing it;
    the current version stays in use until the draft is published."""
    _require_admin(actor, microcredential.district_id)
    entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    _require_not_adopted(entry)
    if not entry.takes_new_draft:
        raise CatalogError("Only a published or retired entry gets a new draft version.")
    existing = MicroCredential.objects.filter(lineage=entry.lineage, status=Status.DRAFT).first()
    if existing is not None:
        raise CatalogError(
            f"Version {existing.version} of “{entry.title}” is already a draft; edit that one."
        )
    draft = _copy_as_new_version(entry, actor=actor, status=Status.DRAFT, changes={})
    audit_record(
        actor=actor,
        action="microcredential.new_draft",
        target=draft,
        to_status=Status.DRAFT,
        detail={"from_version": entry.version},
    )
    return draft


def microcredential_check_startable(*, microcredential: MicroCredential) -> None:
    """Raise CatalogError unless a new plan may start on this version of the entry."""
    if microcredential.is_published:
        return
    if microcredential.status == Status.RETIRED:
        raise CatalogError(
            f"“{microcredential.title}” is retired: new plans cannot be started on it."
        )
    if microcredential.status == Status.SUPERSEDED:
        raise CatalogError(
            f"Version {microcredential.version} of “{microcredential.title}” has been replaced; "
            "start your plan from the catalog's current version."
        )
    raise CatalogError(f"“{microcredential.title}” is not published in the catalog.")


def microcredential_publish(*, microcredential: MicroCredential, actor: User) -> MicroCredential:
    """Publish a draft or proposal whose rubric is complete; the lineage's published version,
    if any, is superseded."""
    _require_admin(actor, microcredential.district_id)
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        if not entry.is_publishable:
            raise CatalogError(
                f"“{entry.title}” is {entry.get_status_display().lower()}; only a draft, a "
                "proposal or an approved educator-created entry can be published."
            )
        problems = publish_problems(entry)
        if problems:
            raise CatalogError("It cannot be published yet: " + " ".join(problems))
        previous = list(
            MicroCredential.objects.select_for_update()
            .filter(lineage=entry.lineage, status=Status.PUBLISHED)
            .exclude(pk=entry.pk)
        )
        for old in previous:
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=actor,
                action="microcredential.superseded",
                target=old,
                from_status=Status.PUBLISHED,
                to_status=Status.SUPERSEDED,
                detail={"by_version": entry.version, "by_id": entry.pk},
            )
        from_status = entry.status
        entry.status = Status.PUBLISHED
        entry.published_at = timezone.now()
        entry.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="microcredential.published",
            target=entry,
            from_status=from_status,
            to_status=Status.PUBLISHED,
        )
        return entry


def microcredential_retire(*, microcredential: MicroCredential, actor: User) -> MicroCredential:
    """Take a published entry out of the catalog. Plans already started on it continue."""
    _require_admin(actor, microcredential.district_id)
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        if not entry.is_retirable:
            raise CatalogError(
                f"“{entry.title}” is {entry.get_status_display().lower()}; only a published "
                "entry can be retired."
            )
        entry.status = Status.RETIRED
        entry.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="microcredential.retired",
            target=entry,
            from_status=Status.PUBLISHED,
            to_status=Status.RETIRED,
        )
        return entry


# --- rubrics --------------------------------------------------------------------------------


def _rubric_for_edit(microcredential: MicroCredential, actor: User) -> Rubric:
    _require_admin(actor, microcredential.district_id)
    entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    _require_editable(entry)
    rubric, _ = Rubric.objects.get_or_create(microcredential=entry)
    return rubric


def _clean_levels(levels: Sequence[LevelInput]) -> list[LevelInput]:
    cleaned = [
        LevelInput(score=int(lv.score), label=lv.label.strip(), description=lv.description.strip())
        for lv in levels
    ]
    if not cleaned:
        raise CatalogError("A criterion needs at least one level.")
    if any(not lv.label for lv in cleaned):
        raise CatalogError("Every level needs a label.")
    scores = [lv.score for lv in cleaned]
    if len(set(scores)) != len(scores):
        raise CatalogError("Two levels of a criterion cannot have the same score.")
    return sorted(cleaned, key=lambda lv: lv.score)


def _check_criterion(
    microcredential: MicroCredential,
    *,
    title: str,
    passing_score: int,
    levels: Sequence[LevelInput],
    evidence_type: EvidenceType | None,
) -> None:
    if evidence_type is not None and evidence_type.district_id != microcredential.district_id:
        raise CatalogError("That evidence type belongs to another district.")
    # Refused here only when no level passes; one every level of which passes is saved, and the
    # page and publishing say why it cannot be published yet.
    problem = _passing_problem(title, passing_score, [(lv.score, lv.label) for lv in levels])
    if problem and problem.no_level_passes:
        raise CatalogError(problem.words)


@transaction.atomic
def rubric_update(
    *,
    microcredential: MicroCredential,
    actor: User,
    passing_rule: str,
    minimum_passing_criteria: int | None = None,
) -> Rubric:
    rubric = _rubric_for_edit(microcredential, actor)
    if passing_rule not in Rubric.PassingRule.values:
        raise CatalogError("Choose a passing rule.")
    if passing_rule == Rubric.PassingRule.MINIMUM and not minimum_passing_criteria:
        raise CatalogError("Say how many criteria must be at their passing level.")
    before = rubric.passing_rule
    rubric.passing_rule = passing_rule
    rubric.minimum_passing_criteria = (
        minimum_passing_criteria if passing_rule == Rubric.PassingRule.MINIMUM else None
    )
    rubric.save()
    audit_record(
        actor=actor,
        action="rubric.updated",
        target=rubric,
        district=microcredential.district,
        detail={
            "from_rule": before,
            "rule": passing_rule,
            "minimum": rubric.minimum_passing_criteria,
        },
    )
    return rubric


@transaction.atomic
def rubric_criterion_create(
    *,
    microcredential: MicroCredential,
    actor: User,
    title: str,
    levels: Sequence[LevelInput],
    passing_score: int,
    description: str = "",
    component: str = "",
    evidence_type: EvidenceType | None = None,
) -> RubricCriterion:
    rubric = _rubric_for_edit(microcredential, actor)
    if not title.strip():
        raise CatalogError("A criterion needs a title.")
    cleaned = _clean_levels(levels)
    _check_criterion(
        microcredential,
        title=title.strip(),
        passing_score=passing_score,
        levels=cleaned,
        evidence_type=evidence_type,
    )
    criterion = RubricCriterion.objects.create(
        rubric=rubric,
        position=rubric.criteria.count(),
        title=title.strip(),
        description=description.strip(),
        component=component,
        evidence_type=evidence_type,
        passing_score=passing_score,
    )
    RubricLevel.objects.bulk_create(
        [
            RubricLevel(
                criterion=criterion, score=lv.score, label=lv.label, description=lv.description
            )
            for lv in cleaned
        ]
    )
    audit_record(
        actor=actor,
        action="rubric_criterion.created",
        target=criterion,
        district=microcredential.district,
        detail={"title": criterion.title, "microcredential": microcredential.pk},
    )
    return criterion


@transaction.atomic
def rubric_criterion_update(
    *,
    criterion: RubricCriterion,
    actor: User,
    title: str,
    levels: Sequence[LevelInput],
    passing_score: int,
    description: str = "",
    component: str = "",
    evidence_type: EvidenceType | None = None,
    position: int | None = None,
) -> RubricCriterion:
    """Change a criterion and replace its levels."""
    microcredential = criterion.rubric.microcredential
    _rubric_for_edit(microcredential, actor)
    if not title.strip():
        raise CatalogError("A criterion needs a title.")
    cleaned = _clean_levels(levels)
    _check_criterion(
        microcredential,
        title=title.strip(),
        passing_score=passing_score,
        levels=cleaned,
        evidence_type=evidence_type,
    )
    criterion.title = title.strip()
    criterion.description = description.strip()
    criterion.component = component
    criterion.evidence_type = evidence_type
    criterion.passing_score = passing_score
    if position is not None:
        criterion.position = position
    criterion.save()
    criterion.levels.all().delete()
    RubricLevel.objects.bulk_create(
        [
            RubricLevel(
                criterion=criterion, score=lv.score, label=lv.label, description=lv.description
            )
            for lv in cleaned
        ]
    )
    audit_record(
        actor=actor,
        action="rubric_criterion.updated",
        target=criterion,
        district=microcredential.district,
        detail={"title": criterion.title, "levels": [lv.score for lv in cleaned]},
    )
    return criterion


@transaction.atomic
def rubric_criterion_delete(*, criterion: RubricCriterion, actor: User) -> None:
    microcredential = criterion.rubric.microcredential
    _rubric_for_edit(microcredential, actor)
    audit_record(
        actor=actor,
        action="rubric_criterion.deleted",
        target=criterion,
        district=microcredential.district,
        detail={"title": criterion.title, "microcredential": microcredential.pk},
    )
    criterion.delete()


# --- stacks and evidence types --------------------------------------------------------------


def _unique_name_check(model: type, district: District, name: str, exclude_pk=None) -> str:
    name = name.strip()
    if not name:
        raise CatalogError("A name is required.")
    clash = model.objects.filter(district=district, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise CatalogError(f"“{name}” already exists in your district.")
    return name


@transaction.atomic
def stack_create(*, actor: User, name: str, description: str = "", color: str = "") -> Stack:
    _require_admin(actor, actor.district_id)
    district = actor.district
    stack = Stack.objects.create(
        district=district,
        name=_unique_name_check(Stack, district, name),
        description=description.strip(),
        **({"color": color} if color else {}),
    )
    audit_record(actor=actor, action="stack.created", target=stack, detail={"name": stack.name})
    return stack


@transaction.atomic
def stack_update(
    *, stack: Stack, actor: User, name: str, description: str = "", color: str = ""
) -> Stack:
    _require_admin(actor, stack.district_id)
    stack.name = _unique_name_check(Stack, stack.district, name, exclude_pk=stack.pk)
    stack.description = description.strip()
    if color:
        stack.color = color
    stack.save()
    audit_record(actor=actor, action="stack.updated", target=stack, detail={"name": stack.name})
    return stack


@transaction.atomic
def evidence_type_create(
    *, actor: User, name: str, description: str = "", accepts: str = EvidenceType.FileFamily.ANY
) -> EvidenceType:
    _require_admin(actor, actor.district_id)
    district = actor.district
    evidence_type = EvidenceType.objects.create(
        district=district,
        name=_unique_name_check(EvidenceType, district, name),
        description=description.strip(),
        accepts=accepts,
    )
    audit_record(
        actor=actor,
        action="evidence_type.created",
        target=evidence_type,
        detail={"name": evidence_type.name},
    )
    return evidence_type


@transaction.atomic
def evidence_type_update(
    *,
    evidence_type: EvidenceType,
    actor: User,
    name: str,
    description: str = "",
    accepts: str = EvidenceType.FileFamily.ANY,
) -> EvidenceType:
    _require_admin(actor, evidence_type.district_id)
    evidence_type.name = _unique_name_check(
        EvidenceType, evidence_type.district, name, exclude_pk=evidence_type.pk
    )
    evidence_type.description = description.strip()
    evidence_type.accepts = accepts
    evidence_type.save()
    audit_record(
        actor=actor,
        action="evidence_type.updated",
        target=evidence_type,
        detail={"name": evidence_type.name},
    )
    return evidence_type


# --- badge images ---------------------------------------------------------------------------


def microcredential_badge_image_set(
    *, microcredential: MicroCredential, image_png: bytes, actor: User
) -> MicroCredential:
    """Make ``image_png`` (checked and re-encoded by ``images.uploaded_badge_png``) the badge
    image of a catalog entry; awards issued from now on carry it, earlier ones keep theirs."""
    if not actor.has_role(Role.DISTRICT_ADMIN) or actor.district_id != microcredential.district_id:
        raise PermissionDenied("Only a district admin of this district can change its badges.")
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        _badge_image_store(entry, image_png, actor=actor)
    return entry


def _badge_image_store(entry: MicroCredential, image_png: bytes, *, actor: User) -> None:
    """Store the image as ``entry``'s badge; call inside the transaction that holds its row."""
    name = f"{entry.lineage}-v{entry.version}-{secrets.token_hex(4)}.png"
    entry.badge_image.save(name, ContentFile(image_png), save=False)
    entry.save(update_fields=["badge_image", "updated_at"])
    audit_record(
        actor=actor,
        action="microcredential.badge_image_set",
        target=entry,
        detail={"key": entry.badge_image.name},
    )


# --- packages: import, the state's catalog, adoption --------------------------------------


def _entry_from_package(
    *,
    district_id: int,
    package: dict[str, Any],
    actor: User,
    status: str,
    origin: str,
    lineage: Any = None,
    version: int = 1,
    adopted_from: StateCatalogEntry | None = None,
    adopted_version: int | None = None,
) -> MicroCredential:
    """A catalog row of ``district_id`` from a validated package: its stack and evidence types
    are the district's of the same name (made when it has none), its rubric is the package's."""
    stack = None
    if package["stack"]:
        stack, _ = Stack.objects.get_or_create(
            district_id=district_id,
            name=package["stack"]["name"],
            defaults={
                "description": package["stack"]["description"],
                "color": package["stack"]["color"],
            },
        )
    evidence = {}
    for item in package["evidence_types"]:
        evidence[item["name"]], _ = EvidenceType.objects.get_or_create(
            district_id=district_id,
            name=item["name"],
            defaults={"description": item["description"], "accepts": item["accepts"]},
        )
    fields = dict(package["entry"])
    for number in ("estimated_hours", "pd_points"):
        fields[number] = Decimal(fields[number])
    entry = MicroCredential.objects.create(
        district_id=district_id,
        status=status,
        origin=origin,
        created_by=actor,
        stack=stack,
        version=version,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
        adopted_from=adopted_from,
        adopted_version=adopted_version,
        **({"lineage": lineage} if lineage is not None else {}),
        **fields,
    )
    entry.evidence_types.set(evidence.values())
    rubric = Rubric.objects.create(
        microcredential=entry,
        passing_rule=package["rubric"]["passing_rule"],
        minimum_passing_criteria=package["rubric"]["minimum_passing_criteria"],
    )
    for position, item in enumerate(package["rubric"]["criteria"]):
        criterion = RubricCriterion.objects.create(
            rubric=rubric,
            position=position,
            title=item["title"],
            description=item["description"],
            component=item["component"],
            passing_score=item["passing_score"],
            evidence_type=evidence.get(item["evidence_type"]) if item["evidence_type"] else None,
        )
        RubricLevel.objects.bulk_create(
            [
                RubricLevel(
                    criterion=criterion,
                    score=level["score"],
                    label=level["label"],
                    description=level["description"],
                )
                for level in item["levels"]
            ]
        )
    return entry


def microcredential_import(*, actor: User, raw: bytes) -> MicroCredential:
    """A package file (ours, the state's, or another provider's) as a draft of the actor's
    district: check it, publish it when it reads right. Raises PackageError (every problem,
    nothing saved) or CatalogError."""
    _require_admin(actor, actor.district_id)
    package = package_loads(raw)
    with transaction.atomic():
        entry = _entry_from_package(
            district_id=actor.district_id,
            package=package,
            actor=actor,
            status=Status.DRAFT,
            origin=MicroCredential.Origin.PACKAGED,
        )
        audit_record(
            actor=actor,
            action="microcredential.imported",
            target=entry,
            to_status=Status.DRAFT,
            detail={"provider": package["provider"]["name"], "title": entry.title},
        )
    return entry


def _require_state_admin(actor: User, state_id: int) -> None:
    if not actor.has_role(Role.STATE_ADMIN) or actor.state_id != state_id:
        raise CatalogError("Only an admin of this state can change its catalog.")


def state_entry_publish(
    *, state: State, actor: User, package: dict[str, Any], note: str = ""
) -> StateCatalogEntry:
    """A new entry of the state's catalog, at version 1; every district of the state may adopt
    it. ``package`` is validated here (PackageError), as publishable: adopting it puts it
    straight into a district's published catalog."""
    _require_state_admin(actor, state.pk)
    package = package_validate(package, published=True)
    with transaction.atomic():
        entry = StateCatalogEntry.objects.create(
            state=state,
            title=package["entry"]["title"],
            stack_name=(package["stack"] or {}).get("name", ""),
            latest_version=1,
            created_by=actor,
        )
        StateCatalogVersion.objects.create(
            entry=entry, number=1, package=package, note=note.strip()[:300], published_by=actor
        )
        audit_record(
            actor=actor,
            action="state_catalog.published",
            target=entry,
            to_status="version 1",
            detail={"state": state.slug, "title": entry.title},
        )
    return entry


def state_entry_version_publish(
    *, state_entry: StateCatalogEntry, actor: User, package: dict[str, Any], note: str = ""
) -> StateCatalogVersion:
    """A new version of a state entry. Earlier versions stay as they were; the districts that
    adopted the entry are offered the new one (``adoption_offers``), never given it."""
    _require_state_admin(actor, state_entry.state_id)
    package = package_validate(package, published=True)
    with transaction.atomic():
        entry = StateCatalogEntry.objects.select_for_update().get(pk=state_entry.pk)
        latest = entry.versions.get(number=entry.latest_version)
        if not package_changes(latest.package, package):
            raise CatalogError("Nothing changed from the latest version; no version was made.")
        version = StateCatalogVersion.objects.create(
            entry=entry,
            number=entry.latest_version + 1,
            package=package,
            note=note.strip()[:300],
            published_by=actor,
        )
        from_version = entry.latest_version
        entry.latest_version = version.number
        entry.title = package["entry"]["title"]
        entry.stack_name = (package["stack"] or {}).get("name", "")
        entry.save(update_fields=["latest_version", "title", "stack_name"])
        audit_record(
            actor=actor,
            action="state_catalog.new_version",
            target=entry,
            from_status=f"version {from_version}",
            to_status=f"version {version.number}",
            detail={"changes": package_changes(latest.package, package)},
        )
    return version


def _require_admin_of_state_district(actor: User, state_entry: StateCatalogEntry) -> None:
    _require_admin(actor, actor.district_id)
    if actor.district is None or actor.district.state_id != state_entry.state_id:
        raise CatalogError("This entry belongs to another state's catalog.")


def _held_copy(*, district_id: int, state_entry: StateCatalogEntry) -> MicroCredential | None:
    """The district's copy of a state entry it still holds (a retired one does not count)."""
    return (
        MicroCredential.objects.filter(district_id=district_id, adopted_from=state_entry)
        .exclude(status__in=[Status.RETIRED, Status.SUPERSEDED])
        .first()
    )


def _package_for_adoption(
    state_entry: StateCatalogEntry, version: StateCatalogVersion
) -> tuple[dict | None, str]:
    """The package of a state version as a district's published entry reads it, or None and
    why not, in words: a version the state published before a check that refuses it now is
    not published by a district, which is not given a rubric its reviewers cannot score."""
    try:
        return package_validate(version.package, published=True), ""
    except PackageError as error:
        return None, (
            f"“{state_entry.title}” (the state's version {version.number}) cannot go into your "
            f"catalog as it is: {' '.join(error.problems)} Ask the state to publish a corrected "
            "version."
        )


def state_version_adoption_refusal(
    *, state_entry: StateCatalogEntry, version: StateCatalogVersion
) -> str:
    """Why a district cannot adopt ``version`` of ``state_entry``, or take it as an update, in
    words; empty when it can. Adoption refuses with it; the pages that offer it show it instead
    of the button."""
    return _package_for_adoption(state_entry, version)[1]


def _adoptable_package(state_entry: StateCatalogEntry, version: StateCatalogVersion) -> dict:
    package, refusal = _package_for_adoption(state_entry, version)
    if package is None:
        raise CatalogError(refusal)
    return package


def state_stack_adopt(*, stack_name: str, actor: User) -> list[MicroCredential]:
    """Every entry of one stack of the state's catalog that the district does not hold yet,
    adopted in one step (as ``state_entry_adopt`` adopts each)."""
    _require_admin(actor, actor.district_id)
    state_id = actor.district.state_id if actor.district else None
    entries = list(
        StateCatalogEntry.objects.filter(state_id=state_id, stack_name=stack_name.strip())
        .exclude(stack_name="")
        .order_by("title", "pk")
    )
    if not entries:
        raise CatalogError("Your state's catalog has no stack of this name.")
    with transaction.atomic():
        adopted = [
            state_entry_adopt(state_entry=entry, actor=actor)
            for entry in entries
            if _held_copy(district_id=actor.district_id, state_entry=entry) is None
        ]
    if not adopted:
        raise CatalogError(f"Every entry of “{stack_name}” is already in your catalog.")
    return adopted


def state_entry_adopt(*, state_entry: StateCatalogEntry, actor: User) -> MicroCredential:
    """The state entry's latest version into the actor's district catalog, published, in one
    step; once per district (a retired copy may be adopted again)."""
    _require_admin_of_state_district(actor, state_entry)
    with transaction.atomic():
        entry = StateCatalogEntry.objects.select_for_update().get(pk=state_entry.pk)
        held = _held_copy(district_id=actor.district_id, state_entry=entry)
        if held is not None:
            raise CatalogError(f"“{held.title}” is already in your catalog (adopted).")
        version = entry.versions.get(number=entry.latest_version)
        adopted = _entry_from_package(
            district_id=actor.district_id,
            package=_adoptable_package(entry, version),
            actor=actor,
            status=Status.PUBLISHED,
            origin=MicroCredential.Origin.PACKAGED,
            adopted_from=entry,
            adopted_version=version.number,
        )
        audit_record(
            actor=actor,
            action="microcredential.adopted",
            target=adopted,
            to_status=Status.PUBLISHED,
            detail={"state_entry": entry.pk, "state_version": version.number},
        )
    return adopted


def microcredential_adopted_update(
    *, microcredential: MicroCredential, actor: User
) -> MicroCredential:
    """Take the state's latest version of an adopted entry: a new published version of the
    district's lineage; the version in use is superseded and plans started on it keep it."""
    _require_admin(actor, microcredential.district_id)
    with transaction.atomic():
        entry = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
        if not entry.is_adopted:
            raise CatalogError(f"“{entry.title}” is your district's own entry, not the state's.")
        if not entry.is_published:
            raise CatalogError(
                f"Version {entry.version} of “{entry.title}” is "
                f"{entry.get_status_display().lower()}; only the published version is updated."
            )
        state_entry = StateCatalogEntry.objects.get(pk=entry.adopted_from_id)
        if entry.adopted_version >= state_entry.latest_version:
            raise CatalogError(f"“{entry.title}” is already at the state's latest version.")
        version = state_entry.versions.get(number=state_entry.latest_version)
        package = _adoptable_package(state_entry, version)
        latest = MicroCredential.objects.filter(lineage=entry.lineage).aggregate(v=Max("version"))
        entry.status = Status.SUPERSEDED
        entry.save(update_fields=["status", "updated_at"])
        new = _entry_from_package(
            district_id=entry.district_id,
            package=package,
            actor=actor,
            status=Status.PUBLISHED,
            origin=entry.origin,
            lineage=entry.lineage,
            version=latest["v"] + 1,
            adopted_from=state_entry,
            adopted_version=version.number,
        )
        if entry.badge_image:
            new.badge_image = entry.badge_image.name
            new.save(update_fields=["badge_image"])
        audit_record(
            actor=actor,
            action="microcredential.superseded",
            target=entry,
            from_status=Status.PUBLISHED,
            to_status=Status.SUPERSEDED,
            detail={"by_version": new.version, "by_id": new.pk},
        )
        audit_record(
            actor=actor,
            action="microcredential.adopted_update",
            target=new,
            to_status=Status.PUBLISHED,
            detail={
                "from_state_version": entry.adopted_version,
                "state_version": version.number,
                "from_version": entry.version,
            },
        )
    return new
