"""Input validation for artifacts: details and the privacy checklist, file announcements, links,
and the parts of a multipart upload the browser asks to sign."""

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator

from submissions.models import Component, Submission

from .models import Artifact
from .selectors import (
    criteria_for_submission,
    evidence_type_kinds,
    evidence_types_for_submission,
)
from .services import ArtifactDetails

PRIVACY_NO_IDENTIFYING = (
    "No student names, faces or other identifying details appear, unless a parent or guardian "
    "consented to it."
)
PRIVACY_CONSENT = "Consent is on file for every student who can be identified in this evidence."


class ArtifactDetailsForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title")
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    component = forms.ChoiceField(
        choices=[c for c in Component.choices if c[0] != Component.SHARE],
        initial=Component.IMPACT,
        label="Plan component",
    )
    criterion = forms.ModelChoiceField(
        queryset=None, required=False, label="Rubric criterion it evidences"
    )
    evidence_type = forms.ModelChoiceField(queryset=None, required=False, label="Evidence type")
    confirmed_no_identifying_info = forms.BooleanField(label=PRIVACY_NO_IDENTIFYING)
    confirmed_consent_on_file = forms.BooleanField(label=PRIVACY_CONSENT)

    def __init__(self, *args, submission: Submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.fields["criterion"].queryset = criteria_for_submission(submission)
        evidence_types = evidence_types_for_submission(submission)
        self.fields["evidence_type"].queryset = evidence_types
        # Each type says, as it is chosen, which kinds of file it takes.
        self.evidence_kinds = evidence_type_kinds(submission, evidence_types=evidence_types)
        kinds = {evidence_type.pk: text for evidence_type, text in self.evidence_kinds}
        self.fields["evidence_type"].label_from_instance = lambda evidence_type: (
            f"{evidence_type.name} (takes {kinds[evidence_type.pk]})"
        )
        self.fields["confirmed_no_identifying_info"].error_messages["required"] = (
            "Confirm that no student can be identified without consent."
        )
        self.fields["confirmed_consent_on_file"].error_messages["required"] = (
            "Confirm that consent is on file."
        )

    def details(self, replaces: Artifact | None = None) -> ArtifactDetails:
        data = self.cleaned_data
        return ArtifactDetails(
            title=data.get("title", ""),
            description=data.get("description", ""),
            component=data["component"],
            criterion=data.get("criterion"),
            evidence_type=data.get("evidence_type"),
            confirmed_no_identifying_info=data["confirmed_no_identifying_info"],
            confirmed_consent_on_file=data["confirmed_consent_on_file"],
            replaces=replaces,
        )


class ArtifactStartForm(ArtifactDetailsForm):
    """What the browser announces before uploading one file."""

    file_name = forms.CharField(max_length=255, strip=False, label="File name")
    size = forms.IntegerField(min_value=0, label="File size")
    replaces = forms.UUIDField(required=False)


def _is_crc32_base64(text: str) -> bool:
    """True for the base64 of 4 bytes, written as S3 writes it (``x-amz-checksum-crc32``)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 4 and base64.b64encode(raw).decode() == text


class PartChecksumsForm(forms.Form):
    """The parts of a multipart upload to sign, each ``<part number>:<its CRC32, base64>``."""

    part = forms.Field(
        widget=forms.MultipleHiddenInput,
        label="Parts",
        error_messages={"required": "Name the parts to sign, each with its CRC32 checksum."},
    )

    def clean_part(self) -> dict[int, str]:
        checksums: dict[int, str] = {}
        for value in self.cleaned_data["part"]:
            number, _, checksum = value.partition(":")
            if not number.isdigit() or not _is_crc32_base64(checksum):
                raise forms.ValidationError(
                    "Each part is named by its number and its CRC32 checksum in base64, as "
                    "“3:q83vEg==”."
                )
            if checksums.setdefault(int(number), checksum) != checksum:
                raise forms.ValidationError(f"Part {int(number)} was named with two checksums.")
        return checksums


class HttpsURLField(forms.URLField):
    """A web address that starts with https://: one validator, so one message, not the same
    message twice (URLField's own validator and an https-only one)."""

    default_validators = [URLValidator(schemes=["https"])]


class ArtifactLinkForm(ArtifactDetailsForm):
    url = HttpsURLField(
        max_length=1000,
        label="Link (https://…)",
        assume_scheme="https",
        error_messages={"invalid": "Enter a full link that starts with https://."},
    )
    replaces = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise forms.ValidationError("Links must not contain a user name or password.")
        host = (parts.hostname or "").lower()
        if host in ("localhost",) or host.endswith((".local", ".internal", ".localhost")):
            raise forms.ValidationError("Link to a page others can open, not your own computer.")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None and (address.is_private or address.is_loopback):
            raise forms.ValidationError("Link to a page others can open, not a private address.")
        return url


class ArtifactEditForm(ArtifactDetailsForm):
    def __init__(self, *args, artifact: Artifact, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": artifact.title,
                "description": artifact.description,
                "component": artifact.component,
                "criterion": artifact.criterion_id,
                "evidence_type": artifact.evidence_type_id,
                "confirmed_no_identifying_info": artifact.confirmed_no_identifying_info,
                "confirmed_consent_on_file": artifact.confirmed_consent_on_file,
            },
        )
        super().__init__(*args, submission=artifact.submission, **kwargs)
        self.fields["title"].required = True
