from django import forms


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
