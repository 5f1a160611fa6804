"""How every form of the site renders: one field template and one form template (with the
one error summary), in ``templates/forms/``.

The plainest widgets (every ``<input>``, ``<textarea>`` and ``<select>``, radio buttons and check
boxes) are written here in Python rather than through their templates: the very HTML of Django's
own templates (a test compares them), at a fraction of the cost of a template per widget on pages
with many fields. So is a field with its label, hint and message: ``forms/field.html`` stays the
reference it is compared with (tests/test_forms_render_one_way.py)."""

from collections.abc import Callable
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
SELECT_OPTION = WIDGETS + "select_option.html"
FIELD_TEMPLATE = "forms/field.html"


def _shown(value: Any) -> str:
    """``{{ value }}`` in a template."""
    if isinstance(value, str):
        return conditional_escape(value)  # neither localized nor a time
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _as_text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` in a template."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_as_text(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    text = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _select(widget: dict) -> str | None:
    html = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None  # a widget with its own option template renders through it
            html.append(
                f'\n  <option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _choice_inputs(widget: dict) -> str | None:
    """Django's ``multiple_input.html`` (radio buttons, check boxes), each option through its
    ``input_option.html``; as there, each template's last line break is kept."""
    attrs = widget["attrs"]
    html = ["<div"]
    if attrs.get("id"):
        html.append(f' id="{_shown(attrs["id"])}"')
    if attrs.get("class"):
        html.append(f' class="{_shown(attrs["class"])}"')
    html.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f"\n  <div><label>{_shown(group_name)}</label>")
        for option in options:
            ending = OPTION_ENDINGS.get(option["template_name"])
            if ending is None:
                return None  # a widget with its own option template renders through it
            html.append("<div>\n    ")
            wrap = option["wrap_label"]
            if wrap:
                option_id = option["attrs"].get("id")
                html.append(f'<label for="{_shown(option_id)}">' if option_id else "<label>")
            html.append(_input(option) + "\n")
            if wrap:
                html.append(f" {_shown(option['label'])}</label>")
            html.append(ending + "</div>")
        if group_name:
            html.append("\n  </div>")
    html.append("\n</div>")
    return "".join(html)


# An option's template, and the line breaks that end it: ``input_option.html``'s, then its own.
OPTION_ENDINGS = {
    WIDGETS + "input_option.html": "\n",
    WIDGETS + "radio_option.html": "\n\n",
    WIDGETS + "checkbox_option.html": "\n\n",
}

_INPUTS = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number")
_INPUTS += ("password", "search", "tel", "text", "time", "url")
WRITERS: dict[str, Callable[[dict], str | None]] = {
    **{f"{WIDGETS}{name}.html": _input for name in _INPUTS},
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
    WIDGETS + "radio.html": _choice_inputs,
    WIDGETS + "checkbox_select.html": _choice_inputs,
    WIDGETS + "multiple_input.html": _choice_inputs,
}


def _field_group(context: dict) -> str:
    """``forms/field.html``: the field's label (or legend), hint, message and widget."""
    field = context["field"]
    if field.is_hidden:
        return _shown(field)
    html = [f'<div class="field{" field-invalid" if field.errors else ""}">\n  ']
    use_fieldset = field.use_fieldset
    is_checkbox = field.widget_type == "checkbox"
    if use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{_shown(described)}"' if described else ""
        html.append(f"<fieldset{described}>\n  <legend>{_shown(field.label)}</legend>\n  ")
    elif is_checkbox:
        html.append(
            f'<label class="check" for="{_shown(field.id_for_label)}">{_shown(field)} '
            f"{_shown(field.label)}</label>\n  "
        )
    else:
        html.append(f'<label for="{_shown(field.id_for_label)}">{_shown(field.label)}</label>\n  ')
    auto_id = _shown(field.auto_id)
    if field.help_text:
        html.append(f'<span class="hint" id="{auto_id}_helptext">{_shown(field.help_text)}</span>')
    errors = "".join(f"{_shown(error)} " for error in field.errors)
    html.append(
        f'\n  <p class="field-error" id="{auto_id}_error" '
        f'data-error-for="{_shown(field.html_name)}">{errors}</p>\n  '
    )
    if not is_checkbox:
        html.append(_shown(field))
    html.append("\n  ")
    if use_fieldset:
        # As the template reads it: a field without choices has none in the district either.
        if not getattr(field.field, "choices", ""):
            html.append('<p class="hint">None in the district.</p>')
        html.append("</fieldset>")
    html.append("\n</div>")
    return "".join(html)


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name: str, context: dict, request=None) -> str:
        if template_name == FIELD_TEMPLATE:
            return SafeString(_field_group(context))
        write = WRITERS.get(template_name)
        html = write(context["widget"]) if write is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return SafeString(html)  # as a template's, stripped by Django's renderers
