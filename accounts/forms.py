"""Input validation for the district settings page of district admins."""

from django import forms
from django.utils.text import capfirst

from .models import District, User
from .services import DISTRICT_SETTINGS
from .uploads import (
    FAMILY_LABELS,
    REENCODE_FORMATS,
    TYPE_NAMES,
    CleanImage,
    FileRefused,
    deployment_families,
    detect_type,
    district_families,
    human_size,
    reencode_image,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024


class DistrictSettingsForm(forms.ModelForm):
    """Every setting a district admin changes; saved by ``district_settings_update``."""

    logo = forms.FileField(
        required=False,
        label="Logo",
        help_text=District._meta.get_field("logo").help_text,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    artifact_families = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(District._meta.get_field("artifact_families").verbose_name),
        help_text=District._meta.get_field("artifact_families").help_text,
    )

    class Meta:
        model = District
        fields = list(DISTRICT_SETTINGS)
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "secondary_color": forms.TextInput(attrs={"type": "color"}),
            "email_domains": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, instance: District, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["artifact_families"].choices = [
            (family, FAMILY_LABELS[family].capitalize()) for family in deployment_families()
        ]
        self.initial["artifact_families"] = list(district_families(instance))
        if not instance.logo:
            del self.fields["remove_logo"]

    def clean_logo(self) -> CleanImage | None:
        """Only a readable raster image, decoded by Pillow and written back without metadata."""
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                f"The logo is {human_size(upload.size)}; the largest accepted is "
                f"{human_size(LOGO_MAX_BYTES)}."
            )
        data = upload.read()
        mime = detect_type(data[:8192])
        if mime not in REENCODE_FORMATS:
            what = TYPE_NAMES.get(mime, f"a file of type {mime}")
            if mime == "image/svg+xml":
                what = "an SVG drawing"
            raise forms.ValidationError(
                f"“{upload.name}” is {what}, not a picture the certificate can carry. Save the "
                "logo as PNG or JPEG."
            )
        try:
            return reencode_image(data, mime=mime, name=upload.name)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from exc

    def settings(self) -> dict:
        """The keyword arguments of ``district_settings_update``."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in DISTRICT_SETTINGS},
            "logo": data.get("logo"),
            "remove_logo": data.get("remove_logo", False),
        }


class LicenseNumberForm(forms.Form):
    license_number = User._meta.get_field("license_number").formfield()
