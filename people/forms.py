"""Input validation for the people pages of district admins."""

from django import forms
from django.contrib.auth.password_validation import validate_password

from accounts.models import DISTRICT_ROLES, Building, District, DistrictGoal, User

from .selectors import CURRENT, EVERYONE, PersonStatus


class PersonForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail address")
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(), required=False, empty_label="No building"
    )
    is_educator = forms.BooleanField(required=False, label="Educator")
    is_reviewer = forms.BooleanField(required=False, label="Reviewer")
    is_district_admin = forms.BooleanField(required=False, label="District admin")
    license_number = User._meta.get_field("license_number").formfield(
        help_text="Optional. Their state educator license number, unique in your state."
    )

    def __init__(self, *args, district: District, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(district=district)
        if editing:
            del self.fields["email"]
        if not editing or district.state_id is None:
            del self.fields["license_number"]

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("is_educator", "is_reviewer", "is_district_admin")):
            raise forms.ValidationError("Give the person at least one role.")
        return data


class PeopleFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name or e-mail", max_length=200)
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(), required=False, empty_label="All buildings"
    )
    role = forms.ChoiceField(
        required=False, choices=[("", "All roles"), *((r.value, r.label) for r in DISTRICT_ROLES)]
    )
    status = forms.ChoiceField(
        required=False,
        choices=[
            (CURRENT, "All but the deactivated"),
            *PersonStatus.choices,
            (EVERYONE, "Everyone"),
        ],
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(district=district)


class RosterUploadForm(forms.Form):
    roster = forms.FileField(
        label="Roster file (CSV)",
        help_text="Columns: first_name, last_name, email, building, roles. Roles are educator, "
        "reviewer or admin, separated by “;”.",
    )


class RosterConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    only_valid = forms.BooleanField(
        required=False, label="Import only the valid rows and skip the rows with errors"
    )
    invite_new = forms.BooleanField(
        required=False, initial=True, label="E-mail an invitation to each new person"
    )


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name"]


class GoalForm(forms.ModelForm):
    class Meta:
        model = DistrictGoal
        fields = ["title", "description", "position", "active"]
        labels = {"active": "Active (educators can align plans to it)"}


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label="New password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords differ.")
        elif first:
            try:
                validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class MoveInviteForm(forms.Form):
    """Invite an educator of another district of the state to move here."""

    email = forms.EmailField(
        label="Their e-mail address",
        required=False,
        help_text="Any verified address of theirs: their current district's or a personal one.",
    )
    license_number = forms.CharField(
        label="Or their state educator license number", required=False, max_length=40
    )
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.label) for role in DISTRICT_ROLES],
        initial=["educator"],
        widget=forms.CheckboxSelectMultiple,
        label="Their roles here",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("email")) == bool((data.get("license_number") or "").strip()):
            raise forms.ValidationError("Give their e-mail address or their license number.")
        return data
