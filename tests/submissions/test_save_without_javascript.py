"""The plan editor without JavaScript, opened before another tab (or device, or colleague)
saved: pressing "Save" writes only the fields this page changed, the page having carried the
text each field started from; where both changed a field, the page offers both texts to choose
from, and "Save" applies the choice."""

import re
from html import unescape

import pytest
from django.urls import reverse

from benchmarks._pages import _read
from submissions.models import Plan, Submission
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory
from tests.submissions.test_editor import plan_post, results_post, save


@pytest.fixture
def submission(educator):
    submission = SubmissionFactory(plan__lead=educator)
    Plan.objects.filter(pk=submission.plan_id).update(
        hypothesis="The hypothesis both pages opened with.",
        personal_goal="The goal both pages opened with.",
    )
    for number in (1, 2):
        PlanSourceFactory(
            plan=submission.plan,
            position=number,
            citation=f"Source {number}.",
            url="",
            learned="Learned something.",
        )
    submission.plan.refresh_from_db()
    return submission


def form_on(page: str, form_id: str = "plan-editor") -> dict[str, list[str]]:
    """What the browser submits of the page's form ``form_id``, as it stands."""
    start = page.index(f'id="{form_id}"')
    reader = _read(page[page.rindex("<form", 0, start) : page.index("</form>", start)], form_id)
    data: dict[str, list[str]] = {}
    for name, value, _kind in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def open_page(client, submission) -> str:
    response = client.get(reverse("submissions:detail", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def typed(data: dict, **values) -> dict:
    for name, value in values.items():
        data[name.replace("__", "-")] = [value]
    return data


def press_save(client, submission, data, kind="plan"):
    return save(client, submission, data, htmx=False, kind=kind)


def test_a_page_opened_before_another_save_writes_only_what_it_changed(client, submission):
    client.force_login(submission.educator)
    mine = form_on(open_page(client, submission))
    # Meanwhile another tab writes the timeline and fixes the second source's notes.
    elsewhere = plan_post(submission, timeline="The other tab's timeline.")
    elsewhere["sources-1-learned"] = "The other tab's notes."
    assert save(client, submission, elsewhere)["X-Autosave"] == "saved"

    typed(mine, rationale="My rationale.", sources__2__citation="My new source.")
    typed(mine, sources__2__learned="What I learned.")
    response = press_save(client, submission, mine)

    assert response.status_code == 302
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.timeline) == ("My rationale.", "The other tab's timeline.")
    assert list(plan.sources.values_list("citation", "learned")) == [
        ("Source 1.", "Learned something."),
        ("Source 2.", "The other tab's notes."),
        ("My new source.", "What I learned."),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Your changes are saved." in page


def test_a_field_changed_on_both_sides_is_chosen_on_the_page(client, submission):
    client.force_login(submission.educator)
    mine = form_on(open_page(client, submission))
    elsewhere = plan_post(
        submission,
        hypothesis="The other tab's hypothesis.",
        personal_goal="The other tab's goal.",
        timeline="The other tab's timeline.",
    )
    assert save(client, submission, elsewhere)["X-Autosave"] == "saved"

    typed(
        mine,
        hypothesis="My hypothesis.",
        personal_goal="My goal.",
        rationale="My rationale.",
    )
    response = press_save(client, submission, mine)

    # What only this page changed is saved; nothing the other tab saved is overwritten.
    assert response.status_code == 409
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.timeline, plan.hypothesis, plan.personal_goal) == (
        "My rationale.",
        "The other tab's timeline.",
        "The other tab's hypothesis.",
        "The other tab's goal.",
    )
    page = response.content.decode()
    assert "Choose which text to keep: changed here and elsewhere" in page
    rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td><div class="conflict-text" data-choice-yours>'
        r'([^<]*)</div></td>\s*<td><div class="conflict-text" data-choice-saved>([^<]*)</div>',
        page,
    )
    assert [tuple(unescape(cell) for cell in row) for row in rows] == [
        ("Hypothesis or purpose", "My hypothesis.", "The other tab's hypothesis."),
        ("Personal goal it ties to", "My goal.", "The other tab's goal."),
    ]
    # The form shows the saved text and the version saved now; the choice is in the form.
    shown = form_on(page)
    assert shown["hypothesis"] == ["The other tab's hypothesis."]
    assert shown["version"] == [str(plan.version)]
    assert shown["keep-hypothesis"] == shown["keep-personal_goal"] == ["saved"]

    # My hypothesis, the other tab's goal.
    shown["keep-hypothesis"] = ["mine"]
    response = press_save(client, submission, shown)

    assert response.status_code == 302
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.timeline, plan.hypothesis, plan.personal_goal) == (
        "My rationale.",
        "The other tab's timeline.",
        "My hypothesis.",
        "The other tab's goal.",
    )


def test_a_source_changed_on_both_sides_is_chosen_on_the_page(client, submission):
    client.force_login(submission.educator)
    mine = form_on(open_page(client, submission))
    elsewhere = plan_post(submission)
    elsewhere["sources-0-learned"] = "The other tab's notes."
    assert save(client, submission, elsewhere)["X-Autosave"] == "saved"

    response = press_save(client, submission, typed(mine, sources__0__learned="My notes."))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Source 1.</th>" not in page and '<th scope="row">Source 1</th>' in page
    assert "Learned: My notes." in page and "Learned: The other tab&#x27;s notes." in page
    shown = form_on(page)
    shown["keep-sources-0"] = ["mine"]
    assert press_save(client, submission, shown).status_code == 302
    assert list(
        Plan.objects.get(pk=submission.plan_id).sources.values_list("citation", "learned")
    ) == [("Source 1.", "My notes."), ("Source 2.", "Learned something.")]


def test_results_written_on_a_page_opened_before_keep_the_reflection_saved_elsewhere(
    client, submission
):
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.IN_PROGRESS, impact_results="", reflection_practice=""
    )
    submission.refresh_from_db()
    client.force_login(submission.educator)
    mine = form_on(open_page(client, submission), "results-editor")
    elsewhere = results_post(submission, impact_results="", reflection_practice="Elsewhere.")
    assert save(client, submission, elsewhere, kind="results")["X-Autosave"] == "saved"

    typed(mine, impact_results="My results.")
    assert press_save(client, submission, mine, kind="results").status_code == 302

    submission.refresh_from_db()
    assert (submission.impact_results, submission.reflection_practice) == (
        "My results.",
        "Elsewhere.",
    )
