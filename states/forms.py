"""Input of the state pages."""

import copy
from typing import Any

from django import forms

from credentials.models import MicroCredential
from credentials.packages import SCHEMA, SCHEMA_VERSION, PackageError, package_loads
from programs.forms import clean_renewal_terms


class DistrictCreateForm(forms.Form):
    name = forms.CharField(
        label="District name",
        max_length=200,
        help_text="As on its certificates, e.g. Prairie USD 312.",
    )
    slug = forms.SlugField(
        label="Short name",
        max_length=80,
        help_text="Lower-case letters, digits and hyphens, unique on the site, e.g. prairie-312.",
    )
    domains = forms.CharField(
        label="Sign-in e-mail domains",
        max_length=500,
        required=False,
        help_text="Its staff's Google or Microsoft addresses at these domains may sign in with "
        "them, e.g. usd312.org. Comma-separated; may be left empty.",
    )
    first_admin_email = forms.EmailField(
        label="First district admin's e-mail address",
        help_text="They receive an invitation to set their password; it works once, for a "
        "limited time.",
    )


# Each criterion written as a line gets these levels, as an educator's proposal does.
LINE_CRITERION_LEVELS = [
    {"score": 1, "label": "Not yet", "description": ""},
    {"score": 2, "label": "Demonstrated", "description": ""},
]


class StateEntryForm(forms.Form):
    """A state catalog entry's content: written here, or brought in whole as a package file.
    ``package()`` builds the package the service validates (and says why it refuses)."""

    title = forms.CharField(label="Title", max_length=200, required=False)
    competency = forms.CharField(
        label="Competency statement", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    key_method = forms.CharField(
        label="Key method", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    method_components = forms.CharField(
        label="Method components",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The learning needed and actionable steps, one per line.",
    )
    research_and_resources = forms.CharField(
        label="Research and resources", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    submission_guidelines = forms.CharField(
        label="Evidence to submit", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    estimated_hours = forms.DecimalField(
        label="Hours", min_value=0, max_digits=5, decimal_places=1, initial=0
    )
    pd_points = forms.DecimalField(
        label="PD points", min_value=0, max_digits=5, decimal_places=1, initial=0
    )
    rigor = forms.TypedChoiceField(
        label="Level of rigor",
        choices=MicroCredential.Rigor.choices,
        coerce=int,
        initial=MicroCredential.Rigor.DEVELOPING,
    )
    stack = forms.CharField(
        label="Stack (optional)",
        max_length=200,
        required=False,
        help_text="Entries of one stack are listed together; a district adopting one gets a "
        "stack of this name.",
    )
    evidence_types = forms.CharField(
        label="Evidence types (optional)",
        max_length=500,
        required=False,
        help_text="Comma-separated, e.g. Lesson plan, Classroom video.",
    )
    criteria = forms.CharField(
        label="Rubric criteria",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One per line; each is scored “Not yet” or “Demonstrated” (passing). For "
        "other levels, bring the entry in as a package file.",
    )
    note = forms.CharField(
        label="What changed (shown to the districts)", max_length=300, required=False
    )
    package_file = forms.FileField(
        label="Or a package file (.json)",
        required=False,
        help_text="A micro-credential exported from microcreds or another provider's package; "
        "it replaces everything written above.",
        widget=forms.FileInput(attrs={"accept": "application/json,.json"}),
    )

    def __init__(self, *args, base: dict[str, Any] | None = None, **kwargs):
        """``base``: the latest version's package, when this form makes a new version: its
        fields are the initial values and its rubric is kept (criteria lines are not asked)."""
        self.base = base
        if base is not None:
            entry = base["entry"]
            kwargs.setdefault(
                "initial",
                {
                    **{name: entry[name] for name in self.TEXT_FIELDS},
                    "estimated_hours": entry["estimated_hours"],
                    "pd_points": entry["pd_points"],
                    "rigor": entry["rigor"],
                    "stack": (base["stack"] or {}).get("name", ""),
                    "evidence_types": ", ".join(e["name"] for e in base["evidence_types"]),
                },
            )
        super().__init__(*args, **kwargs)
        if base is not None:
            del self.fields["criteria"]
            self.fields["package_file"].help_text += " Without one, the rubric stays as it is."

    TEXT_FIELDS = (
        "title",
        "competency",
        "key_method",
        "method_components",
        "research_and_resources",
        "submission_guidelines",
    )

    def clean_package_file(self) -> dict[str, Any] | None:
        upload = self.cleaned_data.get("package_file")
        if not upload:
            return None
        try:
            return package_loads(upload.read())
        except PackageError as error:
            raise forms.ValidationError(error.problems) from None

    def package(self) -> dict[str, Any]:
        """The package of what was written (or the file's), for the service to validate."""
        data = self.cleaned_data
        if data["package_file"] is not None:
            return data["package_file"]
        package = (
            copy.deepcopy(self.base)
            if self.base is not None
            else {
                "schema": SCHEMA,
                "schema_version": SCHEMA_VERSION,
                "entry": {
                    "grade_band": "all",
                    "tags": "",
                    "valid_for_days": None,
                    "state_standard": "",
                    "state_standard_url": "",
                },
                "rubric": {"passing_rule": "all", "minimum_passing_criteria": None, "criteria": []},
                "provider": {"name": "", "version": None},
            }
        )
        package["entry"].update({name: data[name] for name in self.TEXT_FIELDS})
        package["entry"]["estimated_hours"] = str(data["estimated_hours"])
        package["entry"]["pd_points"] = str(data["pd_points"])
        package["entry"]["rigor"] = data["rigor"]
        stack = data["stack"].strip()
        old_stack = (self.base or {}).get("stack") or {}
        package["stack"] = (
            (
                {**old_stack, "name": stack}
                if old_stack.get("name") == stack
                else {"name": stack, "description": "", "color": "#1f4e79"}
            )
            if stack
            else None
        )
        names = [n.strip() for n in data["evidence_types"].split(",") if n.strip()]
        known = {e["name"]: e for e in (self.base or {}).get("evidence_types", [])}
        package["evidence_types"] = [
            known.get(name, {"name": name, "description": "", "accepts": "any"}) for name in names
        ]
        for criterion in package["rubric"]["criteria"]:
            if criterion.get("evidence_type") not in (None, *names):
                criterion["evidence_type"] = None
        if self.base is None:
            package["rubric"]["criteria"] = [
                {
                    "title": line.strip(),
                    "description": "",
                    "component": "",
                    "passing_score": 2,
                    "evidence_type": None,
                    "levels": copy.deepcopy(LINE_CRITERION_LEVELS),
                }
                for line in data["criteria"].splitlines()
                if line.strip()
            ]
        return package


class StateRenewalRuleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, initial="State license renewal")
    required_count = forms.IntegerField(
        label="Micro-credentials required",
        min_value=0,
        max_value=50,
        initial=2,
        help_text="0 to count PD points alone.",
    )
    required_points = forms.DecimalField(
        label="PD points required",
        required=False,
        max_digits=6,
        decimal_places=1,
        help_text="Leave empty to count micro-credentials alone.",
    )
    window_cycles = forms.IntegerField(
        label="Within this many cycles (semesters)",
        min_value=1,
        max_value=20,
        initial=3,
        help_text="Counted in each district's own cycles.",
    )
    effective_from = forms.DateField(
        label="In force from", widget=forms.DateInput(attrs={"type": "date"})
    )
    at_risk_days = forms.IntegerField(
        label="At risk when this few days remain",
        min_value=0,
        max_value=1000,
        initial=120,
    )

    def clean(self):
        data = super().clean()
        clean_renewal_terms(self, data)
        return data


class DistrictTableForm(forms.Form):
    """The side-by-side table's search and order (GET); anything else reads as the default."""

    q = forms.CharField(required=False, label="District name contains", max_length=200)
    sort = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[
            ("", "By name"),
            ("-educators", "Most educators first"),
            ("-earned", "Most earned this cycle first"),
            ("earned", "Fewest earned this cycle first"),
            ("pass_rate", "Lowest pass rate first"),
            ("-turnaround", "Slowest turnaround first"),
            ("-at_risk", "Most at risk of re-licensure first"),
            ("-not_met", "Most re-licensure not met first"),
        ],
    )
