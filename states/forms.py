"""Input of the state pages."""

from django import forms


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
