"""A plan's history, and what changed in its text, in the words of the plan page.

The history reads the text edits (``PlanRevision``), the educator's own moves (the audit log) and
what the apps above add through ``signals.history_asked`` (the panel's decisions and comments).
What changed between two moments is compared field by field, each value written out as text;
the conflict view, the history and the panel's later rounds (the plan's, and the evidence's
after a "not yet") read it from here.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import AuditEvent, DistrictGoal

from . import selectors
from .forms import PlanTextForm, ResultsForm
from .models import PlanSource, Submission
from .selectors import plan_snapshot
from .services import results_snapshot
from .signals import HistoryEntry, history_asked
from .transitions import EDUCATOR_MOVES

Status = Submission.Status

FIELD_LABELS: dict[str, str] = {
    **{name: str(label) for name, label in PlanTextForm.Meta.labels.items()},
    **{name: str(label) for name, label in ResultsForm.Meta.labels.items()},
    "sources": "Research sources",
}
# What an educator's move says in the history, by the status it led to.
MOVE_WORDS: dict[str, str] = {
    Status.DRAFT: "Started the plan.",
    **{move.to_status: move.done for move in EDUCATOR_MOVES.values()},
}


def describe(name: str, value: Any, goals: dict[int, str]) -> str:
    """A field's value as text, for showing two versions side by side."""
    if name == "district_goals":
        return "\n".join(goals.get(pk, f"Goal {pk}") for pk in value) or "(none chosen)"
    if name == "sources":
        return (
            "\n\n".join(
                f"{n}. {describe_source(source)}" for n, source in enumerate(value, start=1)
            )
            or "(no sources)"
        )
    if name == "setting":
        return dict(PlanTextForm.base_fields["setting"].choices).get(value, value) or "(empty)"
    return value or "(empty)"


def describe_source(source: dict | None) -> str:
    """One research source as text: its citation and kind, its link, what was learned."""
    if not source or not any(source.get(name) for name in ("citation", "url", "learned")):
        return "(empty)"
    kinds = dict(PlanSource.Kind.choices)
    kind = source.get("kind") or PlanSource.Kind.ARTICLE
    return (
        f"{source.get('citation', '')} ({kinds.get(kind, kind)})"
        + (f"\n{source['url']}" if source.get("url") else "")
        + (f"\nLearned: {source['learned']}" if source.get("learned") else "")
    )


@dataclass(frozen=True)
class FieldChange:
    """One field of two versions of a text: its label and both values as text."""

    name: str
    label: str
    before: str
    after: str


def text_changes(
    before: dict[str, Any], after: dict[str, Any], *, district_id: int, names=None
) -> list[FieldChange]:
    """The fields that differ between two snapshots (or ``names``, as given), as text."""
    if names is None:
        names = [name for name in after if before.get(name) != after[name]]
    goals = dict(DistrictGoal.objects.filter(district_id=district_id).values_list("pk", "title"))
    return [
        FieldChange(
            name=name,
            label=FIELD_LABELS.get(name, name),
            before=describe(name, before.get(name, ""), goals),
            after=describe(name, after[name], goals),
        )
        for name in names
    ]


def plan_changes_since(submission: Submission, moment: datetime) -> list[FieldChange] | None:
    """What changed in the shared plan text since ``moment`` (None: no text is known from
    then, e.g. a plan that was never edited through the editor)."""
    before = selectors.plan_text_at(submission.plan, moment)
    if before is None:
        return None
    return text_changes(before, plan_snapshot(submission.plan), district_id=submission.district_id)


def results_changes_since(submission: Submission, moment: datetime) -> list[FieldChange] | None:
    """What changed in the educator's results and reflection since ``moment`` (None: their
    text of then is not known)."""
    before = selectors.results_text_at(submission, moment)
    if before is None:
        return None
    return text_changes(before, results_snapshot(submission), district_id=submission.district_id)


def _changes_between(submission: Submission, start: datetime, end: datetime) -> list[FieldChange]:
    before = selectors.plan_text_at(submission.plan, start)
    after = selectors.plan_text_at(submission.plan, end)
    if before is None or after is None:
        return []
    return text_changes(before, after, district_id=submission.district_id)


def _edits(submission: Submission) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=revision.created_at,
            who=revision.author.display_name if revision.author else "A former member",
            what="Changed "
            + ", ".join(FIELD_LABELS.get(name, name) for name in revision.changed_fields)
            + ".",
            details=[f"Version {revision.version}."],
        )
        for revision in selectors.revisions_for_submission(submission)
    ]


def _moves(submission: Submission) -> list[HistoryEntry]:
    """The educator's own moves; a revised plan submitted again says what changed in it since
    the panel asked for changes."""
    events = AuditEvent.objects.filter(
        target_type=Submission._meta.label_lower, target_id=submission.pk
    ).exclude(to_status="")
    entries = []
    asked_at = None
    for event in events.order_by("created_at", "id"):
        if event.to_status == Status.CHANGES_REQUESTED:
            asked_at = event.created_at
        if event.actor_id != submission.educator_id or event.to_status not in MOVE_WORDS:
            continue
        answered = event.from_status == Status.CHANGES_REQUESTED and asked_at is not None
        entries.append(
            HistoryEntry(
                at=event.created_at,
                who=submission.educator.display_name,
                what=MOVE_WORDS[event.to_status],
                changes=_changes_between(submission, asked_at, event.created_at)
                if answered
                else [],
            )
        )
    return entries


def plan_history(submission: Submission) -> list[HistoryEntry]:
    """Everything that happened to the plan as its educator may read it, newest first."""
    entries = _edits(submission) + _moves(submission)
    for _receiver, answered in history_asked.send(sender=Submission, submission=submission):
        entries.extend(answered or [])
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
