"""A save from a tab opened before another tab (or device, or colleague) saved: the editor says
which fields the tab changed and the text each started from ("edited"), and only those are
written, where the newer version still has that text; the rest stays as the newer version has
it, and a field changed on both sides is left for the person to choose."""

import json

import pytest

from accounts.models import DistrictGoal
from submissions.models import Plan, Submission
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory
from tests.submissions.test_editor import plan_post, results_post, save


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def edited(**bases):
    """The editor's ``edited``: each changed field and its text as the tab started from it."""
    return json.dumps(bases)


def from_elsewhere(response, kind="plan"):
    """What the reply tells the tab: the newer values to show and the texts to choose for."""
    page = response.content.decode()
    start = page.index(f'<script id="saved-elsewhere-{kind}" type="application/json">')
    start = page.index(">", start) + 1
    return json.loads(page[start : page.index("</script>", start)])


def test_a_stale_tab_saves_what_it_changed_and_keeps_what_another_tab_saved(client, submission):
    client.force_login(submission.educator)
    tab_a = plan_post(submission, rationale="Tab A's rationale.", editor_token="tab-a")
    tab_a["edited"] = edited(rationale="")
    tab_b = plan_post(submission, timeline="Tab B's timeline.")
    assert save(client, submission, tab_b)["X-Autosave"] == "saved"

    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    assert response["X-Autosave-Version"] == "3"
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.timeline, plan.version) == (
        "Tab A's rationale.",
        "Tab B's timeline.",
        3,
    )
    # Tab A is told the timeline saved elsewhere, to show it; nothing is left to choose.
    assert from_elsewhere(response) == {"values": {"timeline": "Tab B's timeline."}, "choices": {}}
    assert "nothing was overwritten" not in response.content.decode()
    assert "Saved at" in response.content.decode()


def test_without_saying_what_it_changed_a_stale_save_is_still_a_conflict(client, submission):
    """The page without JavaScript (and any client that does not say) compares the whole form:
    nothing is written, both texts are shown."""
    client.force_login(submission.educator)
    tab_a = plan_post(submission, rationale="Tab A's rationale.", editor_token="tab-a")
    save(client, submission, plan_post(submission, timeline="Tab B's timeline."))
    response = save(client, submission, tab_a)
    assert response["X-Autosave"] == "conflict"
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.timeline) == ("", "Tab B's timeline.")


def test_a_field_changed_on_both_sides_is_left_to_choose_and_the_rest_is_saved(client, submission):
    Plan.objects.filter(pk=submission.plan_id).update(hypothesis="As both tabs opened it.")
    submission.plan.refresh_from_db()
    client.force_login(submission.educator)
    tab_a = plan_post(
        submission,
        hypothesis="Tab A's hypothesis.",
        rationale="Tab A's rationale.",
        editor_token="tab-a",
    )
    tab_a["edited"] = edited(hypothesis="As both tabs opened it.", rationale="")
    save(client, submission, plan_post(submission, hypothesis="Tab B's hypothesis."))

    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.hypothesis, plan.rationale) == ("Tab B's hypothesis.", "Tab A's rationale.")
    assert from_elsewhere(response) == {
        "values": {"hypothesis": "Tab B's hypothesis."},
        "choices": {"hypothesis": "Tab A's hypothesis."},
    }
    # Choosing tab A's text: saved from the version the reply named, started from B's text.
    tab_a.update(
        version=response["X-Autosave-Version"],
        rationale="Tab A's rationale.",
        edited=edited(hypothesis="Tab B's hypothesis."),
    )
    assert save(client, submission, tab_a)["X-Autosave"] == "saved"
    assert Plan.objects.get(pk=submission.plan_id).hypothesis == "Tab A's hypothesis."


def test_line_endings_and_outer_spaces_are_no_change_on_the_other_side(client, submission):
    Plan.objects.filter(pk=submission.plan_id).update(actions="Line one\nLine two")
    submission.plan.refresh_from_db()
    client.force_login(submission.educator)
    tab_a = plan_post(submission, actions="Line one\r\nLine two, longer", editor_token="tab-a")
    tab_a["edited"] = edited(actions="Line one\nLine two  ")
    save(client, submission, plan_post(submission, timeline="Elsewhere."))
    assert save(client, submission, tab_a)["X-Autosave"] == "saved"
    assert Plan.objects.get(pk=submission.plan_id).actions == "Line one\r\nLine two, longer"


def test_each_district_goal_is_chosen_or_not_on_its_own(client, submission):
    first, second, third = (
        DistrictGoal.objects.create(district=submission.district, title=title)
        for title in ("Literacy", "Attendance", "Belonging")
    )
    submission.plan.district_goals.set([first])
    client.force_login(submission.educator)
    # Tab A unchooses Literacy and chooses Attendance; tab B meanwhile chose Belonging.
    tab_a = plan_post(submission, district_goals=[str(second.pk)], editor_token="tab-a")
    tab_a["edited"] = edited(district_goals=[str(first.pk)])
    save(client, submission, plan_post(submission, district_goals=[str(first.pk), str(third.pk)]))

    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    plan = Plan.objects.get(pk=submission.plan_id)
    assert set(plan.district_goals.all()) == {second, third}
    assert from_elsewhere(response)["values"] == {
        "district_goals": sorted([str(second.pk), str(third.pk)], key=int)
    }


def source(citation, url="", learned="Learned something.", kind="article"):
    return {"citation": citation, "kind": kind, "url": url, "learned": learned}


def rows(data, sources):
    """The posted form's source rows set to ``sources`` (None: an empty row)."""
    data["sources-TOTAL_FORMS"] = str(len(sources))
    for index, row in enumerate(sources):
        for name, value in (row or source("", learned="")).items():
            data[f"sources-{index}-{name}"] = value
    return data


def saved_sources(submission):
    return list(
        Plan.objects.get(pk=submission.plan_id).sources.values_list("citation", "url", "learned")
    )


@pytest.fixture
def three_sources(submission):
    for number in (1, 2, 3):
        PlanSourceFactory(
            plan=submission.plan,
            position=number,
            citation=f"Source {number}.",
            url="",
            learned="Learned something.",
        )
    return [source(f"Source {number}.") for number in (1, 2, 3)]


def test_a_source_changed_here_and_one_added_there_are_both_kept(client, submission, three_sources):
    client.force_login(submission.educator)
    one, two, three = three_sources
    # Tab A fixes the second source's link and adds a fourth; tab B meanwhile removed the first
    # source (the others moved up) and added one of its own.
    fixed = source("Source 2.", url="https://example.org/two")
    tab_a = rows(plan_post(submission, editor_token="tab-a"), [one, fixed, three, source("A's.")])
    tab_a["edited"] = edited(**{"sources-1": two, "sources-3": None})
    save(client, submission, rows(plan_post(submission), [None, two, three, source("B's.")]))

    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    assert saved_sources(submission) == [
        ("Source 2.", "https://example.org/two", "Learned something."),
        ("Source 3.", "", "Learned something."),
        ("B's.", "", "Learned something."),
        ("A's.", "", "Learned something."),
    ]
    assert [row["citation"] for row in from_elsewhere(response)["values"]["sources"]] == [
        "Source 2.",
        "Source 3.",
        "B's.",
        "A's.",
    ]


def test_a_source_changed_on_both_sides_is_left_to_choose(client, submission, three_sources):
    client.force_login(submission.educator)
    one, two, three = three_sources
    tab_a = rows(
        plan_post(submission, editor_token="tab-a"),
        [one, source("Source 2.", learned="A's notes."), three],
    )
    tab_a["edited"] = edited(**{"sources-1": two})
    save(
        client,
        submission,
        rows(plan_post(submission), [None, source("Source 2.", learned="B's notes."), three]),
    )

    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "unchanged"
    assert saved_sources(submission) == [
        ("Source 2.", "", "B's notes."),
        ("Source 3.", "", "Learned something."),
    ]
    told = from_elsewhere(response)
    # By its place among the saved sources: the first, now that B removed the one before it.
    assert told["choices"] == {"sources-0": source("Source 2.", learned="A's notes.")}
    assert [row["learned"] for row in told["values"]["sources"]] == [
        "B's notes.",
        "Learned something.",
    ]


def test_a_source_changed_here_and_removed_there_is_offered_again(
    client, submission, three_sources
):
    client.force_login(submission.educator)
    one, two, three = three_sources
    tab_a = rows(
        plan_post(submission, editor_token="tab-a"),
        [source("Source 1.", learned="A's notes."), two, three],
    )
    tab_a["edited"] = edited(**{"sources-0": one})
    save(client, submission, rows(plan_post(submission), [None, two, three]))

    response = save(client, submission, tab_a)

    assert saved_sources(submission) == [
        ("Source 2.", "", "Learned something."),
        ("Source 3.", "", "Learned something."),
    ]
    # After the two saved sources: choosing tab A's text adds it again.
    assert from_elsewhere(response)["choices"] == {
        "sources-2": source("Source 1.", learned="A's notes.")
    }


def test_results_written_in_one_tab_keep_the_reflection_saved_in_another(client, submission):
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.IN_PROGRESS)
    submission.refresh_from_db()
    client.force_login(submission.educator)
    tab_a = results_post(
        submission,
        impact_results="Tab A's results.",
        reflection_practice="",
        editor_token="tab-a",
    )
    tab_a["edited"] = edited(impact_results="")
    tab_b = results_post(submission, impact_results="", reflection_practice="Tab B's reflection.")
    assert save(client, submission, tab_b, kind="results")["X-Autosave"] == "saved"

    response = save(client, submission, tab_a, kind="results")

    assert response["X-Autosave"] == "saved"
    submission.refresh_from_db()
    assert (submission.impact_results, submission.reflection_practice) == (
        "Tab A's results.",
        "Tab B's reflection.",
    )
    assert from_elsewhere(response, "results")["values"] == {
        "reflection_practice": "Tab B's reflection."
    }


@pytest.fixture
def saved_with_its_editor(django_capture_on_commit_callbacks):
    """Save ``data`` and commit, so that the server knows which editor (tab) saved last."""

    def saved(client, submission, data, kind="plan"):
        with django_capture_on_commit_callbacks(execute=True):
            return save(client, submission, data, kind=kind)["X-Autosave"]

    return saved


def test_a_tab_whose_answer_never_came_saves_again_without_undoing_another_tabs_reflection(
    client, submission, saved_with_its_editor
):
    """Tab A, offline, had its results saved (merged with tab B's reflection) but never heard
    back; closing, it sends its text once more from the version it knew. Its results, typed on
    since, go in; B's reflection, which A never changed, stays."""
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.IN_PROGRESS)
    submission.refresh_from_db()
    client.force_login(submission.educator)
    tab_b = results_post(submission, impact_results="", reflection_feedback="B's feedback.")
    tab_a = results_post(submission, impact_results="A's results.", editor_token="tab-a")
    tab_a["edited"] = edited(impact_results="")
    assert saved_with_its_editor(client, submission, tab_b, "results") == "saved"
    assert saved_with_its_editor(client, submission, tab_a, "results") == "saved"
    tab_a["impact_results"] = "A's results, and more."
    response = save(client, submission, tab_a, kind="results")

    assert response["X-Autosave"] == "saved"
    assert from_elsewhere(response, "results")["choices"] == {}
    submission.refresh_from_db()
    assert (submission.impact_results, submission.reflection_feedback, submission.version) == (
        "A's results, and more.",
        "B's feedback.",
        4,
    )


def test_sent_again_a_field_left_to_choose_is_still_left_to_choose(
    client, submission, saved_with_its_editor
):
    """Both tabs changed the hypothesis; tab A's first save left it to choose and saved A's
    rationale. Sent again from the old version, A's rationale typed on goes in without asking,
    and the hypothesis is still B's, with A's text offered."""
    Plan.objects.filter(pk=submission.plan_id).update(hypothesis="As both tabs opened it.")
    submission.plan.refresh_from_db()
    client.force_login(submission.educator)
    tab_b = plan_post(submission, hypothesis="B's hypothesis.")
    tab_a = plan_post(
        submission, hypothesis="A's hypothesis.", rationale="A's rationale.", editor_token="tab-a"
    )
    tab_a["edited"] = edited(hypothesis="As both tabs opened it.", rationale="")
    saved_with_its_editor(client, submission, tab_b)
    saved_with_its_editor(client, submission, tab_a)
    tab_a["rationale"] = "A's rationale, longer."
    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.hypothesis, plan.rationale) == ("B's hypothesis.", "A's rationale, longer.")
    assert from_elsewhere(response)["choices"] == {"hypothesis": "A's hypothesis."}


def test_sent_again_a_source_this_tab_changed_goes_in_and_one_added_there_stays(
    client, submission, three_sources, saved_with_its_editor
):
    client.force_login(submission.educator)
    one, two, three = three_sources
    tab_b = rows(plan_post(submission), [one, two, three, source("B's.")])
    tab_a = rows(
        plan_post(submission, editor_token="tab-a"),
        [one, source("Source 2.", learned="A's notes."), three],
    )
    tab_a["edited"] = edited(**{"sources-1": two})
    saved_with_its_editor(client, submission, tab_b)
    saved_with_its_editor(client, submission, tab_a)
    rows(tab_a, [one, source("Source 2.", learned="A's notes, and more."), three])
    response = save(client, submission, tab_a)

    assert response["X-Autosave"] == "saved"
    assert from_elsewhere(response)["choices"] == {}
    assert saved_sources(submission) == [
        ("Source 1.", "", "Learned something."),
        ("Source 2.", "", "A's notes, and more."),
        ("Source 3.", "", "Learned something."),
        ("B's.", "", "Learned something."),
    ]
