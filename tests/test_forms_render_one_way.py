"""Every form renders one way (``FORM_RENDERER``, ``templates/forms/``): one error summary with
one heading whose messages link to their fields, and one field template that labels each input
and points ``aria-describedby`` at its hint and its message."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer
from django.utils.safestring import mark_safe

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class SampleForm(forms.Form):
    title = forms.CharField(help_text="A short name.")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree")

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def test_the_project_renderer_is_the_default():
    assert settings.FORM_RENDERER == "microcreds.forms.FormRenderer"
    renderer = get_default_renderer()
    assert renderer.field_template_name == "forms/field.html"
    assert renderer.form_template_name == "forms/form.html"


def test_a_form_with_errors_has_its_summary_labels_hints_and_messages():
    form = SampleForm({"title": "", "kind": "", "agree": ""})
    assert not form.is_valid()
    html = str(form)
    ids = set(re.findall(r'\bid="([^"]+)"', html))

    assert html.count("Please correct the following") == 1
    assert "Something about the whole form." in html
    for name in ("title", "kind", "agree"):
        assert f'href="#id_{name}"' in html and f"id_{name}" in ids
        assert f'id="id_{name}_error" data-error-for="{name}"' in html
    assert '<label for="id_title">Title</label>' in html
    assert '<label class="check" for="id_agree">' in html
    assert "<legend>Kind</legend>" in html
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= ids, described
    assert 'aria-describedby="id_title_helptext id_title_error"' in html


def test_no_app_keeps_its_own_field_partial_or_error_summary():
    own = [
        str(path.relative_to(TEMPLATES))
        for pattern in ("_field.html", "_fields.html", "_form_fields.html", "_error_summary.html")
        for path in TEMPLATES.rglob(pattern)
        if path.parent.name != "forms"
    ]
    assert own == []


class OwnOptionSelect(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


class EveryWidgetForm(forms.Form):
    text = forms.CharField(help_text="A hint.", max_length=5)
    locked = forms.CharField(required=False, disabled=True)
    number = forms.IntegerField(min_value=1)
    link = forms.URLField(assume_scheme="https")
    story = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "data-on": True, "x": False}))
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("", "---"), ("a", "A <b>"), ("b", "B")])
    grouped = forms.ChoiceField(choices=[("G", [("1", "one"), ("2", "two")]), ("3", "three")])
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), (3, "three")])
    agree = forms.BooleanField(required=False)
    setting = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    goals = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    grouped_radio = forms.ChoiceField(
        choices=[("G <g>", [("1", "one"), ("2", "two & more")]), ("3", "three")],
        widget=forms.RadioSelect(attrs={"class": "a&b"}),
        help_text="Pick <one>.",
    )
    no_goals = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    when = forms.SplitDateTimeField(required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField()
    secret = forms.CharField(widget=forms.PasswordInput)
    address = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": 'a "b" & <c>'}))
    counted = forms.TypedChoiceField(coerce=int, choices=[(1, 1), (2, 20000), (3, "three & four")])
    safe = forms.CharField(widget=forms.Textarea, initial=mark_safe("<b>kept</b>"))
    safe_line = forms.CharField(initial=mark_safe("<i>kept</i>"), required=False)
    own_options = forms.ChoiceField(
        choices=[("a", "A")], widget=OwnOptionSelect(attrs={"data-x": mark_safe("&amp;")})
    )


def test_our_widgets_render_what_djangos_own_templates_do():
    """The renderer writes the plain widgets in Python, and templates/django/forms/widgets/
    writes Django's includes inline, for speed only: the HTML is Django's."""
    posted = {
        "text": 'x"<y',
        "number": "0",
        "link": "bad",
        "story": "line\n<b>",
        "kind": "a",
        "grouped": "2",
        "many": ["1", "3"],
        "agree": "on",
        "setting": "y",
        "goals": ["x"],
        "token": "z",
        "day": "2020-01-01",
        "secret": "s",
        "address": "a@b.org",
        "counted": "2",
        "safe": "<b>posted</b>",
        "safe_line": "",
        "own_options": "a",
        "grouped_radio": "9",
    }
    for data, auto_id in ((None, "id_%s"), (posted, "id_%s"), (posted, False)):
        ours = EveryWidgetForm(data, initial={"notes": "Initial <text>"}, auto_id=auto_id)
        djangos = EveryWidgetForm(
            data, initial={"notes": "Initial <text>"}, renderer=DjangoTemplates(), auto_id=auto_id
        )
        for name in EveryWidgetForm.base_fields:
            assert ours[name].as_widget() == djangos[name].as_widget(), name


POSTED = {"text": "", "number": "0", "agree": "on", "setting": "y", "grouped_radio": "9"}


@pytest.mark.parametrize("data", [None, POSTED])
def test_a_field_is_written_as_its_template_renders_it(data):
    """The renderer writes ``forms/field.html`` in Python, for speed only: the template stays
    the reference, and the HTML is the template's."""
    form = EveryWidgetForm(data, initial={"notes": "Initial <text>"})
    template = TemplatesSetting()
    for name in EveryWidgetForm.base_fields:
        field = form[name]
        assert field.as_field_group() == template.render("forms/field.html", {"field": field}), name


def test_the_plain_widgets_are_written_without_a_template(monkeypatch):
    form = EveryWidgetForm()
    renderer = get_default_renderer()
    monkeypatch.setattr(renderer, "get_template", lambda name: pytest.fail(name))
    for name in ("text", "number", "story", "kind", "many", "token", "day", "address"):
        assert form[name].as_widget().startswith(("<input", "<textarea", "<select")), name
    for name in ("setting", "goals", "text", "agree", "token"):
        assert form[name].as_field_group(), name
