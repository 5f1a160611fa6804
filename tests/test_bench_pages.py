"""The load benchmark's simulated browser (``benchmarks/_pages.py``) reads a plan page's editor as
a browser would: the same fields, values and autosave address as Python's own HTML parser reads,
so the autosaves it sends under load are the ones a person's browser sends."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import DistrictGoal
from benchmarks._pages import autosave_body, load_fragments, plan_editor
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory, complete_plan


class ReferenceReader(HTMLParser):
    """The fields of the form ``plan-editor`` that a browser submits, read by ``html.parser``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form, self.in_template, self.post = False, 0, ""
        self.fields: list[tuple[str, str, str]] = []
        self.textarea: str | None = None
        self.text: list[str] = []
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "plan-editor":
            self.in_form, self.post = True, a.get("hx-post") or a.get("action", "")
        if tag == "template":
            self.in_template += 1
        if not self.in_form or self.in_template or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.fields.append((a["name"], a.get("value", default), kind))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], []
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", ""), "select"))

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            text = "".join(self.text)
            self.fields.append((self.textarea, text[1:] if text.startswith("\n") else text, tag))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "form" and self.in_form:
            self.in_form = False


RATIONALE = '\nWhy: <b>"routines"</b> & 5 > 3 — it\'s &amp; needed'


@pytest.fixture
def plan_page(client, educator):
    submission = SubmissionFactory(plan__lead=educator)
    complete_plan(submission.plan)
    # Text a parser could trip on: markup, entities, quotes, a leading newline, a ">" in a value.
    submission.plan.rationale = RATIONALE
    submission.plan.save()
    PlanSourceFactory(plan=submission.plan, citation='Rock & "Roll" <beyond>')
    goal = DistrictGoal.objects.create(district=educator.district, title="Literacy > all")
    submission.plan.district_goals.add(goal)
    client.force_login(educator)
    response = client.get(reverse("submissions:detail", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_simulated_browser_reads_the_plan_editor_as_html_parser_does(plan_page):
    reference = ReferenceReader()
    reference.feed(plan_page)
    post, fields = plan_editor(plan_page)
    assert (post, fields) == (reference.post, reference.fields)
    # What it reads is what matters to the autosave: the text, the sources, the chosen goal.
    values = dict((name, value) for name, value, _ in fields)
    assert values["rationale"] == RATIONALE
    assert 'Rock & "Roll" <beyond>' in [value for _, value, _ in fields]
    assert any(kind == "select" or kind == "checkbox" for _, _, kind in fields)
    edited = dict(autosave_body(fields, 7))
    assert edited["rationale"].endswith("[load 7]")
    # As the editor's script says it: the field changed, with the text it started from.
    assert json.loads(edited["edited"]) == {"rationale": RATIONALE}
    # The page carries every field's text for a browser without the script, which the script
    # disables; the simulated autosave leaves it out as the browser does.
    assert "started" in values and "started" not in edited


def test_load_fragments_are_read_off_the_page():
    page = (
        '<div hx-get="/a/" hx-trigger="load"></div><div hx-get="/b/" hx-trigger="click"></div>'
        "<span hx-get='/c/' hx-trigger='revealed, load delay:1s'></span>"
    )
    assert load_fragments(page) == ["/a/", "/c/"]
    assert load_fragments('<div hx-get="/a/" hx-trigger="click"></div>') == []
