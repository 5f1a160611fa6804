"""Input validation of the review pages; the rules themselves live in reviews.services."""

from django import forms
from django.db.models import QuerySet

from accounts.models import Building, Role, User, holds_role
from credentials.models import RubricCriterion, Stack
from submissions.models import Submission

from .models import CommentTopic, Panel, ReviewAssignment, Stage

Decision = ReviewAssignment.Decision


class QueueFilterForm(forms.Form):
    STATE_CHOICES = [("", "All waiting"), ("overdue", "Overdue"), ("due_soon", "Due in 3 days")]

    stage = forms.ChoiceField(choices=[("", "Both stages"), *Stage.choices], required=False)
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label="Due")
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Educator, plan or micro-credential",
    )


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        label="Reason the educator will read",
        help_text="Required when you request changes or decline.",
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Conditions of the approval",
        help_text="Required when you approve with conditions.",
    )

    def __init__(self, *args, topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        for topic in topics:
            self.fields[f"comment_{topic}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                label=f"Your comment on {CommentTopic(topic).label}",
            )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if (
            decision in (Decision.REQUEST_CHANGES, Decision.DECLINE)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Give the educator a reason for this decision.")
        if decision == Decision.APPROVE_WITH_CONDITIONS and not data.get("conditions", "").strip():
            self.add_error("conditions", "State the conditions of the approval.")
        return data

    def comments(self) -> dict[str, str]:
        return {topic: self.cleaned_data.get(f"comment_{topic}", "") for topic in self.topics}


class ScoreForm(forms.Form):
    overall_comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=True,
        max_length=10000,
        label="Overall comment to the educator",
    )

    def __init__(self, *args, criteria: list[RubricCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                choices=[
                    (level.pk, f"{level.label} ({level.score})") for level in criterion.levels.all()
                ],
                coerce=int,
                widget=forms.RadioSelect,
                label=f"Level for “{criterion.title}”",
                error_messages={"required": f"Choose a level for “{criterion.title}”."},
            )
            self.fields[f"feedback_{criterion.pk}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                label=f"Feedback on “{criterion.title}”",
            )

    def rows(self):
        return [
            (criterion, self[f"level_{criterion.pk}"], self[f"feedback_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"level_{c.pk}"] for c in self.criteria}

    def feedback(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"feedback_{c.pk}", "") for c in self.criteria}


class ChairPlanForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Reason the educator reads"
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Conditions of the approval",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.APPROVE_WITH_CONDITIONS and not data.get("conditions"):
            self.add_error("conditions", "State the conditions of the approval.")
        return data


class ChairFinalForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Submission.Status.EARNED, "Grant: earned"),
            (Submission.Status.NOT_YET, "Not yet"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        label="Comment to the educator",
        help_text="Required when you settle a disagreement.",
    )


class ReassignForm(forms.Form):
    to_reviewer = forms.ModelChoiceField(queryset=User.objects.none(), label="New reviewer")

    def __init__(
        self, *args, reviewers: QuerySet[User], listed: list[User] | None = None, **kwargs
    ):
        """``reviewers``: whom the choice accepts; ``listed``: whom it offers, when already
        read (a page of several such forms reads them once, not once per form)."""
        super().__init__(*args, **kwargs)
        field = self.fields["to_reviewer"]
        field.queryset = reviewers
        if listed is not None:
            field.choices = [
                ("", field.empty_label),
                *((person.pk, field.label_from_instance(person)) for person in listed),
            ]


class PanelForm(forms.ModelForm):
    class Meta:
        model = Panel
        fields = ["name", "description", "chair", "members", "buildings", "stacks", "active"]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "buildings": forms.CheckboxSelectMultiple,
            "stacks": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "buildings": "Educators of these buildings. None ticked: every building.",
            "stacks": "Micro-credentials of these stacks. None ticked: every stack.",
            "chair": "Decides split reviews and confirms outcomes when the district asks for it.",
        }

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        reviewers = User.objects.filter(holds_role(Role.REVIEWER), district=district)
        self.fields["chair"].queryset = reviewers
        self.fields["members"].queryset = reviewers
        self.fields["buildings"].queryset = Building.objects.filter(district=district)
        self.fields["stacks"].queryset = Stack.objects.filter(district=district)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Panel.objects.filter(district=self.district, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another panel of the district has this name.")
        return name

    def clean(self):
        data = super().clean()
        # Plans of the panel's buildings and stacks go to its members: an active panel without
        # any would take them from the panel that can review them, and nobody would.
        if data.get("active") and not data.get("members"):
            self.add_error(
                "members",
                "An active panel needs at least one member to review its plans: tick its "
                "reviewers, or leave the panel inactive until it has them.",
            )
        return data
