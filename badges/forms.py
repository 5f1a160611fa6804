import re
import uuid

from django import forms

# A certificate ID as printed (with dashes), wherever it sits in what was typed or scanned: a
# verification link holds it too.
CERTIFICATE_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


class VerifyLookupForm(forms.Form):
    certificate = forms.CharField(
        label="Certificate ID or verification link",
        max_length=500,
        help_text="Printed on the certificate, e.g. 3f2b9c1e-8a4d-4f6b-9c2e-1d5a7b3e9f10; "
        "scanning its QR code gives the link, which works too.",
    )

    def clean_certificate(self) -> uuid.UUID:
        text = self.cleaned_data["certificate"].strip()
        found = CERTIFICATE_ID.search(text)
        try:
            return uuid.UUID(found.group(0) if found else text)
        except ValueError:
            raise forms.ValidationError(
                "This is not a certificate ID: it has 32 letters and digits in five groups "
                "separated by dashes, as printed under “Certificate ID”."
            ) from None


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the public verification page.",
    )


class EndorseForm(forms.Form):
    comment = forms.CharField(
        label="Your endorsement",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The rule it meets and why, e.g. “Meets the state's re-licensure rule for "
        "classroom management: 15 clock hours.” Signed into the endorsement and shown on every "
        "badge issued with it.",
    )


class WithdrawEndorsementForm(forms.Form):
    reason = forms.CharField(
        label="Reason for withdrawing",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the endorsement's public page.",
    )


class PortfolioForm(forms.Form):
    published = forms.BooleanField(
        label="Publish my portfolio page (anyone with the link can see my badges)",
        required=False,
    )
    headline = forms.CharField(label="Headline (optional)", max_length=200, required=False)


class PublicEvidenceForm(forms.Form):
    """Up to three pieces of evidence for the badge, each a title and a narrative in the
    educator's own words. No files: nothing here can carry student work."""

    def __init__(self, *args, slots: int, entries=(), **kwargs):
        initial = {}
        for number, entry in enumerate(entries, start=1):
            initial[f"title_{number}"] = entry.title
            initial[f"narrative_{number}"] = entry.narrative
        super().__init__(*args, initial=initial, **kwargs)
        self.slots = slots
        for number in range(1, slots + 1):
            self.fields[f"title_{number}"] = forms.CharField(
                label=f"Evidence {number}: title", max_length=200, required=False
            )
            self.fields[f"narrative_{number}"] = forms.CharField(
                label=f"Evidence {number}: what it shows",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="In your own words. Do not name students or describe their work.",
            )

    def clean(self):
        cleaned = super().clean()
        for number in range(1, self.slots + 1):
            title = cleaned.get(f"title_{number}", "").strip()
            narrative = cleaned.get(f"narrative_{number}", "").strip()
            if title and not narrative:
                self.add_error(f"narrative_{number}", "Say what this evidence shows.")
            if narrative and not title:
                self.add_error(f"title_{number}", "Give this evidence a title.")
        return cleaned

    def entries(self) -> list[tuple[str, str]]:
        pairs = (
            (self.cleaned_data[f"title_{n}"], self.cleaned_data[f"narrative_{n}"])
            for n in range(1, self.slots + 1)
        )
        return [(title, text) for title, text in pairs if title.strip()]
