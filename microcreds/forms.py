"""How every form of the site renders: one field template and one form template (with the
one error summary), in ``templates/forms/``."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
