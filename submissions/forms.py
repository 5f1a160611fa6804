"""Input validation for plans: the five components, sources, proposals and group members."""

import json
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict

from accounts.models import DistrictGoal, Role, User
from accounts.selectors import active_goals_list, goals_for_user, people_for_user
from credentials.models import EvidenceType

from .models import PLAN_TEXT_FIELDS, RESULTS_FIELDS, SOURCE_FIELDS, Plan, PlanSource, Submission

MAX_SOURCES = 30
SPARE_ROW = {"kind": PlanSource.Kind.ARTICLE}
MAX_CRITERIA = 12


def _json_object(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def started_text(text: dict[str, Any], names: Iterable[str]) -> str:
    """What a page's form carries as ``started``: the text of each of ``names`` in ``text`` (a
    ``plan_snapshot`` or ``results_snapshot``) as the form posts it; its district goals as their
    ids, its stored sources as "sources-<place>"."""
    started: dict[str, Any] = {name: text[name] for name in names}
    if "district_goals" in text:
        started["district_goals"] = [str(pk) for pk in text["district_goals"]]
    for place, source in enumerate(text.get("sources", [])):
        started[f"sources-{place}"] = source
    return json.dumps(started)


_SOURCE_ROW = re.compile(r"^sources-(\d+)$")


def choices_made(data: QueryDict) -> QueryDict:
    """The form as posted, with the text the person chose in the choice box of the page
    without JavaScript put in its field: each field offered (``choices``: its name and the
    person's own text, not saved) whose "keep-<name>" says "mine". A field whose saved text is
    kept stays as posted (the form shows the saved text)."""
    offered = _json_object(data.get("choices"))
    chosen = [name for name in offered or {} if data.get(f"keep-{name}") == "mine"]
    if not chosen:
        return data
    data = data.copy()
    for name in chosen:
        mine = offered[name]
        if match := _SOURCE_ROW.match(name):
            source = mine if isinstance(mine, dict) else {}
            for field in SOURCE_FIELDS:
                data[f"{name}-{field}"] = source.get(field) or SPARE_ROW.get(field, "")
            total = data.get("sources-TOTAL_FORMS", "")
            rows = int(total) if total.isdigit() else 0
            data["sources-TOTAL_FORMS"] = str(max(rows, int(match[1]) + 1))
        elif isinstance(mine, str):
            data[name] = mine
    return data


class VersionedForm(forms.ModelForm):
    """Every save names the version it edited and the editor (tab) that made it.

    The editor's script also says which fields the tab changed since that version, each with
    the text it started from (``edited``: a JSON object; a research source is one row,
    "sources-<its place in the form>", with its four values). The page carries, rendered with
    it, the text every field started from (``started``, the same shape, the stored sources
    only): a save without the script sends that, and which fields it changed is what differs.
    A save with neither (a page of before) is compared as a whole form."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    editor_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    edited = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def clean_edited(self) -> dict[str, Any] | None:
        """The fields the tab changed and their texts as it started from them; None when the
        save does not say (or says it in a way that cannot be read: then nothing is assumed)."""
        return _json_object(self.cleaned_data.get("edited"))

    def clean_started(self) -> dict[str, Any] | None:
        """Every field's text as the page started from it; None as for ``edited``."""
        return _json_object(self.cleaned_data.get("started"))

    def posted_or_stored(self, name: str, stored):
        """The posted value of ``name`` where it validated, else ``stored``: a value that does
        not validate holds back only itself (the page keeps it, marked, until it is corrected).
        Call after ``is_valid()``."""
        return self.cleaned_data[name] if name in self.cleaned_data else stored


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a short list read in one query per form, which the check boxes and the
    "None in the district" test then share (Django's own reads them again, through a server-side
    cursor, each time)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.choice_objects():
            yield self.choice(obj)

    def __len__(self):
        return (self.field.empty_label is not None) + len(self.field.choice_objects())

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.choice_objects())


class DistrictGoalsField(forms.ModelMultipleChoiceField):
    iterator = ReadOnceChoiceIterator
    # A function that reads the objects to offer (what ``queryset`` holds), called once per
    # form when the choices are shown; None: the queryset is read.
    read_choices = None
    _read = None

    def choice_objects(self):
        if self.read_choices is None:
            return self.queryset
        if self._read is None:
            self._read = self.read_choices()
        return self._read


class PlanTextForm(VersionedForm):
    class Meta:
        model = Plan
        fields = PLAN_TEXT_FIELDS
        labels = {
            "title": "Plan title",
            "rationale": "Rationale",
            "hypothesis": "Hypothesis or purpose",
            "personal_goal": "Personal goal it ties to",
            "building_goal": "Building goal it ties to",
            "district_goals": "District goals it ties to",
            "district_goal_notes": "More about the district goals (optional)",
            "actions": "Job-embedded actions",
            "setting": "Setting",
            "timeline": "Timeline",
            "affected": "Students or staff affected",
            "impact_measures": "How you will measure the impact",
        }
        help_texts = {
            "title": "Optional; the micro-credential’s title is used if empty.",
            "rationale": "Why this learning, for you and your students now.",
            "hypothesis": "What you expect to change, and for whom.",
            "actions": "What you will do in your classroom, building or district.",
            "impact_measures": "The data you will collect: before and after, work samples, "
            "observations, surveys.",
        }
        widgets = {
            "setting": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in PLAN_TEXT_FIELDS
                if name not in ("title", "setting")
            },
        }

    # Not a model field of the form: a save is validated without reading the plan's goals (the
    # save reads them, locked), and the page gives them as ``initial``, prefetched.
    district_goals = DistrictGoalsField(
        queryset=DistrictGoal.objects.none(),
        required=False,
        label=Meta.labels["district_goals"],
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = [*PLAN_TEXT_FIELDS, "district_goals"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        goals = self.fields["district_goals"]
        # Validated against the queryset; shown from one prepared read (microcreds.prepared).
        goals.queryset = goals_for_user(user)
        goals.read_choices = lambda: active_goals_list(user)
        self.fields["setting"].choices = Plan.Setting.choices
        self.fields["setting"].required = False


class SourceForm(forms.Form):
    """One research source; a row left entirely empty is dropped."""

    citation = forms.CharField(
        label="Citation", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label="Kind", choices=PlanSource.Kind.choices, required=False)
    url = forms.URLField(
        label="Link",
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text="A web address starting with https:// (optional).",
    )
    learned = forms.CharField(
        label="What you learned",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        filled = any((data.get(name) or "").strip() for name in ("citation", "url", "learned"))
        data["filled"] = filled
        if filled and not (data.get("citation") or "").strip():
            self.add_error("citation", "Give the citation of this source (author, year, title).")
        if not data.get("kind"):
            data["kind"] = PlanSource.Kind.ARTICLE
        return data

    @property
    def is_spare(self) -> bool:
        """A blank row offered for a new source, as every plan page offers it: the same HTML
        for the same position (the page keeps it rendered, by position)."""
        return not self.is_bound and self.initial == SPARE_ROW

    def as_source(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("citation", "kind", "url", "learned")
        }


SourceFormSet = forms.formset_factory(
    SourceForm, extra=0, max_num=MAX_SOURCES, absolute_max=MAX_SOURCES, validate_max=True
)


def sources_to_save(formset: forms.BaseFormSet, *, stored: Iterable[PlanSource]) -> list[dict]:
    """The research sources as posted, except what did not validate: a field in error keeps the
    stored value of its row (by position), and a row that cannot be a source (no citation) keeps
    the stored row, if any. A bad link in one source holds back neither the other sources nor
    the rest of the plan. Call after ``is_valid()``; ``stored`` is read only when a row is in
    error (a queryset is then one query, and none when all is well)."""
    if not formset.non_form_errors() and not any(form.errors for form in formset.forms):
        return [form.as_source() for form in formset.forms if form.cleaned_data.get("filled")]
    kept = [{name: getattr(source, name) for name in SOURCE_FIELDS} for source in stored]
    if formset.non_form_errors():
        # The rows themselves are in doubt (too many, or the form was tampered with).
        return kept
    rows = []
    for index, form in enumerate(formset.forms):
        before = kept[index] if index < len(kept) else None
        if not form.errors:
            if form.cleaned_data.get("filled"):
                rows.append(form.as_source())
            continue
        row = {
            name: form.cleaned_data[name]
            if name in form.cleaned_data
            else (before or {}).get(name, "")
            for name in SOURCE_FIELDS
        }
        if not (row["citation"] or "").strip():
            if before is not None:
                rows.append(before)
            continue
        row = {name: row[name] or "" for name in SOURCE_FIELDS}
        rows.append({**row, "kind": row["kind"] or PlanSource.Kind.ARTICLE})
    return rows


def posted_source_rows(formset: forms.BaseFormSet) -> tuple[list[dict | None], set[int]]:
    """The research sources as posted, by their place in the form (None: a row left empty),
    and the places of rows that did not validate. Call after ``is_valid()``."""
    rows: list[dict | None] = []
    invalid = set()
    for index, form in enumerate(formset.forms):
        if form.errors:
            invalid.add(index)
            rows.append(None)
        else:
            rows.append(form.as_source() if form.cleaned_data.get("filled") else None)
    return rows, invalid


def source_formset(*, plan: Plan, data=None) -> forms.BaseFormSet:
    """The plan's sources plus empty rows to reach at least three, and two spare rows.

    Posted rows are read as they are, never compared with the stored ones: the rows are
    positions, and an unchanged row must be kept, not skipped.
    """
    if data is not None:
        return SourceFormSet(data=data, prefix="sources")
    initial = [
        {"citation": s.citation, "kind": s.kind, "url": s.url, "learned": s.learned}
        for s in plan.sources.all()
    ]
    spare = max(3 - len(initial), 0) + 2
    initial += [dict(SPARE_ROW) for _ in range(spare)]
    return SourceFormSet(data=data, initial=initial, prefix="sources")


class ResultsForm(VersionedForm):
    class Meta:
        model = Submission
        fields = RESULTS_FIELDS
        labels = {
            "impact_results": "Results and data",
            "reflection_practice": "Reflection on your practice and student learning",
            "reflection_feedback": "Student or staff feedback",
            "reflection_changes": "Changes for future practice",
            "share_notes": "Where you shared this learning (optional)",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in RESULTS_FIELDS}


class ProposeForm(forms.Form):
    title = forms.CharField(label="Title of your micro-credential", max_length=200)
    competency = forms.CharField(
        label="Competency",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you will be able to do, stated as a competency.",
    )
    evidence_types = forms.ModelMultipleChoiceField(
        label="Kinds of evidence you will submit",
        queryset=EvidenceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_evidence = forms.CharField(
        label="Proposed evidence",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The artifacts you plan to submit, e.g. a lesson plan, a video, student work.",
    )
    criteria = forms.CharField(
        label="Criteria the panel should judge the evidence by",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"One per line, up to {MAX_CRITERIA}.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_types"].queryset = EvidenceType.objects.filter(
            district_id=user.district_id
        )

    def clean_criteria(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["criteria"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("Give at least one criterion.")
        if len(lines) > MAX_CRITERIA:
            raise forms.ValidationError(f"Give at most {MAX_CRITERIA} criteria.")
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError("Keep each criterion under 200 characters.")
        return lines


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="Colleague’s e-mail address", max_length=254)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        colleague = people_for_user(self.user).filter(email__iexact=email).first()
        if colleague is not None and not colleague.is_active:
            return colleague  # the lead is told why (``services.plan_member_add``)
        if colleague is None or not colleague.has_role(Role.EDUCATOR):
            raise forms.ValidationError("No educator of your district has this address.")
        return colleague
