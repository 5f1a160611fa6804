from django import forms
from django.conf import settings

from .models import parse_allowed_ips


class ApiClientForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text="Say which system this is, e.g. HR payroll (Workday)."
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=lambda: [
            (scope, f"{scope}: {label}") for scope, label in settings.API_SCOPES.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Grant only what the system needs.",
        error_messages={"required": "Choose at least one thing the system may do."},
    )
    allowed_ips = forms.CharField(
        label="Allowed addresses (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[parse_allowed_ips],
        help_text="Calls are accepted only from these addresses or ranges, one per line "
        "(e.g. 203.0.113.0/24). Empty: from anywhere.",
    )
