"""Input validation of the webhook pages (the address rule is the service's: ``addresses``)."""

from django import forms

from .models import EventType


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label="Receiver URL",
        max_length=2000,
        assume_scheme="https",
        help_text="An HTTPS address of your system, reachable from the internet, that accepts a "
        "POST of JSON.",
    )
    description = forms.CharField(
        required=False, max_length=200, help_text="What receives it, e.g. “HR salary system”."
    )
    events = forms.MultipleChoiceField(
        choices=[(event.value, f"{event.value}: {event.label}") for event in EventType],
        widget=forms.CheckboxSelectMultiple,
    )
