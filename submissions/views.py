import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import educator_required, require_role
from credentials.models import MicroCredential
from microcreds.fragments import digest

from . import history, selectors, services
from .forms import (
    MemberAddForm,
    PlanTextForm,
    ProposeForm,
    ResultsForm,
    choices_made,
    posted_source_rows,
    source_formset,
    sources_to_save,
    started_text,
)
from .models import PLAN_TEXT_FIELDS, RESULTS_FIELDS, Submission
from .permissions import get_proposal_submission_for_user, get_submission_for_user
from .transitions import EDUCATOR_MOVES

Status = Submission.Status


@require_GET
@educator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = selectors.educator_plan_rows(
        user, cycles=selectors.deadline_cycles(user), today=timezone.localdate()
    )
    here = [row for row in rows if row.district_id == user.district_id]
    return render(
        request,
        "submissions/dashboard.html",
        {
            "rows": here,
            "sections": selectors.dashboard_sections(user),
            # Only an educator with plans elsewhere has districts they left to read.
            "districts_left": (
                selectors.plans_from_districts_left(user) if len(here) < len(rows) else []
            ),
        },
    )


@require_POST
@educator_required
def plan_start(request: HttpRequest, credential_pk: int) -> HttpResponse:
    microcredential = get_object_or_404(
        MicroCredential, pk=credential_pk, district_id=request.user.district_id
    )
    try:
        submission, created = services.plan_start(
            microcredential=microcredential, actor=request.user
        )
    except services.PlanError as error:
        messages.error(request, str(error))
        return redirect("credentials:catalog")
    if created:
        messages.success(request, f"Your plan for “{microcredential.title}” is started.")
    else:
        messages.info(request, "You already have a plan for this micro-credential; here it is.")
    return redirect("submissions:detail", pk=submission.pk)


def _proposal(form: ProposeForm) -> dict:
    """The proposed micro-credential as the plan services take it."""
    data = form.cleaned_data
    return {
        "title": data["title"],
        "competency": data["competency"],
        "evidence_types": list(data["evidence_types"]),
        "proposed_evidence": data["proposed_evidence"],
        "criteria": data["criteria"],
    }


@require_http_methods(["GET", "POST"])
@educator_required
def propose(request: HttpRequest) -> HttpResponse:
    form = ProposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.plan_propose(actor=request.user, **_proposal(form))
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Your micro-credential is proposed. Write the plan; the panel approves both "
                "together.",
            )
            return redirect("submissions:detail", pk=submission.pk)
    return render(request, "submissions/propose.html", {"form": form})


@require_http_methods(["GET", "POST"])
@educator_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead changes the micro-credential they proposed, while the plan is theirs to edit."""
    submission = get_proposal_submission_for_user(request.user, pk)
    entry = submission.plan.microcredential
    if entry.status != MicroCredential.Status.PROPOSED or not selectors.can_edit_plan(submission):
        messages.info(
            request,
            f"“{entry.title}” is {entry.get_status_display().lower()}; it changes with the plan, "
            "only while the plan is a draft or the panel has asked for changes.",
        )
        return redirect("submissions:detail", pk=submission.pk)
    initial = {
        "title": entry.title,
        "competency": entry.competency,
        "evidence_types": list(entry.evidence_types.all()),
        "proposed_evidence": entry.submission_guidelines,
        "criteria": "\n".join(c.title for c in entry.rubric.criteria.all()),
    }
    form = ProposeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_proposal_change(
                submission=submission, actor=request.user, **_proposal(form)
            )
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your proposal is saved; the panel reads it with the plan.")
            return redirect("submissions:detail", pk=submission.pk)
    return render(request, "submissions/propose.html", {"form": form, "submission": submission})


def _missing(submission: Submission, plan_text: dict | None = None) -> dict:
    """What the submission still needs before its next move to the panel, and which move; while
    the panel's feedback awaits an answer, what it asks and what changed since. ``plan_text``:
    the plan's text (``selectors.plan_snapshot``), when a save has it in hand."""
    if submission.status in selectors.PLAN_EDITABLE_STATUSES:
        if plan_text is None:
            plan_text = selectors.plan_snapshot(submission.plan)
        context = {
            "missing": selectors.plan_text_missing(plan_text),
            "missing_stage": "pre-approval",
        }
    elif submission.status in selectors.RESULTS_EDITABLE_STATUSES:
        context = {"missing": selectors.results_missing(submission), "missing_stage": "review"}
    else:
        return {}
    context["feedback_prompt"] = selectors.feedback_prompt(submission)
    if context["feedback_prompt"]:
        context["changed_since_decision"] = [
            history.FIELD_LABELS.get(name, name)
            for name in selectors.changed_since_decision(submission)
        ]
    return context


def _editor_context(request: HttpRequest, submission: Submission, **overrides) -> dict:
    plan = submission.plan
    # Read once here, then by the completeness list, the read-only text and the editor's forms.
    selectors.read_plan_text_lists(plan)
    group = selectors.plan_group(plan)
    can_edit_plan, plan_locked_by_group = selectors.plan_editing(
        submission, text_editable=group.text_editable
    )
    can_edit_results = selectors.can_edit_results(submission)
    token = uuid.uuid4().hex
    context = {
        "submission": submission,
        "plan": plan,
        "members": group.members,
        "is_lead": plan.lead_id == request.user.pk,
        "can_edit_plan": can_edit_plan,
        "can_edit_results": can_edit_results,
        "next_step": selectors.next_step(submission),
        "deadline": selectors.next_deadline(
            submission,
            cycles=selectors.deadline_cycles(request.user),
            today=timezone.localdate(),
        ),
        "moves": selectors.educator_moves(submission),
        "plan_locked_by_group": plan_locked_by_group,
        "sections": selectors.plan_page_sections(submission),
        "sources": list(plan.sources.all()),
        "district_goals": list(plan.district_goals.all()),
        "editor_token": token,
        "left_behind": selectors.left_behind(request.user, submission),
    }
    plan_text = selectors.plan_snapshot(plan) if can_edit_plan else None
    context.update(_missing(submission, plan_text))
    # At the step to review, the evidence per rubric criterion, as the evidence page counts it.
    context["shows_evidence_coverage"] = (
        context.get("missing_stage") == "review" and submission.accepts_evidence
    )
    if can_edit_plan:
        context["plan_form"] = PlanTextForm(
            instance=plan,
            user=request.user,
            initial={
                "version": plan.version,
                "editor_token": token,
                "started": _started("plan", submission, plan_text),
                "district_goals": context["district_goals"],
            },
        )
        context["source_forms"] = source_formset(plan=plan)
        if context["is_lead"]:
            context["member_form"] = MemberAddForm(user=request.user)
    if can_edit_results:
        context["results_form"] = ResultsForm(
            instance=submission,
            initial={
                "version": submission.version,
                "editor_token": token,
                "started": _started("results", submission),
            },
        )
    context.update(overrides)
    if can_edit_plan:
        context["plan_fields_key"] = _plan_fields_key(context["plan_form"], context["source_forms"])
    return context


def _started(kind: str, submission: Submission, plan_text: dict | None = None) -> str:
    """The text each field of the editor of ``kind`` starts from, as its form carries it."""
    if kind == "plan":
        return started_text(plan_text or selectors.plan_snapshot(submission.plan), PLAN_TEXT_FIELDS)
    return started_text(services.results_snapshot(submission), RESULTS_FIELDS)


def _plan_fields_key(form: PlanTextForm, sources: BaseFormSet) -> str | None:
    """Everything the editor's fields show, digested: the texts, the chosen goals and the
    district's goals to choose from (their ids and labels), the source rows. Their rendering is
    kept in each process under it (``fragments``), so a changed text, source or goal, or a
    renamed goal, is a new key and shows at once. None for a posted form: it shows messages."""
    if form.is_bound or sources.is_bound:
        return None
    goals = form.fields["district_goals"]
    return "plan-fields:" + digest(
        (
            [form.initial.get(name) for name in PLAN_TEXT_FIELDS],
            sorted(goal.pk for goal in form.initial.get("district_goals", [])),
            [(str(value), label) for value, label in goals.choices],
            sources.initial,
        )
    )


@require_GET
@educator_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, to_read=True)
    return render(request, "submissions/detail.html", _editor_context(request, submission))


def _conflict_rows(conflict: services.SaveConflict, district_id: int) -> list[dict]:
    return [
        {"label": change.label, "yours": change.after, "saved": change.before}
        for change in history.text_changes(
            conflict.saved, conflict.yours, district_id=district_id, names=conflict.fields
        )
    ]


def _tab_edits(
    form: PlanTextForm | ResultsForm, formset: BaseFormSet | None = None
) -> services.TabEdits | None:
    """What the tab says it changed since the version it saved from: what its script says, or
    without the script every field with the text the page started from, which the save compares
    with the text posted (None: it says neither)."""
    edited = form.cleaned_data.get("edited")
    if edited is None:
        edited = form.cleaned_data.get("started")
        if edited is None:
            return None
        if formset is not None:
            # The page names its stored sources; every row after them started empty.
            for place in range(len(formset.forms)):
                edited.setdefault(f"sources-{place}", None)
    rows, invalid = None, set()
    if formset is not None and not formset.non_form_errors():
        rows, invalid = posted_source_rows(formset)
    return services.TabEdits.read(edited, source_rows=rows, invalid_rows=invalid)


def _from_elsewhere(result: services.SaveResult | None) -> dict | None:
    """For the editor's script, in the page's field names: the values a save from an older
    version found there (to show), and the tab's text of each field changed on both sides
    (to choose for). None when there is nothing of the kind."""
    if result is None or not (result.taken or result.choices):
        return None
    values = dict(result.taken)
    if "district_goals" in values:
        values["district_goals"] = [str(pk) for pk in values["district_goals"]]
    choices = {name: text for name, text in result.choices.items() if name != "sources"}
    for place, source in result.choices.get("sources", {}).items():
        choices[f"sources-{place}"] = source
    return {"values": values, "choices": choices}


def _choice_rows(result: services.SaveResult) -> list[dict]:
    """Each field changed both here and elsewhere, as the page without JavaScript offers it to
    choose: its name in the form, its label, the person's text and the saved text."""
    rows = []
    for name, mine in result.choices.items():
        if name != "sources":
            rows.append(
                {
                    "field": name,
                    "label": history.FIELD_LABELS.get(name, name),
                    "yours": history.describe(name, mine, {}),
                    "saved": history.describe(name, result.taken[name], {}),
                }
            )
            continue
        saved_sources = result.taken.get("sources", [])
        for place, source in sorted(mine.items()):
            saved = saved_sources[place] if place < len(saved_sources) else None
            rows.append(
                {
                    "field": f"sources-{place}",
                    "label": f"Source {place + 1}",
                    "yours": history.describe_source(source),
                    "saved": history.describe_source(saved),
                }
            )
    return rows


class SaveOutcome(models.TextChoices):
    """How a save went; also the ``X-Autosave`` header autosave.js reads."""

    SAVED = "saved"
    UNCHANGED = "unchanged"
    INVALID = "invalid"  # what validated is saved; the rest is named
    CONFLICT = "conflict"
    REFUSED = "refused"


@dataclass
class SaveAttempt:
    """One save of the plan text or of the results: the form as posted, and how it went.

    What validates is saved even when another field does not: ``invalid`` then says some of the
    text on the page is not stored yet (the outcome is "invalid", with the version saved)."""

    kind: str  # "plan" or "results"
    form: PlanTextForm | ResultsForm
    rebind: Callable[[QueryDict], PlanTextForm | ResultsForm]
    formset: BaseFormSet | None = None
    outcome: str = SaveOutcome.INVALID
    result: services.SaveResult | None = None
    conflict: services.SaveConflict | None = None
    refusal: str = ""
    invalid: bool = False

    @property
    def without_script(self) -> bool:
        """Posted by the page without JavaScript: no script said what the tab changed, and
        none keeps the texts left to choose (the page it comes back to shows them)."""
        return self.form.cleaned_data.get("edited") is None

    def validate(self) -> bool:
        """Validate every part; True when anything can be saved (the version is known)."""
        form_valid = self.form.is_valid()
        formset_valid = self.formset.is_valid() if self.formset is not None else True
        self.invalid = not (form_valid and formset_valid)
        return "version" in self.form.cleaned_data

    def run(self, save: Callable[[], services.SaveResult]) -> None:
        try:
            self.result = save()
        except services.SaveConflict as error:
            self.outcome, self.conflict = SaveOutcome.CONFLICT, error
        except services.PlanError as error:
            self.outcome, self.refusal = SaveOutcome.REFUSED, str(error)
        else:
            self.outcome = (
                SaveOutcome.SAVED if self.result.changed_fields else SaveOutcome.UNCHANGED
            )
            if self.invalid:
                self.outcome = SaveOutcome.INVALID

    def error_items(self) -> list[dict]:
        """Each value that did not validate: the field's label, its message and its id. The
        status line joins them with "; " and ends the sentence itself, so a message's own final
        full stop is left out ("Link — Enter a valid URL. Everything else is saved.")."""
        items = [
            {"id": field.auto_id, "label": field.label, "message": _clause(field.errors)}
            for field in self.form
            if field.errors and not field.is_hidden
        ]
        if self.formset is not None:
            items += [
                {"id": "error-sources", "label": "Research sources", "message": _clause([error])}
                for error in self.formset.non_form_errors()
            ]
            for number, source_form in enumerate(self.formset.forms, start=1):
                items += [
                    {
                        "id": field.auto_id,
                        "label": f"Source {number}: {field.label}",
                        "message": _clause(field.errors),
                    }
                    for field in source_form
                    if field.errors
                ]
        return items


def _clause(errors) -> str:
    return " ".join(str(error) for error in errors).rstrip().removesuffix(".")


def _autosave_signed_out(request: HttpRequest, pk: int) -> HttpResponse | None:
    """A save from someone signed out: autosave must not follow a redirect to the sign-in page
    (the page keeps the text and says so); a plain Save goes to sign in and back."""
    if request.user.is_authenticated:
        return None
    next_url = reverse("submissions:detail", kwargs={"pk": pk})
    if request.htmx:
        response = render(
            request, "submissions/_session_expired.html", {"next_url": next_url}, status=401
        )
        response["X-Autosave"] = "signed-out"
        return response
    return redirect_to_login(next_url)


def _error_slot(field) -> str:
    return (
        f'<p class="field-error" id="{conditional_escape(field.auto_id)}_error" '
        f'hx-swap-oob="true">{"".join(f"{conditional_escape(error)} " for error in field.errors)}'
        "</p>\n"
    )


def _error_slots(form: PlanTextForm | ResultsForm, formset: BaseFormSet | None) -> SafeString:
    """Each field's message on the page, as the save left it (emptied once it validates),
    swapped in by htmx: written here, for some thirty fields a save, not by a template loop."""
    html = [_error_slot(field) for field in form if not field.is_hidden]
    html.append("\n")
    if formset is not None:
        html += [_error_slot(field) for source_form in formset for field in source_form]
        errors = "".join(f"{conditional_escape(error)} " for error in formset.non_form_errors())
        html.append(f'<p class="field-error" id="error-sources" hx-swap-oob="true">{errors}</p>')
    return SafeString("".join(html))


def _saved_response(
    request: HttpRequest, submission: Submission, save: SaveAttempt
) -> HttpResponse:
    """Autosave gets the status line (and errors, or the two versions); a plain Save goes back
    to the plan, or shows the editor again with the text as typed."""
    # As the save left it; after a conflict or a refusal, read again (the plan with it).
    result = save.result
    plan_text = None
    if result is not None and result.submission is not None:
        submission, plan_text = result.submission, result.plan_text
    else:
        submission = Submission.objects.select_related("plan").get(pk=submission.pk)
    conflict_rows = _conflict_rows(save.conflict, submission.district_id) if save.conflict else []
    error_items = save.error_items() if save.invalid else []
    if request.htmx:
        context = {
            "kind": save.kind,
            "outcome": save.outcome,
            "Outcome": SaveOutcome,
            "result": save.result,
            "refusal": save.refusal,
            "form": save.form,
            "formset": save.formset,
            "error_items": error_items,
            "error_slots": _error_slots(save.form, save.formset),
            "submission": submission,
            "conflict": save.conflict,
            "conflict_rows": conflict_rows,
            "from_elsewhere": _from_elsewhere(save.result),
            **_missing(submission, plan_text),
        }
        response = HttpResponse(
            render_to_string("submissions/_save_response.html", context, request=request)
        )
        response["X-Autosave"] = str(save.outcome)
        if save.result is not None:
            response["X-Autosave-Version"] = str(save.result.version)
        return response
    if save.outcome in (SaveOutcome.SAVED, SaveOutcome.UNCHANGED):
        if save.result.choices and save.without_script:
            # No script keeps the texts to choose: this page offers them, in the editor, with
            # the saved text in the form and the version now saved.
            submission = Submission.objects.select_related("plan").get(pk=submission.pk)
            overrides = {
                "choice_kind": save.kind,
                "choice_rows": _choice_rows(save.result),
                "choices_offered": json.dumps(_from_elsewhere(save.result)["choices"]),
            }
            return render(
                request,
                "submissions/detail.html",
                _editor_context(request, submission, **overrides),
                status=409,
            )
        if save.result.choices:
            messages.warning(
                request,
                "Your changes are saved, except where the same text was also changed elsewhere "
                "since you opened the page: choose which text to keep.",
            )
        else:
            messages.success(request, "Your changes are saved.")
        return redirect("submissions:detail", pk=submission.pk)
    if save.outcome == SaveOutcome.REFUSED:
        messages.error(request, save.refusal)
        return redirect("submissions:detail", pk=submission.pk)
    # Re-show the editor with the text as typed, naming the version the server holds now: after
    # a conflict, so that pressing Save again deliberately keeps this text; after saving what
    # validated, so that the next Save goes on from there.
    form = save.form
    version = save.conflict.saved_version if save.conflict else None
    if version is None and save.result is not None:
        version = save.result.version
    if version is not None:
        data = save.form.data.copy()
        data["version"] = str(version)
        if save.result is not None:
            # What validated is saved: the next Save starts from the text saved now.
            data["started"] = _started(save.kind, submission, plan_text)
        form = save.rebind(data)
        form.is_valid()
    overrides = {
        "save_conflict": save.conflict,
        "save_conflict_kind": save.kind,
        "conflict_rows": conflict_rows,
        f"{save.kind}_form": form,
    }
    if error_items:
        overrides["error_form"] = form
        overrides["error_formset"] = save.formset
        overrides["summary_note"] = (
            "Some of your changes were not saved. "
            + ("Everything else is saved. " if save.result is not None else "")
            + "Correct what is listed here, then save again; your text is kept in the form."
        )
    if save.formset is not None:
        overrides["source_forms"] = save.formset
    return render(
        request,
        "submissions/detail.html",
        _editor_context(request, submission, **overrides),
        status=409 if save.conflict is not None else 400,
    )


@require_POST
def plan_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx) and the Save button of the shared plan text and its sources: every value
    that validates is saved; one that does not is named beside its field and kept on the page."""
    if (signed_out := _autosave_signed_out(request, pk)) is not None:
        return signed_out
    require_role(request.user, Role.EDUCATOR)
    submission = get_submission_for_user(request.user, pk)
    plan = submission.plan

    def bind(data: QueryDict) -> PlanTextForm:
        return PlanTextForm(data, instance=copy.copy(plan), user=request.user)

    posted = choices_made(request.POST)
    save = SaveAttempt("plan", bind(posted), bind, formset=source_formset(plan=plan, data=posted))
    if save.validate():
        form, data = save.form, save.form.cleaned_data
        save.run(
            lambda: services.plan_text_save(
                submission=submission,
                values={
                    name: form.posted_or_stored(name, getattr(plan, name)) or ""
                    for name in services.PLAN_TEXT_FIELDS
                },
                district_goals=list(
                    form.posted_or_stored("district_goals", plan.district_goals.all())
                ),
                sources=sources_to_save(save.formset, stored=plan.sources.all()),
                version=data["version"],
                actor=request.user,
                editor_token=data.get("editor_token") or "",
                edits=_tab_edits(form, save.formset),
            )
        )
    return _saved_response(request, submission, save)


@require_POST
def results_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx) and the Save button of the educator's own results and reflection; as the
    plan's, it saves every value that validates."""
    if (signed_out := _autosave_signed_out(request, pk)) is not None:
        return signed_out
    require_role(request.user, Role.EDUCATOR)
    submission = get_submission_for_user(request.user, pk)

    def bind(data: QueryDict) -> ResultsForm:
        return ResultsForm(data, instance=copy.copy(submission))

    save = SaveAttempt("results", bind(choices_made(request.POST)), bind)
    if save.validate():
        form, data = save.form, save.form.cleaned_data
        save.run(
            lambda: services.submission_results_save(
                submission=submission,
                values={
                    name: form.posted_or_stored(name, getattr(submission, name)) or ""
                    for name in services.RESULTS_FIELDS
                },
                version=data["version"],
                actor=request.user,
                editor_token=data.get("editor_token") or "",
                edits=_tab_edits(form),
            )
        )
    return _saved_response(request, submission, save)


@require_POST
@educator_required
def move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk)
    educator_move = EDUCATOR_MOVES[action]
    options = {}
    if educator_move.asks_if_unchanged:
        options["send_unchanged"] = request.POST.get("send_unchanged") == "yes"
    try:
        services.EDUCATOR_MOVE_SERVICES[action](
            submission=submission, actor=request.user, **options
        )
    except services.UnchangedError as error:
        # Asked here, at the submit step: the plan page itself never reads what changed.
        unchanged = {
            "url_name": f"submissions:{action}",
            "label": educator_move.button_for(submission.status),
            "message": str(error),
        }
        return render(
            request,
            "submissions/detail.html",
            _editor_context(request, submission, unchanged_move=unchanged),
            status=409,
        )
    except services.IncompleteError as error:
        # Each item is a sentence with its full stop: the parts follow one another as sentences.
        items = " ".join(f"{label}: {' '.join(things)}" for label, things in error.missing)
        messages.error(request, f"{error} Still missing — {items}")
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, educator_move.done)
    return redirect("submissions:detail", pk=submission.pk)


@require_POST
@educator_required
def carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Start again, in the educator's present district, their plan the move closed in the
    district they left: a new draft with their text, never the evidence nor the reviews."""
    left = get_submission_for_user(request.user, pk, to_read=True)
    try:
        submission, created = services.submission_carry_over(left=left, actor=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
        return redirect("submissions:detail", pk=left.pk)
    district = request.user.district.name
    if created:
        messages.success(
            request,
            f"Your plan is started in {district} with your text. Add your evidence here; "
            "the panel reviews it afresh.",
        )
    else:
        messages.info(request, f"This plan is under way in {district} already; here it is.")
    return redirect("submissions:detail", pk=submission.pk)


@require_POST
@educator_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk)
    form = MemberAddForm(request.POST, user=request.user)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            messages.error(request, error)
        return redirect("submissions:detail", pk=submission.pk)
    colleague = form.cleaned_data["email"]
    try:
        services.plan_member_add(submission=submission, colleague=colleague, actor=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{colleague.display_name} joined the plan and was notified by e-mail."
        )
    return redirect("submissions:detail", pk=submission.pk)


@require_GET
@educator_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's history: text edits, the educator's moves, the panel's decisions and
    comments, and what changed in the plan between its rounds."""
    submission = get_submission_for_user(request.user, pk, to_read=True)
    return render(
        request,
        "submissions/history.html",
        {
            "submission": submission,
            "plan": submission.plan,
            "entries": history.plan_history(submission),
        },
    )
