"""Input validation for a district's cycles, credit rules and renewal rules."""

from django import forms

from accounts.models import District
from credentials.models import MicroCredential
from credentials.selectors import lineage_choices

from .models import CreditRule, ProgramCycle, RenewalRule


class ProgramCycleForm(forms.ModelForm):
    class Meta:
        model = ProgramCycle
        fields = ["name", "starts_on", "ends_on", "plan_deadline", "evidence_deadline"]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ["starts_on", "ends_on", "plan_deadline", "evidence_deadline"]
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The cycle must end on or after its first day.")
        for name in ("plan_deadline", "evidence_deadline"):
            day = data.get(name)
            if day and starts and ends and not starts <= day <= ends:
                self.add_error(name, "The deadline must fall within the cycle.")
        return data

    def validate_unique(self):
        # The district is set by the service; check the name within it here.
        name = self.cleaned_data.get("name")
        district_id = self.instance.district_id
        if name and district_id:
            clash = ProgramCycle.objects.filter(district_id=district_id, name=name).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error("name", "Another cycle has this name.")


class CreditRuleForm(forms.ModelForm):
    microcredential = forms.ChoiceField(required=False, label="Micro-credential")
    rigor = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Level of rigor",
        choices=[("", "—")] + list(MicroCredential.Rigor.choices),
    )

    class Meta:
        model = CreditRule
        fields = [
            "scope",
            "rigor",
            "effective_from",
            "salary_amount",
            "pd_points",
            "clock_hours",
            "note",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "effective_from": "Applies to micro-credentials earned on or after this date.",
            "pd_points": "Leave empty to use the catalog entry's PD points.",
            "clock_hours": "Leave empty to use the catalog entry's estimated hours.",
        }

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["microcredential"].choices = [("", "—")] + lineage_choices(district=district)
        if self.instance.microcredential_lineage:
            self.initial["microcredential"] = str(self.instance.microcredential_lineage)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == CreditRule.Scope.RIGOR and not data.get("rigor"):
            self.add_error("rigor", "Choose the level of rigor this rule is for.")
        if scope == CreditRule.Scope.MICROCREDENTIAL and not data.get("microcredential"):
            self.add_error("microcredential", "Choose the micro-credential this rule is for.")
        if all(data.get(f) is None for f in ("salary_amount", "pd_points", "clock_hours")):
            raise forms.ValidationError(
                "Give at least one of salary increase, PD points or clock hours."
            )
        for name in ("salary_amount", "pd_points", "clock_hours"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, "Use zero or more.")
        # The rule keeps the chosen entry's lineage, so it follows it across versions.
        data["microcredential_lineage"] = data.pop("microcredential", None) or None
        return data


RENEWAL_ASKS_NOTHING = (
    "Ask for micro-credentials, PD points or both: a rule that asks for neither renews everyone."
)


def clean_renewal_terms(form: forms.Form, data: dict) -> None:
    """A renewal rule asks for micro-credentials (1 or more), PD points (more than 0) or both:
    the words the district's form and the state's form give, beside the fields."""
    count, points = data.get("required_count"), data.get("required_points")
    if points is not None and points <= 0:
        form.add_error("required_points", "Use more than 0, or leave it empty to count no points.")
    if count == 0 and points is None and "required_points" not in form.errors:
        form.add_error("required_count", RENEWAL_ASKS_NOTHING)


class RenewalRuleForm(forms.ModelForm):
    class Meta:
        model = RenewalRule
        fields = [
            "name",
            "required_count",
            "required_points",
            "window_cycles",
            "first_cycle",
            "effective_from",
            "at_risk_days",
        ]
        labels = {
            "required_count": "Micro-credentials required",
            "required_points": "PD points required",
            "window_cycles": "Within this many cycles",
            "at_risk_days": "At risk when the window closes within (days)",
        }
        help_texts = {
            "required_count": "0 to count PD points alone.",
            "required_points": "Leave empty to count micro-credentials alone.",
        }
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_cycle"].queryset = ProgramCycle.objects.filter(district_id=district.pk)

    def clean(self):
        data = super().clean()
        clean_renewal_terms(self, data)
        if data.get("window_cycles") is not None and data["window_cycles"] < 1:
            self.add_error("window_cycles", "Use 1 or more.")
        return data
