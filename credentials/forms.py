"""Input validation for the catalog pages; the services apply the rules."""

from django import forms

from accounts.models import User

from . import images, selectors
from .models import EvidenceType, MicroCredential, Rubric, RubricCriterion, Stack
from .services import ENTRY_FIELDS, NEW_CRITERION_LEVELS, NEW_CRITERION_PASSING_SCORE, LevelInput


class NoSuffix:
    """Labels without a trailing colon: the page reads "Title", not "Title:"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RowChoiceField(forms.ChoiceField):
    """One of the rows read as (pk, name) pairs (``set_rows``), cleaned to its pk: the values a
    ``ModelChoiceField`` of those rows accepts, with its message, without a query of its own."""

    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, *, empty_label: str, **kwargs):
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.pks: set[int] = set()

    def set_rows(self, rows: list[tuple[int, str]]) -> None:
        self.choices = [("", self.empty_label), *rows]
        self.pks = {pk for pk, _ in rows}

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        forms.ModelChoiceField.validate_no_null_characters(self, value)
        try:
            pk = int(value)  # as the primary key's field reads it
        except (ValueError, TypeError):
            pk = None
        if pk not in self.pks:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return pk

    def validate(self, value) -> None:
        forms.Field.validate(self, value)


class CatalogFilterForm(NoSuffix, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words from the title, competency, key method or tags.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    stack = RowChoiceField(empty_label="Any stack", required=False, label="Stack")
    evidence_type = RowChoiceField(
        empty_label="Any evidence type", required=False, label="Evidence type"
    )
    max_hours = forms.DecimalField(
        label="At most this many hours", required=False, min_value=0, max_digits=5, decimal_places=1
    )
    grade_band = forms.ChoiceField(
        label="Grade band",
        required=False,
        choices=[("", "Any grade band"), *MicroCredential.GradeBand.choices],
    )

    def __init__(self, *args, choices: selectors.CatalogFilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stack"].set_rows(choices.stacks)
        self.fields["evidence_type"].set_rows(choices.evidence_types)

    def filters(self) -> dict:
        """Keyword arguments for ``published_entries`` (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"] or "",
            "stack_id": data["stack"],
            "evidence_type_id": data["evidence_type"],
            "max_hours": data["max_hours"],
            "grade_band": data["grade_band"] or "",
        }


class MicroCredentialForm(NoSuffix, forms.ModelForm):
    state_standard_url = forms.URLField(
        label="Link to the state standard (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    # Not a model field of the form: the upload is checked and re-encoded here, and
    # services.microcredential_badge_image_set stores the result (never the bytes as they came).
    badge_image = forms.FileField(
        label="Badge image",
        required=False,
        help_text=(
            "PNG or JPEG, square or nearly so, at least 200 px a side, 2 MB at most. "
            "Without one, the badge is drawn in the stack's color with the title."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta:
        model = MicroCredential
        fields = [*ENTRY_FIELDS, "evidence_types"]
        labels = {
            "competency": "Competency statement",
            "research_and_resources": "Research and resources",
            "pd_points": "PD points",
            "rigor": "Level of rigor",
            "valid_for_days": "Valid for (days)",
            "renewal_plan": "How an award is renewed",
            "state_standard": "State standard (optional)",
            "evidence_types": "Evidence types required",
        }
        help_texts = {
            "competency": "The skill the educator will demonstrate, in one or two sentences.",
            "key_method": "How the educator achieves the competency, in outline.",
            "method_components": "The learning needed and actionable steps, one per line.",
            "research_and_resources": "Articles, books and links, one per line.",
            "submission_guidelines": "What to submit: overview, work examples, reflection.",
            "tags": "Comma-separated, e.g. routines, behavior, elementary",
            "state_standard": "The state's professional standard this meets, e.g. "
            "“Standard 4: Teachers facilitate learning”. Badges carry it as an alignment.",
        }
        widgets = {"evidence_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stack"].queryset = Stack.objects.filter(district_id=user.district_id)
        self.fields["stack"].empty_label = "No stack"
        self.fields["evidence_types"].queryset = selectors.evidence_types_for_user(user)
        for name in ("competency", "key_method", "method_components", "research_and_resources"):
            self.fields[name].widget.attrs["rows"] = 4

    def clean_badge_image(self) -> bytes | None:
        """The upload as a checked PNG (see ``images.uploaded_badge_png``), or None."""
        upload = self.cleaned_data.get("badge_image")
        if not upload:
            return None
        if upload.size > images.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The image is {upload.size / 1048576:.1f} MB; upload one of 2 MB at most."
            )
        try:
            return images.uploaded_badge_png(upload.read())
        except images.BadgeImageRejected as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            self._ask_for_the_image_again()
        return cleaned

    def refuse(self, message: str) -> None:
        """Report a refusal of the catalog service above the form."""
        self.add_error(None, message)
        self._ask_for_the_image_again()

    def _ask_for_the_image_again(self) -> None:
        # A browser cannot put a chosen file back into the page that reports the errors.
        if self.cleaned_data.get("badge_image"):
            self.add_error(
                "badge_image", "The image was fine; choose it again once the rest is corrected."
            )

    def entry_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS}

    def entry_changed(self) -> bool:
        """Whether anything but the badge image changed (an image alone is no new version)."""
        return any(name != "badge_image" for name in self.changed_data)


class RubricForm(NoSuffix, forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["passing_rule", "minimum_passing_criteria"]
        labels = {"minimum_passing_criteria": "Criteria that must pass (for the minimum rule)"}
        widgets = {"passing_rule": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("passing_rule") == Rubric.PassingRule.MINIMUM and not cleaned.get(
            "minimum_passing_criteria"
        ):
            self.add_error(
                "minimum_passing_criteria", "Say how many criteria must be at their passing level."
            )
        return cleaned


class RubricCriterionForm(NoSuffix, forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["title", "description", "component", "evidence_type", "passing_score", "position"]
        labels = {
            "component": "Plan component it scores",
            "evidence_type": "Evidence it scores",
            "passing_score": "Passing score",
        }
        help_texts = {
            "passing_score": "A level passes when its score is at least this.",
            "position": "Order in the rubric (smallest first).",
        }

    def __init__(self, *args, microcredential: MicroCredential, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].queryset = EvidenceType.objects.filter(
            district_id=microcredential.district_id
        )
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["position"].required = False
        if self.instance.pk is None:
            # Not the model's default (1): with the new criterion's levels, "Not yet" would pass.
            self.initial["passing_score"] = NEW_CRITERION_PASSING_SCORE


class RubricLevelForm(NoSuffix, forms.Form):
    score = forms.IntegerField(label="Score", min_value=0, max_value=20, required=False)
    label = forms.CharField(label="Label", max_length=80, required=False)
    description = forms.CharField(
        label="What it looks like",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get("score") is not None, bool(cleaned.get("label"))]
        if any(filled) and not all(filled):
            raise forms.ValidationError("A level needs both a score and a label.")
        return cleaned


class BaseLevelFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.levels():
            raise forms.ValidationError("Give the criterion at least one level.")
        scores = [level.score for level in self.levels()]
        if len(set(scores)) != len(scores):
            raise forms.ValidationError("Two levels cannot have the same score.")

    def levels(self) -> list[LevelInput]:
        return [
            LevelInput(
                score=form.cleaned_data["score"],
                label=form.cleaned_data["label"],
                description=form.cleaned_data.get("description", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("label")
        ]


LevelFormSet = forms.formset_factory(
    RubricLevelForm, formset=BaseLevelFormSet, extra=0, max_num=8, validate_max=True
)


def level_formset(data=None, *, criterion: RubricCriterion | None = None) -> BaseLevelFormSet:
    """Rows for the levels: the criterion's own (or a new criterion's, "Not yet / Demonstrated")
    plus blank rows."""
    if criterion is not None:
        initial = [
            {"score": lv.score, "label": lv.label, "description": lv.description}
            for lv in criterion.levels.all()
        ]
    else:
        initial = [{"score": lv.score, "label": lv.label} for lv in NEW_CRITERION_LEVELS]
    initial += [{}] * max(0, 5 - len(initial))
    return LevelFormSet(data, initial=initial, prefix="levels")


class StackForm(NoSuffix, forms.ModelForm):
    class Meta:
        model = Stack
        fields = ["name", "description", "color"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}
        help_texts = {"color": "Used for the stack's label in the catalog."}


class EvidenceTypeForm(NoSuffix, forms.ModelForm):
    class Meta:
        model = EvidenceType
        fields = ["name", "description", "accepts"]
        labels = {"accepts": "Files it accepts"}


class PackageUploadForm(NoSuffix, forms.Form):
    """A catalog entry's file (``credentials.packages``): the service reads and checks it."""

    package = forms.FileField(
        label="Package file (.json)",
        help_text="A micro-credential exported from microcreds (a district's or the state's), "
        "or another provider's package in the same format. It comes in as a draft.",
        widget=forms.FileInput(attrs={"accept": "application/json,.json"}),
    )

    def package_bytes(self) -> bytes:
        return self.cleaned_data["package"].read()
