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


class PortfolioForm(forms.Form):
    published = forms.BooleanField(
        label="Publish my portfolio page (anyone with the link can see my badges)",
        required=False,
    )
    headline = forms.CharField(label="Headline (optional)", max_length=200, required=False)
