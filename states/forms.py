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
