"""Input of the wallet API: a registration request (RFC 7591, as the Open Badges 3.0
specification profiles it) and the educator's answer on the consent page."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from oauth2_provider.forms import AllowForm

GRANT_TYPES = {"authorization_code", "refresh_token"}
AUTH_METHODS = {"client_secret_basic": "confidential", "none": "public"}


def validate_redirect_uri(uri: str) -> None:
    """An absolute https URI without a fragment (RFC 6749 §3.1.2), https://localhost included.
    Plain http is refused: the deployment's OAuth settings admit https redirects only."""
    URLValidator(schemes=["https"])(uri)
    if urlsplit(uri).fragment:
        raise ValidationError(f"“{uri[:200]}” must not have a fragment.")


class StringListField(forms.Field):
    """A JSON array of strings (RFC 7591: arrays even for one value)."""

    def __init__(self, *, item_validator=None, **kwargs):
        self.item_validator = item_validator
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError("Must be an array of strings.")
        return [v.strip() for v in value]

    def validate(self, value):
        super().validate(value)
        if self.item_validator:
            for item in value:
                self.item_validator(item)


class HttpsUrlField(forms.URLField):
    default_validators = [URLValidator(schemes=["https"])]

    def __init__(self, **kwargs):
        super().__init__(max_length=500, assume_scheme="https", **kwargs)


class WalletRegistrationForm(forms.Form):
    """The registration request's JSON body, field by field (1EdTech OB 3.0 §7.3)."""

    client_name = forms.CharField(max_length=200)
    client_uri = HttpsUrlField()
    logo_uri = HttpsUrlField()
    tos_uri = HttpsUrlField()
    policy_uri = HttpsUrlField()
    software_id = forms.CharField(max_length=200)
    software_version = forms.CharField(max_length=100)
    redirect_uris = StringListField(item_validator=validate_redirect_uri)
    scope = forms.CharField(max_length=2000)
    token_endpoint_auth_method = forms.CharField(required=False)
    grant_types = StringListField(required=False)
    response_types = StringListField(required=False)
    contacts = StringListField(required=False)

    def __init__(self, data: dict):
        # Strings stay strings; a number or an object where a string belongs is refused.
        super().__init__(data)
        self.wrong_types = [
            name
            for name, field in self.fields.items()
            if not isinstance(field, StringListField)
            and name in data
            and not isinstance(data[name], str)
        ]

    def clean(self):
        for name in self.wrong_types:
            self.add_error(name, "Must be a string.")
        return super().clean()

    def clean_redirect_uris(self) -> list[str]:
        uris = self.cleaned_data["redirect_uris"]
        if len(uris) > 10:
            raise ValidationError("At most 10 redirect URIs.")
        return uris

    def clean_scope(self) -> list[str]:
        asked = self.cleaned_data["scope"].split()
        offered = [scope for scope in asked if scope in settings.WALLET_SCOPES]
        if not any(scope.startswith(settings.OB_SCOPE) for scope in offered):
            raise ValidationError(
                "Ask for at least one Open Badges scope offered here: "
                + ", ".join(s for s in settings.WALLET_SCOPES if s.startswith(settings.OB_SCOPE))
            )
        return list(dict.fromkeys(offered))

    def clean_token_endpoint_auth_method(self) -> str:
        method = self.cleaned_data["token_endpoint_auth_method"] or "client_secret_basic"
        if method not in AUTH_METHODS:
            raise ValidationError("Use client_secret_basic (confidential) or none (public).")
        return method

    def clean_grant_types(self) -> list[str]:
        grants = self.cleaned_data["grant_types"] or ["authorization_code"]
        if "authorization_code" not in grants or not set(grants) <= GRANT_TYPES:
            raise ValidationError("Only authorization_code (with refresh_token) is offered.")
        return sorted(set(grants))

    def clean_response_types(self) -> list[str]:
        types = self.cleaned_data["response_types"] or ["code"]
        if types != ["code"]:
            raise ValidationError("Only the response type code is offered.")
        return types


class WalletConsentForm(AllowForm):
    """DOT's authorization form (its hidden fields carry the request), with the educator's
    answer as a choice they read and make, rendered by the site's form templates."""

    allow = forms.TypedChoiceField(
        label="Connect this wallet?",
        choices=[("yes", "Yes, connect it"), ("no", "No, do not connect it")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class CredentialsQueryForm(forms.Form):
    """getCredentials' query: ``limit`` (at most ``MAX_LIMIT``), ``offset`` and ``since``."""

    MAX_LIMIT = 100

    limit = forms.IntegerField(min_value=1, required=False)
    offset = forms.IntegerField(min_value=0, required=False)
    since = forms.DateTimeField(required=False)

    def clean_limit(self) -> int:
        return min(self.cleaned_data["limit"] or 20, self.MAX_LIMIT)

    def clean_offset(self) -> int:
        return self.cleaned_data["offset"] or 0
