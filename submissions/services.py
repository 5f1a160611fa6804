"""Writes of plans and the educator's moves of their submission.

Every status change goes through ``submissions.transitions.submission_move``; the functions here
check the educator's right first and add what the move needs (completeness, attempts, frozen
evidence, the review round asked for on commit). Evidence and reviews sit above this app: they
hear of attempts and review requests through ``signals``.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from accounts.models import DistrictGoal, Role, User
from accounts.services import audit_record
from credentials import services as catalog
from credentials.models import EvidenceType, MicroCredential
from credentials.selectors import counterpart_in, current_version
from microcreds.prepared import PreparedQuery
from outbox.services import mail_enqueue

from . import selectors
from .models import (
    PLAN_TEXT_FIELDS,
    RESULTS_FIELDS,
    SOURCE_FIELDS,
    Attempt,
    Plan,
    PlanRevision,
    PlanSource,
    Submission,
)
from .selectors import plan_snapshot
from .signals import attempt_opened, review_requested
from .transitions import TransitionError, submission_move

Status = Submission.Status

# Autosaves by the same person within this window are one entry of the history.
REVISION_WINDOW = timedelta(minutes=10)


class PlanError(Exception):
    """A refused write (start, edit, group change); its message is for the user."""


class IncompleteError(TransitionError):
    """A move refused because required parts are missing; ``missing`` lists them per component."""

    def __init__(self, message: str, missing: list[tuple[str, list[str]]]):
        super().__init__(message)
        self.missing = missing


class UnchangedError(TransitionError):
    """A plan sent back to the panel with nothing changed since its decision, unconfirmed; the
    message says so (``selectors.unchanged_since_decision``)."""


class SaveConflict(Exception):
    """A save made from an older version: nothing was written. Carries both texts."""

    def __init__(self, *, yours: dict, saved: dict, saved_version: int, fields: list[str]):
        super().__init__("This plan was changed elsewhere since you opened it.")
        self.yours = yours
        self.saved = saved
        self.saved_version = saved_version
        self.fields = fields


@dataclass
class SaveResult:
    version: int
    saved_at: datetime
    changed_fields: list[str] = field(default_factory=list)
    # The submission as the save found it (its plan the row it locked and saved), and the plan's
    # text as it stands now (``plan_snapshot``): what the reply shows, not read again.
    submission: Submission | None = None
    plan_text: dict[str, Any] | None = None
    # After a save from an older version that said what it changed (``TabEdits``): the values
    # the newer version holds where the tab sent others (for the tab to show), and the tab's own
    # text of each field changed both there and elsewhere, not saved, for the person to choose
    # (``"sources"``: by place in ``taken["sources"]``, or after it for one removed elsewhere).
    taken: dict[str, Any] = field(default_factory=dict)
    choices: dict[str, Any] = field(default_factory=dict)


_SOURCE_ROW = re.compile(r"^sources-(\d+)$")
EMPTY_SOURCE = {"citation": "", "kind": PlanSource.Kind.ARTICLE, "url": "", "learned": ""}


@dataclass
class TabEdits:
    """What one editor (tab) changed since the version it saved from, each field with the text
    it started from. Saved from an older version, only those fields are written, each where the
    newer version still has the text it started from; every other field stays as the newer
    version has it, and a field changed on both sides is left for the person to choose. A field
    named here whose text is still the one it started from is not changed here (the page
    without JavaScript names every field: it cannot tell which it changed).

    What "a field" is: each text; each district goal, chosen or not (two people choosing goals
    never clash); each research source as a whole (citation, kind, link, what was learned),
    found in the newer version by its text, or where that changed by its citation, never by its
    place alone (a source removed elsewhere moves the ones after it up). A source added here is
    added after those of the newer version."""

    bases: dict[str, Any]
    source_bases: dict[int, dict | None] = field(default_factory=dict)
    # The sources as posted, by place in the form (None: left empty); rows in ``invalid_rows``
    # did not validate and stay as stored. None: the rows are in doubt and stay as stored.
    source_rows: list[dict | None] | None = None
    invalid_rows: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, edited: dict[str, Any], *, source_rows=None, invalid_rows=()) -> "TabEdits":
        """From the editor's ``edited`` (field name: its text as the tab started from it; a
        source as "sources-<place in the form>": its four values, null when it was empty)."""
        bases, source_bases = {}, {}
        for name, base in edited.items():
            if match := _SOURCE_ROW.match(name):
                source_bases[int(match[1])] = base if isinstance(base, dict) else None
            else:
                bases[name] = base
        return cls(bases, source_bases, source_rows, set(invalid_rows))

    def rebased(self, saved: dict[str, Any], sent: dict[str, str]) -> "TabEdits":
        """These edits where the newer version (``saved``) is this tab's own last save, which
        sent ``sent`` (``_sent_fingerprints``): each field, and each source row, whose text the
        server still holds as the tab sent it starts from that text, so the tab's change to it
        is its own; a field where the server holds other text (changed elsewhere, left to
        choose) keeps the text the tab started from."""
        bases = {
            name: saved[name]
            if name in saved and sent.get(name) == _fingerprint(saved[name])
            else base
            for name, base in self.bases.items()
        }
        stored = {_fingerprint(_source_key(source)): source for source in saved.get("sources", ())}
        source_bases = {
            place: stored.get(sent.get(f"sources-{place}", ""), base)
            for place, base in self.source_bases.items()
        }
        return TabEdits(bases, source_bases, self.source_rows, self.invalid_rows)


# --- Starting a plan --------------------------------------------------------------------------


def _require_educator(actor: User, district_id: int) -> None:
    if not actor.has_role(Role.EDUCATOR) or actor.district_id != district_id:
        raise PlanError("Only an educator of this district can do this.")


def _plan_create(*, microcredential: MicroCredential, actor: User, title: str = "") -> Submission:
    plan = Plan.objects.create(
        district_id=actor.district_id, microcredential=microcredential, lead=actor, title=title
    )
    submission = Submission.objects.create(district_id=actor.district_id, plan=plan, educator=actor)
    audit_record(
        actor=actor,
        action="plan.start",
        target=submission,
        district=submission.district,
        to_status=Status.DRAFT,
        detail={"plan": plan.pk, "microcredential": microcredential.pk},
    )
    return submission


def plan_start(*, microcredential: MicroCredential, actor: User) -> tuple[Submission, bool]:
    """Start a plan on a published catalog entry; returns (submission, created).

    An educator who already has an open plan on the same entry gets that one back.
    """
    _require_educator(actor, microcredential.district_id)
    if microcredential.status == MicroCredential.Status.RETIRED:
        raise PlanError(
            f"“{microcredential.title}” has been retired from the catalog and no longer "
            "accepts new plans. Choose another micro-credential."
        )
    if microcredential.status != MicroCredential.Status.PUBLISHED:
        raise PlanError(
            f"“{microcredential.title}” is not published in the catalog; plans can only be "
            "started on published micro-credentials."
        )
    existing = selectors.open_submission_on(educator=actor, microcredential=microcredential)
    if existing is not None:
        return existing, False
    with transaction.atomic():
        return _plan_create(microcredential=microcredential, actor=actor), True


def submission_renewal_start(*, earned: Submission, actor: User) -> tuple[Submission, bool]:
    """Start the renewal of ``earned`` (the educator's own earned submission whose award is to
    be renewed; whether it may be renewed now is the award's to say, ``badges``); returns
    (renewal, created). A renewal already under way is returned instead of a second one.

    The renewal is a plan of its own on the entry's published version, its text carried over
    from the plan earned (the educator edits it where the renewal asks). By a shortened plan
    (``MicroCredential.renewal_components``) that plan was approved already: the renewal starts
    in progress and asks for those components and fresh evidence; re-earned fully, it starts as
    a draft and goes through pre-approval again. Either way the same review follows.
    """
    _require_educator(actor, earned.district_id)
    if earned.educator_id != actor.pk:
        raise PlanError("Only the educator who earned this micro-credential can renew it.")
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).get(pk=earned.pk)
        if locked.status != Status.EARNED:
            raise PlanError("Only an earned micro-credential can be renewed.")
        existing = locked.renewals.exclude(status__in=list(selectors.CLOSED_STATUSES)).first()
        if existing is not None:
            return existing, False
        old_plan = locked.plan
        microcredential = current_version(old_plan.microcredential)
        if microcredential is None:
            raise PlanError(
                f"“{old_plan.microcredential.title}” is no longer in the catalog, so it cannot "
                "be renewed. Its award stays valid until its date."
            )
        plan = Plan.objects.create(
            district_id=locked.district_id,
            microcredential=microcredential,
            lead=actor,
            **{name: getattr(old_plan, name) for name in PLAN_TEXT_FIELDS},
        )
        plan.district_goals.set(old_plan.district_goals.all())
        PlanSource.objects.bulk_create(
            PlanSource(
                plan=plan,
                position=source.position,
                **{name: getattr(source, name) for name in SOURCE_FIELDS},
            )
            for source in old_plan.sources.all()
        )
        shortened = bool(microcredential.renewal_components)
        renewal = Submission.objects.create(
            district_id=locked.district_id,
            plan=plan,
            educator=actor,
            renews=locked,
            first_earned_at=locked.first_earned_at or locked.decided_at,
            status=Status.IN_PROGRESS if shortened else Status.DRAFT,
            # By a shortened plan, the plan carried over was approved when it was earned.
            plan_decided_at=locked.plan_decided_at if shortened else None,
        )
        audit_record(
            actor=actor,
            action="submission.renewal_start",
            target=renewal,
            district=renewal.district,
            to_status=renewal.status,
            detail={
                "renews": locked.pk,
                "plan": plan.pk,
                "microcredential": microcredential.pk,
                "renewal_plan": microcredential.renewal_plan,
            },
        )
    return renewal, True


def _proposal_criteria(criteria: list[str]) -> list[str]:
    criteria = [c.strip() for c in criteria if c.strip()]
    if not criteria:
        raise PlanError("Propose at least one criterion the panel will judge the evidence by.")
    return criteria


def plan_propose(
    *,
    actor: User,
    title: str,
    competency: str,
    evidence_types: list[EvidenceType],
    proposed_evidence: str,
    criteria: list[str],
) -> Submission:
    """The educator proposes their own micro-credential; the panel approves it with the plan."""
    _require_educator(actor, actor.district_id)
    criteria = _proposal_criteria(criteria)
    try:
        with transaction.atomic():
            microcredential = catalog.microcredential_propose(
                actor=actor,
                title=title,
                competency=competency,
                criteria=criteria,
                evidence_types=evidence_types,
                submission_guidelines=proposed_evidence,
            )
            return _plan_create(microcredential=microcredential, actor=actor)
    except catalog.CatalogError as error:
        raise PlanError(str(error)) from error


def plan_proposal_change(
    *,
    submission: Submission,
    actor: User,
    title: str,
    competency: str,
    evidence_types: list[EvidenceType],
    proposed_evidence: str,
    criteria: list[str],
) -> MicroCredential:
    """The lead changes the micro-credential they proposed with the plan, while the plan is
    theirs to edit: before it is submitted, or after the panel asked for changes."""
    if submission.educator_id != actor.pk or submission.plan.lead_id != actor.pk:
        raise PlanError("Only the educator who proposed this micro-credential can change it.")
    criteria = _proposal_criteria(criteria)
    try:
        with transaction.atomic():
            # Serialised with submitting the plan, which locks the same row.
            plan = Plan.objects.select_for_update().get(pk=submission.plan_id)
            locked = Submission.objects.get(pk=submission.pk)
            if not selectors.can_edit_plan(locked):
                raise PlanError(
                    "The proposal changes with the plan: only while the plan is a draft or "
                    "the panel has asked for changes."
                )
            return catalog.microcredential_proposal_update(
                microcredential=plan.microcredential,
                actor=actor,
                title=title,
                competency=competency,
                submission_guidelines=proposed_evidence,
                criteria=criteria,
                evidence_types=evidence_types,
            )
    except catalog.CatalogError as error:
        raise PlanError(str(error)) from error


# --- Saving text (autosave) -------------------------------------------------------------------


def results_snapshot(submission: Submission) -> dict[str, Any]:
    return {name: getattr(submission, name) for name in RESULTS_FIELDS}


def _editor_key(kind: str, pk: int) -> str:
    return f"autosave:{kind}:{pk}"


def _against_latest(
    kind, pk, *, saved_version, version, editor_token, before, posted, edits, merge
) -> tuple[dict, dict, list]:
    """What a save writes, the per-field choices it leaves, and the fields it changes. A save
    made from an older version (by another tab or device than the latest save's) is refused as a
    whole conflict when it does not say which fields its tab changed (no JavaScript, or a page
    older than that); when it does, ``merge(edits)`` applies only those.

    A save from an older version whose tab made the latest save itself (its answer never came
    back: the tab went offline, or closed and sent its text once more) is merged too, each field
    starting from the text the tab last sent where the server still holds it: its own changes
    go in without asking, and what another tab or device wrote to the fields it did not change
    stays."""
    changed = _changed(before, posted)
    if not changed or version == saved_version:
        return posted, {}, changed
    sent = _own_latest_save(kind, pk, saved_version, editor_token)
    if edits is None:
        if sent is not None:
            return posted, {}, changed
        raise SaveConflict(yours=posted, saved=before, saved_version=saved_version, fields=changed)
    if sent is not None:
        edits = edits.rebased(before, sent)
    after, choices = merge(edits)
    return after, choices, _changed(before, after)


def _fingerprint(value: Any) -> str:
    """A short digest of a field's value as two versions are compared (see ``_text``)."""
    return hashlib.blake2b(
        json.dumps(_text(value), sort_keys=True, default=str).encode(), digest_size=8
    ).hexdigest()


def _sent_fingerprints(posted: dict, edits: "TabEdits | None") -> dict[str, str]:
    """What a save sent, field by field, as fingerprints: each text and the goals; each source
    row by its place in the tab's form."""
    sent = {name: _fingerprint(value) for name, value in posted.items() if name != "sources"}
    for place, row in enumerate((edits.source_rows or ()) if edits else ()):
        if row is not None:
            sent[f"sources-{place}"] = _fingerprint(_source_key(row))
    return sent


def _own_latest_save(kind: str, pk: int, version: int, editor_token: str) -> dict | None:
    """When the version the server holds was saved by this same editor (tab), what that save
    sent (``_sent_fingerprints``); else None."""
    if not editor_token:
        return None
    entry = cache.get(_editor_key(kind, pk))
    if not entry or entry.get("version") != version or entry.get("token") != editor_token:
        return None
    return entry.get("sent") or {}


def _remember_editor(
    kind: str, pk: int, version: int, editor_token: str, sent: dict[str, str]
) -> None:
    if editor_token:
        key = _editor_key(kind, pk)
        value = {"version": version, "token": editor_token, "sent": sent}
        transaction.on_commit(lambda: cache.set(key, value, timeout=60 * 60 * 24))


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def _snapshot_names():
    # PostgreSQL lists a snapshot's names; elsewhere (the embedded default's SQLite) the
    # snapshot itself is read.
    if connection.vendor == "postgresql":
        return RawSQL(
            "CASE WHEN jsonb_typeof(snapshot) = 'object' "
            "THEN ARRAY(SELECT jsonb_object_keys(snapshot)) END",
            (),
        )
    return F("snapshot")


def _text(value: Any) -> Any:
    """A value as two versions are compared: a text without the line endings and the outer
    spaces the browser adds and the form's cleaning takes away."""
    if value is None:
        return ""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _merge_texts(
    names: list[str], before: dict, posted: dict, bases: dict
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The newer version (``before``) with the tab's changed texts where it still has the text
    they started from; and the tab's text of each field changed on both sides."""
    merged, choices = {}, {}
    for name in names:
        merged[name] = saved = before[name]
        mine = posted[name]
        if name not in bases or _text(mine) in (_text(saved), _text(bases[name])):
            continue  # not changed here, or changed alike on both sides
        if _text(bases[name]) == _text(saved):
            merged[name] = mine
        else:
            choices[name] = mine
    return merged, choices


def _merge_goals(saved: list[int], posted: list[int], base: Any) -> list[int]:
    """The goals chosen in the newer version, with those the tab chose or unchose itself."""
    if not isinstance(base, list):
        return saved
    try:
        started = {int(pk) for pk in base}
    except (TypeError, ValueError):
        return saved
    mine = set(posted)
    return sorted((set(saved) - (started - mine)) | (mine - started))


def _source_key(source: dict | None) -> tuple:
    return tuple(_text((source or EMPTY_SOURCE).get(name)) for name in SOURCE_FIELDS)


def _source_filled(source: dict | None) -> bool:
    return bool(source) and any(_text(source.get(name)) for name in ("citation", "url", "learned"))


def _pair_sources(started: list[dict], saved: list[dict]) -> list[int | None]:
    """For each source the tab started from, in a stretch of the list changed elsewhere, the
    place of its counterpart among the saved ones of that stretch: the one with the same
    citation, else the next one left in order; None when none is left (removed elsewhere)."""
    pairs: list[int | None] = [None] * len(started)
    free = list(range(len(saved)))
    for index, base in enumerate(started):
        for place in free:
            if _text(saved[place].get("citation")) == _text(base.get("citation")):
                pairs[index] = place
                free.remove(place)
                break
    for index in range(len(started)):
        if pairs[index] is None and free:
            pairs[index] = free.pop(0)
    return pairs


def _merge_sources(saved: list[dict], edits: TabEdits) -> tuple[list[dict], dict[int, dict]]:
    """The sources of the newer version with the tab's changes to them, and, by place in that
    list, the tab's text of each source changed both here and elsewhere (one removed elsewhere
    is placed after the list: choosing the tab's text adds it again)."""
    rows = edits.source_rows
    if rows is None or not edits.source_bases:
        return saved, {}
    started: list[tuple[dict, dict | None]] = []  # (as the tab knew it, as the tab has it)
    added = []
    for place, posted in enumerate(rows):
        if place in edits.source_bases:
            base = edits.source_bases[place]
            mine = base if place in edits.invalid_rows else posted
        elif place in edits.invalid_rows:
            continue
        else:
            base = mine = posted
        if _source_filled(base):
            started.append((base, mine))
        elif _source_filled(mine):
            added.append(mine)
    # Which source of the newer version each one the tab started from is: the same text, one
    # changed in its place, or none (removed).
    matcher = SequenceMatcher(
        None,
        [_source_key(base) for base, _ in started],
        [_source_key(source) for source in saved],
        autojunk=False,
    )
    replaced: dict[int, dict | None] = {}
    clashes: list[tuple[int | None, dict]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs: list[int | None] = list(range(j1, j2))
        else:
            pairs = [
                None if place is None else j1 + place
                for place in _pair_sources([base for base, _ in started[i1:i2]], saved[j1:j2])
            ]
        for offset, there in enumerate(pairs):
            base, mine = started[i1 + offset]
            filled = _source_filled(mine)
            if filled and _source_key(mine) == _source_key(base):
                continue  # not changed here
            if tag == "equal":
                replaced[there] = mine if filled else None
                continue
            if there is None and not filled:
                continue  # removed on both sides
            if there is not None and filled and _source_key(mine) == _source_key(saved[there]):
                continue  # changed alike on both sides
            clashes.append((there, mine if filled else dict(EMPTY_SOURCE)))
    merged, place_of = [], {}
    for place, source in enumerate(saved):
        if place in replaced:
            if replaced[place] is None:
                continue
            source = replaced[place]
        place_of[place] = len(merged)
        merged.append(source)
    kept = {_source_key(source) for source in merged}
    for source in added:
        if _source_key(source) not in kept:
            kept.add(_source_key(source))
            merged.append(source)
    choices, spare = {}, len(merged)
    for there, mine in clashes:
        if there is None:
            choices[spare], spare = mine, spare + 1
        else:
            choices[place_of[there]] = mine
    return merged, choices


def _merge_plan(before: dict, posted: dict, edits: TabEdits) -> tuple[dict, dict]:
    merged, choices = _merge_texts(PLAN_TEXT_FIELDS, before, posted, edits.bases)
    merged["district_goals"] = _merge_goals(
        before["district_goals"], posted["district_goals"], edits.bases.get("district_goals")
    )
    merged["sources"], source_choices = _merge_sources(before["sources"], edits)
    if source_choices:
        choices["sources"] = source_choices
    return merged, choices


def _taken(after: dict, posted: dict, choices: dict) -> dict[str, Any]:
    """The values the save holds where the tab sent others; all the sources when one is left
    to choose (the choice names its place in them)."""
    taken = {name: after[name] for name in after if after[name] != posted[name]}
    if "sources" in choices:
        taken["sources"] = after["sources"]
    return taken


# Read by every autosave, so built once per process (microcreds.prepared): the plan, locked;
# its members' submissions; and its last revision's fields and the names in its snapshot, not
# the whole text it holds.
_locked_plan = PreparedQuery(lambda pk: Plan.objects.select_for_update().filter(pk=pk), int)
_plan_submissions = PreparedQuery(lambda plan_id: Submission.objects.filter(plan_id=plan_id), int)
_last_revision = PreparedQuery(
    lambda plan_id: (
        PlanRevision.objects.filter(plan_id=plan_id)
        .order_by("-created_at", "-id")
        .annotate(snapshot_names=_snapshot_names())
        .values_list(
            "pk", "author_id", "submission_id", "created_at", "changed_fields", "snapshot_names"
        )[:1]
    ),
    int,
)


def _revision_record(
    *,
    plan: Plan,
    submission: Submission,
    actor: User,
    version: int,
    changed: list[str],
    snapshot: dict,
) -> None:
    """Append to the history, folding rapid autosaves by one person into one entry; never across
    a move of the submission (the text the panel read stays on record as it was)."""
    now = timezone.now()
    on_postgresql = connection.vendor == "postgresql"
    last = _last_revision.first(plan.pk)
    if last is not None:
        pk, author_id, submission_id, created_at, last_changed, snapshot_names = last
        if on_postgresql:
            snapshot_keys = set(snapshot_names or ())
        else:
            # A snapshot that is not an object has no names.
            snapshot_keys = set(snapshot_names) if isinstance(snapshot_names, dict) else set()
        if (
            author_id == actor.pk
            and submission_id == submission.pk
            and now - created_at < REVISION_WINDOW
            and created_at >= submission.status_changed_at
            and snapshot_keys == set(snapshot)
        ):
            merged = list(dict.fromkeys([*last_changed, *changed]))
            PlanRevision.objects.filter(pk=pk).update(
                version=version, changed_fields=merged, snapshot=snapshot, created_at=now
            )
            return
    PlanRevision.objects.create(
        plan=plan,
        submission=submission,
        author=actor,
        version=version,
        changed_fields=changed,
        snapshot=snapshot,
    )


def plan_text_save(
    *,
    submission: Submission,
    values: dict[str, Any],
    district_goals: list[DistrictGoal],
    sources: list[dict[str, Any]],
    version: int,
    actor: User,
    editor_token: str = "",
    edits: TabEdits | None = None,
) -> SaveResult:
    """Save the shared plan text the educator edited from ``version``.

    If the plan moved on since that version: with ``edits``, saves only what the tab changed,
    where the newer version still has the text it started from, and returns what the newer
    version holds and what is left to choose (``SaveResult.taken``, ``choices``); without,
    raises SaveConflict (nothing written) if the text differs. Raises PlanError if the plan may
    not be edited now.
    """
    if submission.educator_id != actor.pk:
        raise PlanError("Only members of this plan can edit its text.")
    if any(goal.district_id != submission.district_id for goal in district_goals):
        raise PlanError("Choose goals of your own district.")
    with transaction.atomic():
        plan = _locked_plan.first(submission.plan_id)
        if plan is None:
            raise Plan.DoesNotExist(f"No plan {submission.plan_id}.")
        # Every member's submission, read once: this one's status and the group's.
        submissions = _plan_submissions.all(plan.pk)
        current = next(s for s in submissions if s.pk == submission.pk)
        current.plan = plan  # the locked row, not read a second time
        text_editable = selectors.plan_text_editable(s.status for s in submissions)
        if not selectors.plan_editing(current, text_editable=text_editable)[0]:
            raise PlanError(
                "The plan text can no longer be edited: it is under review or approved "
                f"(your plan is “{current.get_status_display()}”)."
            )
        selectors.read_plan_text_lists(plan)
        before = plan_snapshot(plan)
        posted = {name: values.get(name, "") for name in PLAN_TEXT_FIELDS}
        posted["district_goals"] = sorted(goal.pk for goal in district_goals)
        posted["sources"] = [
            {name: source.get(name, "") for name in SOURCE_FIELDS} for source in sources
        ]
        after, choices, changed = _against_latest(
            "plan",
            plan.pk,
            saved_version=plan.version,
            version=version,
            editor_token=editor_token,
            before=before,
            posted=posted,
            edits=edits,
            merge=lambda edits: _merge_plan(before, posted, edits),
        )
        taken = _taken(after, posted, choices)
        if not changed:
            return SaveResult(
                version=plan.version,
                saved_at=plan.updated_at,
                submission=current,
                plan_text=before,
                taken=taken,
                choices=choices,
            )
        for name in PLAN_TEXT_FIELDS:
            setattr(plan, name, after[name])
        plan.version += 1
        plan.full_clean(exclude=["district", "microcredential", "lead"])
        # The row is locked and read above: what did not change is already stored.
        plan.save(
            update_fields=[
                *(name for name in PLAN_TEXT_FIELDS if name in changed),
                "version",
                "updated_at",
            ]
        )
        if "district_goals" in changed:
            plan.district_goals.set(after["district_goals"])
        if "sources" in changed:
            plan.sources.all().delete()
            new_sources = [
                PlanSource(plan=plan, position=position, **source)
                for position, source in enumerate(after["sources"])
            ]
            for source in new_sources:
                source.full_clean(exclude=["plan"])
            PlanSource.objects.bulk_create(new_sources)
        _revision_record(
            plan=plan,
            submission=current,
            actor=actor,
            version=plan.version,
            changed=changed,
            snapshot=after,
        )
        _remember_editor(
            "plan", plan.pk, plan.version, editor_token, _sent_fingerprints(posted, edits)
        )
        return SaveResult(
            version=plan.version,
            saved_at=plan.updated_at,
            changed_fields=changed,
            submission=current,
            plan_text=after,
            taken=taken,
            choices=choices,
        )


def submission_results_save(
    *,
    submission: Submission,
    values: dict[str, Any],
    version: int,
    actor: User,
    editor_token: str = "",
    edits: TabEdits | None = None,
) -> SaveResult:
    """Save the educator's own results, reflection and sharing notes (after implementation);
    from an older version, as ``plan_text_save`` does."""
    if submission.educator_id != actor.pk:
        raise PlanError("Only the educator of this plan can write its results.")
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if not selectors.can_edit_results(current):
            raise PlanError(
                "Results and reflection can be written while the work is in progress or after "
                f"a “Not yet”; this plan is “{current.get_status_display()}”."
            )
        before = results_snapshot(current)
        posted = {name: values.get(name, "") for name in RESULTS_FIELDS}
        after, choices, changed = _against_latest(
            "results",
            current.pk,
            saved_version=current.version,
            version=version,
            editor_token=editor_token,
            before=before,
            posted=posted,
            edits=edits,
            merge=lambda edits: _merge_texts(RESULTS_FIELDS, before, posted, edits.bases),
        )
        taken = _taken(after, posted, choices)
        if not changed:
            return SaveResult(
                version=current.version,
                saved_at=current.status_changed_at,
                taken=taken,
                choices=choices,
            )
        for name in RESULTS_FIELDS:
            setattr(current, name, after[name])
        current.version += 1
        current.full_clean(exclude=["district", "plan", "educator"])
        current.save(update_fields=[*RESULTS_FIELDS, "version"])
        _revision_record(
            plan=current.plan,
            submission=current,
            actor=actor,
            version=current.version,
            changed=changed,
            snapshot=after,
        )
        _remember_editor(
            "results",
            current.pk,
            current.version,
            editor_token,
            _sent_fingerprints(posted, edits),
        )
        return SaveResult(
            version=current.version,
            saved_at=timezone.now(),
            changed_fields=changed,
            taken=taken,
            choices=choices,
        )


# --- Groups -----------------------------------------------------------------------------------


def plan_member_add(*, submission: Submission, colleague: User, actor: User) -> Submission:
    """The lead adds a colleague of the same district to the plan, with their own submission."""
    plan = submission.plan
    if actor.pk != plan.lead_id or submission.educator_id != actor.pk:
        raise PlanError("Only the lead of this plan can invite colleagues.")
    if colleague.district_id == plan.district_id and not colleague.is_active:
        raise PlanError(
            f"{colleague.display_name}’s account is deactivated, so they could not sign in to "
            "work on this plan. A district admin can reactivate it on the People page."
        )
    if colleague.district_id != plan.district_id or not colleague.has_role(Role.EDUCATOR):
        raise PlanError("Only educators of your district can join this plan.")
    if colleague.pk == actor.pk:
        raise PlanError("You are already on this plan.")
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)
        if Submission.objects.filter(plan=plan, educator=colleague).exists():
            raise PlanError(f"{colleague.display_name} is already on this plan.")
        if not selectors.plan_is_editable(plan):
            raise PlanError("Colleagues can join only while the plan is being drafted.")
        added = Submission.objects.create(
            district_id=plan.district_id, plan=plan, educator=colleague
        )
        audit_record(
            actor=actor,
            action="plan.member_add",
            target=added,
            district=added.district,
            to_status=Status.DRAFT,
            detail={"plan": plan.pk, "member": colleague.pk},
        )
        link = settings.SITE_URL + reverse("submissions:detail", kwargs={"pk": added.pk})
        subject = f"{actor.display_name} added you to a micro-credential plan"
        text = (
            f"{actor.display_name} added you to the group plan “{plan}”.\n\n"
            f"You share the plan text; your evidence, reflection and decision are your own.\n"
            f"Open it: {link}\n"
        )
        mail_enqueue(to=[colleague.email], subject=subject, text=text)
    return added


# --- The educator's moves ---------------------------------------------------------------------


def _require_owner(submission: Submission, actor: User) -> None:
    if submission.educator_id != actor.pk or not actor.has_role(Role.EDUCATOR):
        raise TransitionError("Only the educator of this plan can do this.")


def _queue_review(stage: str):
    def callback(submission: Submission) -> None:
        review_requested.send(sender=Submission, submission=submission, stage=stage)

    return callback


def _require_revised(locked: Submission, *, send_unchanged: bool, detail: dict) -> None:
    """Sending the plan back to the panel with nothing changed since its decision needs the
    educator's confirmation (``send_unchanged``): the panel may have asked only for an
    explanation. The audit entry says it went unchanged."""
    message = selectors.unchanged_since_decision(locked)
    if not message:
        return
    if not send_unchanged:
        raise UnchangedError(message)
    detail["sent_unchanged"] = True


def submission_submit_plan(
    *, submission: Submission, actor: User, send_unchanged: bool = False
) -> Submission:
    """Draft or changes requested → plan submitted, once the plan is complete; after changes
    were requested, unchanged only when the educator confirms it (``send_unchanged``)."""
    _require_owner(submission, actor)
    detail: dict = {}

    def check(locked: Submission) -> list[str]:
        plan = Plan.objects.select_for_update().get(pk=locked.plan_id)
        if plan.microcredential.status == MicroCredential.Status.RETIRED:
            raise TransitionError(
                f"“{plan.microcredential.title}” has been retired from the catalog; this plan "
                "can no longer be submitted."
            )
        missing = selectors.plan_missing(plan)
        if missing:
            raise IncompleteError("The plan is not complete yet.", missing)
        locked.plan = plan
        _require_revised(locked, send_unchanged=send_unchanged, detail=detail)
        return []

    return submission_move(
        submission_id=submission.pk,
        to_status=Status.PLAN_SUBMITTED,
        actor=actor,
        action="submission.submit_plan",
        detail=detail,
        before_save=check,
        side_effects=_queue_review("plan"),
    )


def submission_start_work(*, submission: Submission, actor: User) -> Submission:
    """Plan approved → in progress."""
    _require_owner(submission, actor)
    return submission_move(
        submission_id=submission.pk,
        to_status=Status.IN_PROGRESS,
        actor=actor,
        action="submission.start_work",
    )


def _attempt_open(locked: Submission) -> list[str]:
    """Check the results are complete, open the next attempt and freeze its evidence."""
    missing = selectors.results_missing(locked)
    if missing:
        labels = [label.lower() for label, _ in missing]
        parts = " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
        raise IncompleteError(f"Not ready for review yet: see what {parts} still need.", missing)
    number = locked.attempt_count + 1
    attempt = Attempt.objects.create(submission=locked, number=number)
    attempt_opened.send(sender=Attempt, attempt=attempt)
    locked.attempt_count = number
    return ["attempt_count"]


def submission_submit_for_review(*, submission: Submission, actor: User) -> Submission:
    """In progress → submitted for review: the first attempt, with its evidence frozen."""
    _require_owner(submission, actor)
    return submission_move(
        submission_id=submission.pk,
        to_status=Status.SUBMITTED_FOR_REVIEW,
        actor=actor,
        action="submission.submit_for_review",
        before_save=_attempt_open,
        side_effects=_queue_review("final"),
    )


def submission_resubmit(
    *, submission: Submission, actor: User, send_unchanged: bool = False
) -> Submission:
    """Not yet → resubmitted: a new attempt, within the district's limit of attempts; unchanged
    since the "not yet" only when the educator confirms it (``send_unchanged``)."""
    _require_owner(submission, actor)
    detail: dict = {}

    def check(locked: Submission) -> list[str]:
        if locked.attempts_left == 0:
            raise TransitionError(
                f"You have used all {locked.district.max_attempts} attempts your district allows "
                "for a micro-credential."
            )
        _require_revised(locked, send_unchanged=send_unchanged, detail=detail)
        return _attempt_open(locked)

    return submission_move(
        submission_id=submission.pk,
        to_status=Status.RESUBMITTED,
        actor=actor,
        action="submission.resubmit",
        detail=detail,
        before_save=check,
        side_effects=_queue_review("final"),
    )


def submission_withdraw(*, submission: Submission, actor: User) -> Submission:
    """The educator leaves the plan (any open status the table allows)."""
    _require_owner(submission, actor)
    return submission_move(
        submission_id=submission.pk,
        to_status=Status.WITHDRAWN,
        actor=actor,
        action="submission.withdraw",
    )


# --- Moving to another district -----------------------------------------------------------------


def submission_close_on_move(*, submission_id: int, actor: User) -> Submission:
    """Close a plan its educator (``actor``) had under way in a district they have just left
    (``people.services.person_move``, inside its transaction): the plan stays with that
    district's records, nobody there waits for it any more (the reviews side cancels its open
    rounds, hearing the move), and its educator reads it from their new district and may start
    it again there (``submission_carry_over``). Neither withdrawn nor declined: no report counts
    it as given up or failed."""
    with transaction.atomic():
        submission = Submission.objects.select_related("district").get(pk=submission_id)
        if submission.educator_id != actor.pk or actor.district_id == submission.district_id:
            raise TransitionError(
                "A plan is closed this way only when its educator leaves its district."
            )
        return submission_move(
            submission_id=submission.pk,
            to_status=Status.LEFT_DISTRICT,
            actor=actor,
            action="submission.close_on_move",
            detail={"to_district": actor.district_id},
        )


def submission_carry_over(*, left: Submission, actor: User) -> tuple[Submission, bool]:
    """Start again, in the educator's present district, a plan their move closed in the
    district they left; returns (the new submission, created).

    The new plan is a draft of the new district, made as any plan is: on the district's own
    entry of the same micro-credential (its lineage, or adopted from the same state entry),
    else as the educator's own proposal of it. It takes the educator's written text (the plan's
    components and research sources, their results and reflection), never the evidence nor
    the panel's decisions and comments: those stay the old district's records. Started again
    once; asking again gives that plan back while it is open."""
    if left.educator_id != actor.pk:
        raise PlanError("Only the educator of this plan can start it again.")
    if left.status != Status.LEFT_DISTRICT:
        raise PlanError(
            "Only a plan closed when you moved to another district can be started again there."
        )
    _require_educator(actor, actor.district_id)
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("plan__microcredential")
            .get(pk=left.pk)
        )
        again = (
            locked.carried_into.filter(district_id=actor.district_id)
            .exclude(status__in=list(selectors.CLOSED_STATUSES))
            .first()
        )
        if again is not None:
            return again, False
        old_plan, old_entry = locked.plan, locked.plan.microcredential
        entry = counterpart_in(old_entry, district_id=actor.district_id)
        if entry is not None:
            submission, created = plan_start(microcredential=entry, actor=actor)
            if not created:
                # A plan on this micro-credential is under way here already: that one goes on.
                return submission, False
        else:
            rubric = getattr(old_entry, "rubric", None)
            criteria = [c.title for c in rubric.criteria.all()] if rubric else []
            submission = plan_propose(
                actor=actor,
                title=old_entry.title,
                competency=old_entry.competency,
                evidence_types=EvidenceType.objects.filter(
                    district_id=actor.district_id,
                    name__in=[kind.name for kind in old_entry.evidence_types.all()],
                ),
                proposed_evidence=old_entry.submission_guidelines,
                criteria=criteria or [old_entry.title],
            )
        plan = submission.plan
        for name in PLAN_TEXT_FIELDS:
            setattr(plan, name, getattr(old_plan, name))
        plan.save(update_fields=[*PLAN_TEXT_FIELDS, "updated_at"])
        PlanSource.objects.bulk_create(
            PlanSource(
                plan=plan,
                position=source.position,
                **{name: getattr(source, name) for name in SOURCE_FIELDS},
            )
            for source in old_plan.sources.all()
        )
        for name in RESULTS_FIELDS:
            setattr(submission, name, getattr(locked, name))
        submission.carried_from = locked
        submission.save(update_fields=[*RESULTS_FIELDS, "carried_from"])
        PlanRevision.objects.create(
            plan=plan,
            submission=submission,
            author=actor,
            version=plan.version,
            changed_fields=[*PLAN_TEXT_FIELDS, "sources"],
            snapshot=plan_snapshot(plan),
        )
        audit_record(
            actor=actor,
            action="submission.carry_over",
            target=submission,
            district=submission.district,
            to_status=submission.status,
            detail={"carried_from": locked.pk, "microcredential": plan.microcredential_id},
        )
    return submission, True


# The service behind each of the educator's moves (their table: ``transitions.EDUCATOR_MOVES``).
EDUCATOR_MOVE_SERVICES = {
    "submit_plan": submission_submit_plan,
    "start_work": submission_start_work,
    "submit_for_review": submission_submit_for_review,
    "resubmit": submission_resubmit,
    "withdraw": submission_withdraw,
}
