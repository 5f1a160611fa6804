"""Reads of plans and submissions: above all, what this user may see, and what is missing."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from accounts import selectors as accounts_selectors
from accounts.models import District, DistrictGoal, User, person_name
from microcreds.prepared import PreparedQuery, as_prefetched
from programs.models import ProgramCycle
from programs.selectors import cycles_in_order

from .models import (
    PLAN_TEXT_FIELDS,
    SOURCE_FIELDS,
    Component,
    Plan,
    PlanRevision,
    PlanSource,
    Submission,
)
from .signals import (
    PageSection,
    dashboard_shown,
    plan_page_shown,
    results_checked,
    revisions_checked,
)
from .transitions import EDUCATOR_MOVES, FINAL_STATUSES, may_move

Status = Submission.Status

MIN_SOURCES = 3

# Statuses in which the shared plan text may change (for every member still on the plan).
PLAN_EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# Statuses in which an educator writes their own results and reflection.
RESULTS_EDITABLE_STATUSES = frozenset({Status.IN_PROGRESS, Status.NOT_YET})
# Members who left the plan no longer hold its text; a plan closed so never has an award. The
# one home of "given up, declined, or closed by the educator's move to another district".
CLOSED_STATUSES = frozenset({Status.WITHDRAWN, Status.DECLINED, Status.LEFT_DISTRICT})

NEXT_STEPS: dict[str, str] = {
    Status.DRAFT: "Complete each part of the plan and submit it for pre-approval.",
    Status.PLAN_SUBMITTED: "Wait for the panel’s pre-approval of your plan.",
    Status.CHANGES_REQUESTED: "Revise the plan as the panel asked, then submit it again.",
    Status.PLAN_APPROVED: "Start the work when you are ready.",
    Status.IN_PROGRESS: "Carry out the plan, add evidence, write your results and reflection, "
    "then submit for review.",
    Status.SUBMITTED_FOR_REVIEW: "Wait for the panel’s review of your evidence.",
    Status.NOT_YET: "Read the panel’s feedback, strengthen your evidence and resubmit.",
    Status.RESUBMITTED: "Wait for the panel’s review of your resubmission.",
    Status.EARNED: "Earned. Nothing more to do.",
    Status.DECLINED: "Closed: the panel declined this plan.",
    Status.WITHDRAWN: "Closed: you withdrew this plan.",
    Status.LEFT_DISTRICT: "Closed when you moved to another district; you may start it again "
    "in your new district.",
}


def next_step(submission: Submission) -> str:
    """What the educator does next; once earned, what became of the award (``award_counts``)."""
    if submission.status != Status.EARNED:
        return NEXT_STEPS[submission.status]
    award = submission.earned_award
    if submission.award_counts:
        return NEXT_STEPS[Status.EARNED]
    if award is None or award.is_preparing:
        return "Earned. Your certificate and badge are being issued."
    if award.is_revoked:
        return (
            f"Earned, but the district revoked its award on "
            f"{date_format(timezone.localtime(award.revoked_at))}; it no longer counts."
        )
    if award.is_expired:
        return (
            f"Earned; its award expired on {date_format(timezone.localtime(award.expires_at))} "
            "and no longer counts."
        )
    return (
        "Earned and renewed: the renewal's award counts in its place; this one stays valid "
        f"until {date_format(timezone.localtime(award.expires_at))}."
    )


# Statuses in which the panel has asked for more, and the educator's answer is awaited: the plan
# page never calls such a plan "ready", however complete its parts are.
FEEDBACK_STATUSES = frozenset({Status.CHANGES_REQUESTED, Status.NOT_YET})
FEEDBACK_PROMPTS: dict[str, str] = {
    Status.CHANGES_REQUESTED: "Every required part is filled in, but the panel asked for changes: "
    "revise what they commented on (their comments are above), then submit the revised plan.",
    Status.NOT_YET: "Every required part is filled in, but the panel said “not yet”: strengthen "
    "what they pointed to (their feedback is above): add or replace evidence, revise your "
    "results and reflection, then resubmit.",
}


def feedback_prompt(submission: Submission) -> str:
    """What a submission whose feedback awaits an answer asks of its educator ("" otherwise)."""
    return FEEDBACK_PROMPTS.get(submission.status, "")


def decided_at(submission: Submission):
    """When the panel's decision the educator now answers was made (None if there is none)."""
    if submission.status == Status.CHANGES_REQUESTED:
        return submission.plan_decided_at
    if submission.status == Status.NOT_YET:
        return submission.decided_at
    return None


# Only what each changed: not their snapshots of the whole text, nor their authors. Read on
# every view of a plan that answers a decision: the SQL is built once per process
# (microcreds.prepared).
_changed_since = PreparedQuery(
    lambda plan_id, submission_id, moment: (
        _revisions(plan_id, submission_id)
        .filter(created_at__gt=moment)
        .reverse()
        .values_list("changed_fields", flat=True)
    ),
    int,
    int,
    dt.datetime,
)


def changed_since_decision(submission: Submission) -> list[str]:
    """The fields of the plan text and of the educator's own results changed since the
    decision they answer, in the order they were first changed."""
    moment = decided_at(submission)
    if moment is None:
        return []
    names: dict[str, None] = {}
    for fields in _changed_since.all(submission.plan_id, submission.pk, moment):
        names.update(dict.fromkeys(fields))
    return list(names)


# What a submission sent back to the panel unchanged would be sent as: the words of the
# confirmation its educator is asked for, by the decision they answer.
UNCHANGED_SINCE_DECISION: dict[str, str] = {
    Status.CHANGES_REQUESTED: "You haven’t changed anything since the panel asked for changes: "
    "the plan text, its research sources and goals{proposal} are as the panel read them on "
    "{day}.",
    Status.NOT_YET: "You haven’t changed anything since the panel said “not yet”: your results, "
    "reflection and evidence are as the panel read them on {day}.",
}


def revised_since_decision(submission: Submission) -> list[str]:
    """What the educator changed since the panel's decision they now answer ([] when nothing,
    or when no decision awaits an answer): the fields of the plan text and of their results
    (``changed_since_decision``), the micro-credential they proposed with the plan, and, for
    the review of evidence, what the apps above say changed (``signals.revisions_checked``).
    The one home of "sent back to the panel unchanged"; read by the submit step, not by every
    view of the plan page."""
    moment = decided_at(submission)
    if moment is None:
        return []
    changed = changed_since_decision(submission)
    if submission.status == Status.CHANGES_REQUESTED:
        entry = submission.plan.microcredential
        if entry.status == entry.Status.PROPOSED and entry.updated_at > moment:
            changed.append("proposal")
    else:
        for _receiver, labels in revisions_checked.send(
            sender=Submission, submission=submission, since=moment
        ):
            changed.extend(labels)
    return changed


def unchanged_since_decision(submission: Submission) -> str:
    """The confirmation a submission going back to the panel unchanged since its decision asks
    for (``revised_since_decision``), in the educator's words; "" when something changed or no
    decision awaits an answer."""
    moment = decided_at(submission)
    if (
        submission.status not in UNCHANGED_SINCE_DECISION
        or moment is None
        or revised_since_decision(submission)
    ):
        return ""
    entry = submission.plan.microcredential
    return UNCHANGED_SINCE_DECISION[submission.status].format(
        day=date_format(timezone.localtime(moment)),
        proposal=(
            ", and the micro-credential you proposed,"
            if entry.status == entry.Status.PROPOSED
            else ""
        ),
    )


def plan_page_sections(submission: Submission) -> list[PageSection]:
    """What the apps above have to say on the plan page (the panel's feedback, the award)."""
    answers = plan_page_shown.send(sender=Submission, submission=submission)
    return [section for _receiver, section in answers if section is not None]


def dashboard_sections(educator: User) -> list[PageSection]:
    """What the apps above have to say on the educator's dashboard (their progress)."""
    answers = dashboard_shown.send(sender=Submission, educator=educator)
    return [section for _receiver, section in answers if section is not None]


def _text_at(revisions: QuerySet[PlanRevision], moment) -> dict | None:
    revision = revisions.filter(created_at__lte=moment).order_by("-created_at", "-id").first()
    return revision.snapshot if revision is not None else None


def plan_text_at(plan: Plan, moment) -> dict | None:
    """The shared plan text as it stood at ``moment``: the snapshot its last edit before then
    left (None when it had none)."""
    return _text_at(PlanRevision.objects.filter(plan=plan, snapshot__has_key="rationale"), moment)


def results_text_at(submission: Submission, moment) -> dict | None:
    """The educator's own results and reflection as they stood at ``moment`` (None: no edit of
    them is recorded before then)."""
    return _text_at(
        PlanRevision.objects.filter(submission=submission, snapshot__has_key="impact_results"),
        moment,
    )


# Which of a cycle's deadlines the educator's next step has to meet. Other statuses wait on
# the panel or are finished: no deadline of theirs.
DEADLINE_FIELDS: dict[str, tuple[str, str]] = {
    Status.DRAFT: ("plan_deadline", "Plan"),
    Status.CHANGES_REQUESTED: ("plan_deadline", "Plan"),
    Status.PLAN_APPROVED: ("evidence_deadline", "Evidence"),
    Status.IN_PROGRESS: ("evidence_deadline", "Evidence"),
    Status.NOT_YET: ("evidence_deadline", "Evidence"),
}


@dataclass(frozen=True)
class Deadline:
    """The day the educator's next step is due, from the district's program cycles."""

    what: str
    day: dt.date
    cycle: str
    overdue: bool


def deadline_cycles(user: User) -> list[ProgramCycle]:
    """The district's cycles, oldest first: one query for a whole page of submissions."""
    return cycles_in_order(district_id=user.district_id)


def next_deadline(
    submission: Submission, *, cycles: list[ProgramCycle], today: dt.date
) -> Deadline | None:
    """The deadline of the cycle under way today (or, between cycles, the next to open) that
    applies to the submission's next step; overdue once that day has passed."""
    if submission.status not in DEADLINE_FIELDS:
        return None
    field, what = DEADLINE_FIELDS[submission.status]
    cycle = next((c for c in cycles if c.ends_on >= today), None)
    day = getattr(cycle, field) if cycle else None
    if day is None:
        return None
    return Deadline(what=what, day=day, cycle=cycle.name, overdue=day < today)


def district_submission_counts(*, district: District) -> dict[str, int]:
    """The district's plans under way (its admin dashboard; what was earned is the awards that
    count, which the badges side counts)."""
    return {
        "open_submissions": Submission.objects.filter(district=district)
        .exclude(status__in=list(FINAL_STATUSES))
        .count(),
    }


class PlanRow(NamedTuple):
    """A row of the educator's plans list, as the page shows it (``educator_plan_rows``)."""

    pk: int
    district_id: int
    plan: str
    # The catalog entry's title, shown beside a plan with a title of its own.
    microcredential: str
    titled: bool
    status_key: str
    status_label: str
    next_step: str
    deadline: Deadline | None
    member_count: int


_PLAN_ROW_COLUMNS = (
    "pk",
    "district_id",
    "status",
    "plan__title",
    "plan__microcredential__title",
    "award__pk",
    "award__state",
    "award__revoked_at",
    "award__expires_at",
    "award__renewed_by__pk",
    "award__renewed_by__state",
    "award__renewed_by__revoked_at",
    "award__renewed_by__expires_at",
    "member_count",
)
_AWARD_FIELDS = ("id", "state", "revoked_at", "expires_at")


def _loaded(model, values: dict):
    """An instance of ``model`` as the ORM loads it with ``only(*values)``: its other fields
    are deferred (read from the database if ever asked, never silently empty)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


def _with_award(submission: Submission, award: tuple, renewal: tuple) -> Submission:
    """``submission`` with its award and the award's renewal as read (their columns only), so
    that its status and next step are said by the same rules as everywhere (``Award.counts``,
    ``Submission.status_label``, ``next_step``); this app does not import badges, the award's
    model is reached through the reverse relation."""
    relation = Submission.award.related
    loaded = None
    if award[0] is not None:
        award_model = relation.related_model
        loaded = _loaded(award_model, dict(zip(_AWARD_FIELDS, award, strict=True)))
        renewed = (
            _loaded(award_model, dict(zip(_AWARD_FIELDS, renewal, strict=True)))
            if renewal[0]
            else None
        )
        award_model.renewed_by.related.set_cached_value(loaded, renewed)
    relation.set_cached_value(submission, loaded)
    return submission


# The dashboard reads them on every view: the SQL is built once per process
# (microcreds.prepared).
_educator_plan_values = PreparedQuery(
    lambda educator_id: (
        Submission.objects.filter(educator_id=educator_id)
        .annotate(
            member_count=Count(
                "plan__submissions",
                filter=~Q(plan__submissions__status__in=list(CLOSED_STATUSES)),
            )
        )
        .order_by("-status_changed_at", "-id")
        .values_list(*_PLAN_ROW_COLUMNS)
    ),
    int,
)


def educator_plan_rows(user: User, *, cycles: list[ProgramCycle], today: dt.date) -> list[PlanRow]:
    """The educator's own submissions, in every district they have been in, newest change first,
    each with its plan, credential, group size, status in words, next step and deadline: one
    query, read as the columns the page shows (model instances of five tables each were most of
    the page's time)."""
    rows = []
    for values in _educator_plan_values.all(user.pk):
        pk, district_id, status, title, microcredential = values[:5]
        submission = _with_award(
            _loaded(Submission, {"id": pk, "status": status}), values[5:9], values[9:13]
        )
        rows.append(
            PlanRow(
                pk,
                district_id,
                # What ``str(plan)`` says: its own title, else its micro-credential's.
                title or microcredential,
                microcredential,
                bool(title),
                submission.status_key,
                submission.status_label,
                next_step(submission),
                next_deadline(submission, cycles=cycles, today=today),
                values[13],
            )
        )
    return rows


@dataclass(frozen=True)
class PlansLeft:
    """The educator's own plans of a district they have left: read there, never changed. Each
    that the move closed may be started again in their present district (``carry_over``), once:
    the plan started from it is ``started_again``."""

    district: District
    left_on: dt.date
    rows: list[dict]


def plans_from_districts_left(user: User) -> list[PlansLeft]:
    """The plans ``user`` left behind in the districts they moved from, by district, the one
    left last first. Three queries, whatever their number."""
    left = accounts_selectors.districts_left(user)
    if not left:
        return []
    submissions = (
        Submission.objects.filter(educator_id=user.pk, district_id__in=list(left))
        .select_related("district", "plan", "plan__microcredential", "award")
        .prefetch_related(
            Prefetch(
                "carried_into",
                queryset=Submission.objects.filter(district_id=user.district_id)
                .exclude(status__in=list(CLOSED_STATUSES))
                .select_related("plan"),
                to_attr="started_here",
            )
        )
        .order_by("-status_changed_at", "-id")
    )
    by_district: dict[int, PlansLeft] = {}
    for submission in submissions:
        group = by_district.setdefault(
            submission.district_id,
            PlansLeft(submission.district, left[submission.district_id], []),
        )
        started_again = submission.started_here[0] if submission.started_here else None
        group.rows.append(_left_behind(submission, started_again))
    return sorted(by_district.values(), key=lambda group: group.left_on, reverse=True)


def _left_behind(submission: Submission, started_again: Submission | None) -> dict:
    return {
        "submission": submission,
        "started_again": started_again,
        # Closed by the move, and not under way again here: it may be started again.
        "may_start_again": started_again is None and submission.status == Status.LEFT_DISTRICT,
    }


def left_behind(user: User, submission: Submission) -> dict | None:
    """For the educator's own plan of a district they have left: the day they left it, and the
    plan started again from it in their present district or whether it may be (None while they
    are a member of its district). The plan is that district's record: read, never changed."""
    if submission.district_id == user.district_id:
        return None
    left_on = accounts_selectors.districts_left(user).get(submission.district_id)
    if left_on is None:
        return None
    started_again = (
        submission.carried_into.filter(district_id=user.district_id)
        .exclude(status__in=list(CLOSED_STATUSES))
        .first()
    )
    return {"left_on": left_on, **_left_behind(submission, started_again)}


class PlanMember(NamedTuple):
    """A member of a plan as its page names them: who, and where their own plan stands."""

    educator_id: int
    name: str
    status_label: str


@dataclass(frozen=True)
class PlanGroup:
    """Who is on a plan (its submissions of the plan's district, each with its educator, oldest
    first) and whether its text may change (``plan_text_editable``), from one read."""

    members: list[PlanMember]
    text_editable: bool


# The columns the page shows, not the members' and their educators' whole rows; read on every
# view and autosave of a plan: the SQL is built once per process (microcreds.prepared).
_plan_group_rows = PreparedQuery(
    lambda plan_id: (
        Submission.objects.filter(plan_id=plan_id)
        .order_by("created_at", "id")
        .values_list(
            "district_id",
            "status",
            "educator_id",
            "educator__first_name",
            "educator__last_name",
            "educator__email",
        )
    ),
    int,
)


def plan_group(plan: Plan) -> PlanGroup:
    statuses, members = [], []
    for district_id, status, educator_id, first_name, last_name, email in _plan_group_rows.all(
        plan.pk
    ):
        statuses.append(status)
        if district_id == plan.district_id:
            members.append(
                PlanMember(
                    educator_id, person_name(first_name, last_name, email), Status(status).label
                )
            )
    return PlanGroup(members=members, text_editable=plan_text_editable(statuses))


def plan_text_editable(statuses: Iterable[str]) -> bool:
    """The shared text changes only while no member's plan is under review or beyond (those who
    left it do not count), and someone is still on it: given the statuses of all its
    submissions."""
    still_on = {status for status in statuses if status not in CLOSED_STATUSES}
    return bool(still_on) and still_on <= PLAN_EDITABLE_STATUSES


def plan_is_editable(plan: Plan) -> bool:
    """``plan_text_editable``, read for ``plan``."""
    return plan_text_editable(
        Submission.objects.filter(plan=plan)
        .exclude(status__in=list(CLOSED_STATUSES))
        .values_list("status", flat=True)
    )


def plan_editing(submission: Submission, *, text_editable: bool | None = None) -> tuple[bool, bool]:
    """(may its educator change the shared plan text now, is it locked by the group): the
    educator's own plan is open for changes, and the text changes only while no member's plan
    is under review or beyond; otherwise it stays as it is. One query, for pages that ask both;
    none when the caller knows ``text_editable`` already (``plan_group``)."""
    if submission.status not in PLAN_EDITABLE_STATUSES:
        return False, False
    editable = plan_is_editable(submission.plan) if text_editable is None else text_editable
    return editable, not editable


def can_edit_plan(submission: Submission) -> bool:
    return plan_editing(submission)[0]


def can_edit_results(submission: Submission) -> bool:
    return submission.status in RESULTS_EDITABLE_STATUSES


@dataclass(frozen=True)
class MoveButton:
    action: str
    label: str
    confirm: bool

    @property
    def url_name(self) -> str:
        return f"submissions:{self.action}"


def educator_moves(submission: Submission) -> list[MoveButton]:
    """The moves the plan page offers its educator: every one the status table allows from
    here; resubmission only while the district allows another attempt."""
    return [
        MoveButton(action, move.button_for(submission.status), move.confirm)
        for action, move in EDUCATOR_MOVES.items()
        if may_move(submission.status, move.to_status)
        and not (move.to_status == Status.RESUBMITTED and submission.attempts_left == 0)
    ]


# The plan page and every autosave read them: their SQL is built once per process
# (microcreds.prepared). In the order of ``plan.sources.all()`` and ``plan.district_goals.all()``
# (their models' ordering).
_plan_sources = PreparedQuery(lambda plan_id: PlanSource.objects.filter(plan_id=plan_id), int)
_plan_goals = PreparedQuery(lambda plan_id: DistrictGoal.objects.filter(plans=plan_id), int)


def read_plan_text_lists(plan: Plan) -> None:
    """Read the plan's research sources and district goals once, for everything after that
    reads them (``plan.sources.all()``, ``plan.district_goals.all()``), as
    ``prefetch_related_objects([plan], "sources", "district_goals")`` would: each is kept as
    the related manager's own queryset with its rows, so changing them (``set``, ``delete``)
    acts on the plan's and forgets what was read (``microcreds.prepared.as_prefetched``)."""
    read = getattr(plan, "_prefetched_objects_cache", {})
    if "sources" not in read:
        sources = _plan_sources.all(plan.pk)
        for source in sources:
            PlanSource.plan.field.set_cached_value(source, plan)
        as_prefetched(plan, "sources", sources)
    if "district_goals" not in read:
        as_prefetched(plan, "district_goals", _plan_goals.all(plan.pk))


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The shared plan text: its fields, its district goals (ids) and its research sources, as
    the editor saves it and its history records it. Reads the goals and sources prefetched, if
    they are."""
    snapshot: dict[str, Any] = {name: getattr(plan, name) for name in PLAN_TEXT_FIELDS}
    snapshot["district_goals"] = sorted(goal.pk for goal in plan.district_goals.all())
    snapshot["sources"] = [
        {name: getattr(source, name) for name in SOURCE_FIELDS} for source in plan.sources.all()
    ]
    return snapshot


def plan_missing(plan: Plan) -> list[tuple[str, list[str]]]:
    """What the plan still needs before pre-approval (``plan_text_missing``)."""
    return plan_text_missing(plan_snapshot(plan))


def plan_text_missing(text: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """What the plan whose text is ``text`` (``plan_snapshot``) still needs before
    pre-approval, per component, in the page's order.

    Required at plan time: Overview (rationale, hypothesis, a personal, a building and a
    district goal), Basis of Knowledge (at least three sources, each with its citation and what
    was learned), Implementation (actions, setting, timeline, who is affected) and the Impact
    measures. Results and Reflection come after implementation (see ``results_missing``).
    """
    overview = []
    if not text["rationale"].strip():
        overview.append("Write the rationale.")
    if not text["hypothesis"].strip():
        overview.append("Write the hypothesis or purpose.")
    if not text["personal_goal"].strip():
        overview.append("Tie the plan to a personal goal.")
    if not text["building_goal"].strip():
        overview.append("Tie the plan to a building goal.")
    if not text["district_goals"] and not text["district_goal_notes"].strip():
        overview.append("Choose at least one district goal (or describe the tie in the notes).")

    knowledge = []
    sources = text["sources"]
    if len(sources) < MIN_SOURCES:
        knowledge.append(f"Add at least {MIN_SOURCES} research sources ({len(sources)} so far).")
    for number, source in enumerate(sources, start=1):
        if not source["learned"].strip():
            knowledge.append(f"Say what you learned from source {number}.")

    implementation = []
    if not text["actions"].strip():
        implementation.append("Describe the job-embedded actions.")
    if not text["setting"]:
        implementation.append("Choose the setting (classroom, building or district).")
    if not text["timeline"].strip():
        implementation.append("Give the timeline.")
    if not text["affected"].strip():
        implementation.append("Say which students or staff are affected.")

    impact = []
    if not text["impact_measures"].strip():
        impact.append("Describe how you will measure the impact.")

    sections = [
        ("Overview", overview),
        ("Basis of Knowledge", knowledge),
        ("Implementation", implementation),
        ("Impact", impact),
    ]
    return [(label, items) for label, items in sections if items]


def results_missing(submission: Submission) -> list[tuple[str, list[str]]]:
    """What an educator still needs before submitting for review (after implementation): the
    components it requires (``Submission.required_components``: a renewal by a shortened plan
    asks for fewer); what the evidence lacks is said by the evidence side, through
    ``signals.results_checked``."""
    required = submission.required_components
    impact = []
    if Component.IMPACT in required and not submission.impact_results.strip():
        impact.append("Describe the results and the data you collected.")
    reflection = []
    if Component.REFLECTION in required:
        if not submission.reflection_practice.strip():
            reflection.append("Reflect on your professional practice or student learning.")
        if not submission.reflection_feedback.strip():
            reflection.append("Record student or staff feedback.")
        if not submission.reflection_changes.strip():
            reflection.append("Say what you will change in future practice.")
    sections = {Component.IMPACT.label: impact, Component.REFLECTION.label: reflection}
    for _receiver, lacking in results_checked.send(sender=Submission, submission=submission):
        for label, items in lacking.items():
            sections.setdefault(label, []).extend(items)
    return [(label, items) for label, items in sections.items() if items]


def revisions_for_submission(submission: Submission) -> QuerySet[PlanRevision]:
    """The shared plan text's history, and this educator's own results and reflection edits
    (a colleague's reflection stays theirs)."""
    return _revisions(submission.plan_id, submission.pk)


def _revisions(plan_id: int, submission_id: int) -> QuerySet[PlanRevision]:
    return (
        PlanRevision.objects.filter(plan_id=plan_id)
        .filter(Q(snapshot__has_key="rationale") | Q(submission_id=submission_id))
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def open_submission_on(*, educator: User, microcredential) -> Submission | None:
    """The plan ``educator`` has under way on ``microcredential`` (any version of it): starting
    another one gives this one back (``services.plan_start``), and the catalog entry's page
    offers to open it."""
    return (
        Submission.objects.filter(
            educator=educator,
            district_id=educator.district_id,
            plan__microcredential__lineage=microcredential.lineage,
        )
        .exclude(status__in=list(CLOSED_STATUSES))
        .first()
    )
