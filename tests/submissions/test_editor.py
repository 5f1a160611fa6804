"""The plan editor: the page, saving (autosave and plain), conflicts, bad input."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import DistrictGoal
from submissions.models import Plan, PlanRevision, Submission
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory, complete_plan

DUMMY = "django.core.cache.backends.dummy.DummyCache"


def plan_post(submission, **overrides):
    """The editor's form as the browser posts it, with three sources."""
    plan = submission.plan
    data = {
        "version": str(plan.version),
        "editor_token": "tab-1",
        "title": plan.title,
        "rationale": plan.rationale,
        "hypothesis": plan.hypothesis,
        "personal_goal": plan.personal_goal,
        "building_goal": plan.building_goal,
        "district_goal_notes": plan.district_goal_notes,
        "actions": plan.actions,
        "setting": plan.setting,
        "timeline": plan.timeline,
        "affected": plan.affected,
        "impact_measures": plan.impact_measures,
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "30",
    }
    sources = list(plan.sources.all())
    for index in range(3):
        source = sources[index] if index < len(sources) else None
        data[f"sources-{index}-citation"] = source.citation if source else ""
        data[f"sources-{index}-kind"] = source.kind if source else "article"
        data[f"sources-{index}-url"] = source.url if source else ""
        data[f"sources-{index}-learned"] = source.learned if source else ""
    data["district_goals"] = [str(pk) for pk in plan.district_goals.values_list("pk", flat=True)]
    data.update(overrides)
    return data


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def test_editor_shows_the_five_components_and_what_is_missing(client, submission):
    client.force_login(submission.educator)
    response = client.get(reverse("submissions:detail", args=[submission.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ["1. Overview", "2. Basis of Knowledge", "3. Implementation", "4. Impact"]:
        assert heading in page
    assert "Write the rationale." in page
    assert "Add at least 3 research sources (0 so far)." in page
    assert 'hx-post="' in page and "data-autosave" in page
    assert "<script>" not in page and 'style="' not in page


def test_the_editor_reads_the_plan_once_whatever_it_holds(
    client, submission, django_assert_max_num_queries
):
    """The sources and goals are read once for the page (completeness, editor, read-only text),
    and the page costs the same with three sources and ten."""
    client.force_login(submission.educator)
    url = reverse("submissions:detail", args=[submission.pk])
    complete_plan(submission.plan)
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert "Safe classrooms" in page and "Author" in page
    for _ in range(7):
        PlanSourceFactory(plan=submission.plan)
    for n in range(5):
        goal = DistrictGoal.objects.create(district=submission.district, title=f"Goal {n}")
        submission.plan.district_goals.add(goal)
    with django_assert_max_num_queries(len(three)):
        page = client.get(url).content.decode()
    assert page.count('name="sources-9-citation"') == 1
    assert sum('FROM "submissions_plansource"' in q["sql"] for q in three) == 1
    # The plan's own goals, and the district's once for its check boxes and their "none" test.
    assert sum('FROM "accounts_districtgoal"' in q["sql"] for q in three) == 2
    assert len(three) <= 13


def test_the_blank_source_row_is_the_same_on_every_plan_page(client, submission, educator):
    """ "Add another source" copies a blank row (kept rendered once): every page offers the same
    one, empty, whatever the plan's own sources and errors."""

    def blank_row(response) -> str:
        html = response.content.decode()
        return html[html.index('<template id="source-template">') : html.index("</template>")]

    client.force_login(educator)
    first = blank_row(client.get(reverse("submissions:detail", args=[submission.pk])))
    other = SubmissionFactory(plan__lead=educator)
    complete_plan(other.plan)
    second = blank_row(client.get(reverse("submissions:detail", args=[other.pk])))
    refused = client.post(
        reverse("submissions:plan_save", args=[other.pk]),
        plan_post(other, **{"sources-0-url": "not a link"}),
    )
    assert refused.status_code == 400
    assert first == second == blank_row(refused)
    assert 'name="sources-__prefix__-citation"' in first and "Source __number__" in first
    assert "Author" not in first and "field-invalid" not in first


def test_the_editors_fields_are_kept_rendered_and_show_every_change_at_once(
    client, submission, educator
):
    """The editor's fields (texts, goals, sources) are rendered once per process for what they
    show: the kept rendering is what an uncached page shows, and a text, source or chosen goal
    changed however it was written, or a renamed goal, shows at the next view. A refused save
    shows what was posted, with its message."""

    def fields(response) -> str:
        html = response.content.decode()
        start = html.index('<section class="component" aria-labelledby="overview-heading">')
        return html[start : html.index('<template id="source-template">')]

    def rendered(response) -> bool:
        return "submissions/_plan_fields.html" in [t.name for t in response.templates]

    client.force_login(educator)
    url = reverse("submissions:detail", args=[submission.pk])
    plan = submission.plan
    complete_plan(plan)
    goal = DistrictGoal.objects.create(district=submission.district, title="Reading first")
    first = client.get(url)
    again = client.get(url)
    assert rendered(first) and not rendered(again)  # the second view reads the kept rendering
    assert fields(again) == fields(first)
    with override_settings(CACHES={**settings.CACHES, "fragments": {"BACKEND": DUMMY}}):
        assert fields(client.get(url)) == fields(first)
    assert f'value="{goal.pk}"' in fields(first) and "Reading first" in fields(first)

    Plan.objects.filter(pk=plan.pk).update(rationale="Written by a bare UPDATE")
    assert "Written by a bare UPDATE" in fields(client.get(url))
    PlanSourceFactory(plan=plan, citation="Hattie, Visible Learning")
    assert "Hattie, Visible Learning" in fields(client.get(url))
    plan.district_goals.add(goal)
    checked = re.compile(
        rf'<input type="checkbox" name="district_goals" value="{goal.pk}"[^>]*checked'
    )
    assert checked.search(fields(client.get(url)))
    DistrictGoal.objects.filter(pk=goal.pk).update(title="Reading for all")
    page = fields(client.get(url))
    assert "Reading for all" in page and "Reading first" not in page

    refused = client.post(
        reverse("submissions:plan_save", args=[submission.pk]),
        plan_post(submission, rationale="Typed just now", **{"sources-0-url": "not a link"}),
    )
    assert refused.status_code == 400 and rendered(refused)
    assert "Typed just now" in fields(refused) and "Enter a valid URL" in fields(refused)


def test_a_spare_source_row_is_the_same_on_every_plan_page_at_its_position(
    client, submission, educator
):
    """The empty rows after a plan's sources (kept rendered, by position) are the rows an
    uncached page shows; a plan's own source at that position is its own, and a refused save
    shows what was posted."""

    def rows(response) -> list[str]:
        html = response.content.decode()
        html = html[html.index('<div id="source-rows">') : html.index('<template id="source')]
        return re.findall(r'<fieldset class="source-row".*?</fieldset>', html, re.S)

    client.force_login(educator)
    url = reverse("submissions:detail", args=[submission.pk])
    empty = rows(client.get(url))
    assert len(empty) == 5
    assert 'name="sources-1-citation"' in empty[1] and "<legend>Source 2</legend>" in empty[1]
    assert '<option value="article" selected>' in empty[1]
    with override_settings(CACHES={**settings.CACHES, "fragments": {"BACKEND": DUMMY}}):
        assert rows(client.get(url)) == empty

    PlanSourceFactory(plan=submission.plan, citation="Hattie, J. (2009). Visible learning.")
    one = rows(client.get(url))
    assert "Hattie" in one[0] and "Hattie" not in "".join(one[1:])
    assert one[1:] == empty[1:]

    posted = plan_post(submission, **{"sources-1-citation": "Mine", "sources-1-url": "bad"})
    refused = client.post(reverse("submissions:plan_save", args=[submission.pk]), posted)
    assert refused.status_code == 400
    assert "Mine" in rows(refused)[1] and "field-invalid" in rows(refused)[1]


def test_autosave_saves_and_bumps_the_version_and_records_history(client, submission):
    client.force_login(submission.educator)
    data = plan_post(submission, rationale="Transitions take too long.")
    response = client.post(
        reverse("submissions:plan_save", args=[submission.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["X-Autosave"] == "saved"
    assert response["X-Autosave-Version"] == "2"
    # The site's one time format (TIME_FORMAT, "9:47 a.m."), as the notifications write it.
    # The time's own "p.m." ends the sentence: no second full stop.
    assert re.search(r"Saved at \d{1,2}:\d{2} [ap]\.m\.<", response.content.decode())
    plan = Plan.objects.get(pk=submission.plan_id)
    assert plan.rationale == "Transitions take too long."
    assert plan.version == 2
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.changed_fields == ["rationale"]
    assert revision.author == submission.educator


def test_an_autosave_says_what_is_missing_from_the_text_it_saved_without_reading_it_again(
    client, submission
):
    """The reply's completeness is the text just saved (a source added, a goal chosen): the
    save's own reads serve it, the plan, its sources and goals are not read again after."""
    client.force_login(submission.educator)
    complete_plan(submission.plan)
    submission.plan.sources.all().delete()
    submission.plan.district_goals.clear()
    goal = DistrictGoal.objects.create(district=submission.district, title="Literacy")
    data = plan_post(
        submission,
        district_goals=[str(goal.pk)],
        district_goal_notes="",
        **{"sources-0-citation": "Author (2020)", "sources-0-learned": ""},
    )
    with CaptureQueriesContext(connection) as saved:
        response = save(client, submission, data)
    page = response.content.decode()
    assert response["X-Autosave"] == "saved"
    assert "Add at least 3 research sources (1 so far)." in page
    assert "Say what you learned from source 1." in page
    assert "Choose at least one district goal" not in page
    assert Plan.objects.get(pk=submission.plan_id).district_goals.get() == goal
    reads = [q["sql"] for q in saved.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "submissions_plansource"' in sql for sql in reads) == 1
    assert sum('FROM "submissions_plan_district_goals"' in sql for sql in reads) == 0
    assert sum('FROM "submissions_submission"' in sql for sql in reads) == 2
    assert len(saved.captured_queries) <= 16


def save(client, submission, data, htmx=True, kind="plan"):
    """Post the plan editor (or, with ``kind="results"``, the results editor) as its page does."""
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse(f"submissions:{kind}_save", args=[submission.pk]), data, **extra)


def test_a_save_from_a_stale_tab_is_refused_with_both_texts(client, submission, other_educator):
    client.force_login(submission.educator)
    first_tab = plan_post(submission, rationale="Text from the first tab.")
    second_tab = plan_post(submission, rationale="Text from the second tab.", editor_token="tab-2")
    assert save(client, submission, first_tab)["X-Autosave"] == "saved"
    response = save(client, submission, second_tab)
    assert response.status_code == 200
    assert response["X-Autosave"] == "conflict"
    page = response.content.decode()
    assert "Text from the first tab." in page and "Text from the second tab." in page
    assert "nothing was overwritten" in page
    assert 'id="version-plan"' not in page  # the stale tab keeps its old version
    plan = Plan.objects.get(pk=submission.plan_id)
    assert (plan.rationale, plan.version) == ("Text from the first tab.", 2)
    # Choosing to keep the second tab's text: save again from the saved version.
    second_tab["version"] = "2"
    assert save(client, submission, second_tab)["X-Autosave"] == "saved"
    plan.refresh_from_db()
    assert (plan.rationale, plan.version) == ("Text from the second tab.", 3)


def test_a_tab_closed_mid_save_is_not_in_conflict_with_itself(
    client, submission, django_capture_on_commit_callbacks
):
    client.force_login(submission.educator)
    with django_capture_on_commit_callbacks(execute=True):
        assert save(client, submission, plan_post(submission, rationale="Typed"))["X-Autosave"]
    # The reopened page restores the local draft written from version 1, same editor token.
    later = plan_post(submission, rationale="Typed, and more.", version="1")
    response = save(client, submission, later)
    assert response["X-Autosave"] == "saved"
    assert Plan.objects.get(pk=submission.plan_id).rationale == "Typed, and more."


def test_a_stale_save_with_the_same_text_is_no_conflict(client, submission):
    client.force_login(submission.educator)
    save(client, submission, plan_post(submission, rationale="Same"))
    response = save(
        client,
        submission,
        plan_post(submission, rationale="Same", version="1", editor_token="other"),
    )
    assert response["X-Autosave"] == "unchanged"
    assert response["X-Autosave-Version"] == "2"


def test_without_javascript_a_conflict_reshows_the_form_with_both_texts(client, submission):
    client.force_login(submission.educator)
    save(client, submission, plan_post(submission, hypothesis="Saved elsewhere."))
    response = save(
        client,
        submission,
        plan_post(submission, hypothesis="Mine.", version="1", editor_token="x"),
        htmx=False,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Saved elsewhere." in page and "Mine." in page
    assert 'name="version" id="version-plan" value="2"' in page
    assert Plan.objects.get(pk=submission.plan_id).hypothesis == "Saved elsewhere."


GOOD_TEXT = "This good text is saved even though another field is wrong."


@pytest.mark.parametrize(
    ("field", "value", "message", "stored"),
    [
        ("rationale", "x" * 10001, "at most 10000 characters", lambda plan: plan.rationale),
        ("title", "t" * 201, "at most 200 characters", lambda plan: plan.title),
        (
            "sources-0-url",
            "not a url",
            "Enter a valid URL.",
            lambda plan: list(plan.sources.values_list("citation", "url")),
        ),
        (
            "sources-0-learned",
            "What I learned, but no citation.",
            "Give the citation",
            lambda plan: list(plan.sources.values_list("citation", "learned")),
        ),
        ("setting", "moon", "Select a valid choice.", lambda plan: plan.setting),
    ],
)
def test_a_bad_value_holds_back_only_itself(client, submission, field, value, message, stored):
    client.force_login(submission.educator)
    expected_stored = {
        "rationale": "",
        "title": "",
        "sources-0-url": [("A citation", "")],
        "sources-0-learned": [],
        "setting": "",
    }[field]
    data = plan_post(
        submission,
        actions=GOOD_TEXT,
        **{"sources-0-citation": "" if "learned" in field else "A citation", field: value},
    )
    response = save(client, submission, data)
    assert response["X-Autosave"] == "invalid"
    assert response["X-Autosave-Version"] == "2"
    page = response.content.decode()
    assert "Not saved" in page and "Everything else is saved" in page
    # The status line is one sentence: no message's full stop doubles its own.
    assert ".." not in re.search(r'<div id="save-status-plan".*?</div>', page, re.S).group()
    # The message goes beside the field (the element its input is described by), and the status
    # line links to the field.
    in_error = "sources-0-citation" if field == "sources-0-learned" else field
    assert re.search(f'id="id_{in_error}_error" hx-swap-oob="true">[^<]*{re.escape(message)}', page)
    assert f'href="#id_{in_error}"' in page
    assert 'id="version-plan" value="2"' in page
    plan = Plan.objects.get(pk=submission.plan_id)
    assert plan.actions == GOOD_TEXT and plan.version == 2
    assert stored(plan) == expected_stored
    changed = PlanRevision.objects.get().changed_fields
    assert "actions" in changed and field not in changed


def test_without_javascript_a_bad_value_is_shown_beside_its_field_and_the_rest_is_saved(
    client, submission
):
    """The plain Save button, and the beacon sent when the tab closes, save what validates."""
    client.force_login(submission.educator)
    data = plan_post(
        submission,
        actions=GOOD_TEXT,
        **{"sources-0-citation": "A citation", "sources-0-url": "not a url"},
    )
    response = save(client, submission, data, htmx=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Some of your changes were not saved" in page
    assert '<a href="#id_sources-0-url">Source 1, link: Enter a valid URL.</a>' in page
    # The bad value stays in the form, marked and described by its message.
    assert 'value="not a url"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_sources-0-url_helptext id_sources-0-url_error"' in page
    assert 'id="id_sources-0-url_error" data-error-for="sources-0-url">Enter a valid URL.' in page
    # ...and the form goes on from the version the server holds now.
    assert 'name="version" id="version-plan" value="2"' in page
    plan = Plan.objects.get(pk=submission.plan_id)
    assert plan.actions == GOOD_TEXT
    assert list(plan.sources.values_list("citation", "url")) == [("A citation", "")]
    # Corrected, it is saved too.
    data.update({"version": "2", "sources-0-url": "https://example.org/routines"})
    assert save(client, submission, data, htmx=False).status_code == 302
    assert plan.sources.get().url == "https://example.org/routines"


def test_a_bad_value_of_a_stored_source_keeps_the_stored_value(client, submission):
    client.force_login(submission.educator)
    data = plan_post(
        submission, **{"sources-0-citation": "Kept", "sources-0-url": "https://a.example"}
    )
    assert save(client, submission, data)["X-Autosave"] == "saved"
    data.update(
        {
            "version": "2",
            "sources-0-url": "no longer a link",
            "sources-0-learned": "Learned later.",
            "sources-1-citation": "A second source",
        }
    )
    response = save(client, submission, data)
    assert response["X-Autosave"] == "invalid"
    assert list(submission.plan.sources.values_list("citation", "url", "learned")) == [
        ("Kept", "https://a.example", "Learned later."),
        ("A second source", "", ""),
    ]


def test_a_missing_version_saves_nothing(client, submission):
    client.force_login(submission.educator)
    data = plan_post(submission, actions=GOOD_TEXT)
    del data["version"]
    response = save(client, submission, data)
    assert response["X-Autosave"] == "invalid"
    assert "X-Autosave-Version" not in response
    assert Plan.objects.get(pk=submission.plan_id).actions == ""


def test_a_goal_of_another_district_is_refused(client, submission, other_district):
    from tests.accounts.factories import DistrictGoalFactory

    client.force_login(submission.educator)
    foreign = DistrictGoalFactory(district=other_district)
    response = save(client, submission, plan_post(submission, district_goals=[str(foreign.pk)]))
    assert response["X-Autosave"] == "invalid"
    assert not Plan.objects.get(pk=submission.plan_id).district_goals.exists()


def test_sources_are_saved_in_order_and_an_emptied_row_is_removed(client, submission):
    client.force_login(submission.educator)
    data = plan_post(submission)
    for index, name in enumerate(["First", "Second", "Third"]):
        data[f"sources-{index}-citation"] = f"{name} source"
        data[f"sources-{index}-url"] = f"https://example.org/{index}"
    save(client, submission, data)
    assert list(submission.plan.sources.values_list("citation", flat=True)) == [
        "First source",
        "Second source",
        "Third source",
    ]
    data["version"] = "2"
    data["sources-1-citation"] = ""
    data["sources-1-url"] = ""
    save(client, submission, data)
    assert list(submission.plan.sources.values_list("citation", flat=True)) == [
        "First source",
        "Third source",
    ]


def test_rapid_saves_by_one_person_are_one_history_entry(client, submission):
    client.force_login(submission.educator)
    save(client, submission, plan_post(submission, rationale="One"))
    save(client, submission, plan_post(submission, rationale="One", timeline="Two", version="2"))
    revision = PlanRevision.objects.get()
    assert revision.changed_fields == ["rationale", "timeline"]
    assert revision.version == 3
    response = client.get(reverse("submissions:history", args=[submission.pk]))
    page = response.content.decode()
    assert "Rationale, Timeline" in page
    assert submission.educator.display_name in page


def test_a_save_never_folds_into_an_entry_of_other_fields(client, submission):
    """An entry whose snapshot holds other fields (one recorded before the plan had research
    sources) stays as it was recorded: the next save, however soon, is an entry of its own."""
    client.force_login(submission.educator)
    save(client, submission, plan_post(submission, rationale="One"))
    older = PlanRevision.objects.get()
    del older.snapshot["sources"]
    older.save(update_fields=["snapshot"])
    save(client, submission, plan_post(submission, rationale="Two", version="2"))
    revisions = PlanRevision.objects.order_by("created_at", "id")
    assert [r.snapshot["rationale"] for r in revisions] == ["One", "Two"]
    assert "sources" not in revisions[0].snapshot


def test_saves_either_side_of_a_move_stay_two_history_entries(client, submission):
    """The text the panel read stays on record: a save after a move never folds into the one
    before it, however soon it comes."""
    from submissions.transitions import submission_move

    client.force_login(submission.educator)
    save(client, submission, plan_post(submission, rationale="The text the panel read."))
    for status in (Submission.Status.PLAN_SUBMITTED, Submission.Status.CHANGES_REQUESTED):
        submission_move(
            submission_id=submission.pk, to_status=status, actor=None, action="test.move"
        )
    save(client, submission, plan_post(submission, rationale="Revised.", version="2"))
    assert [r.snapshot["rationale"] for r in PlanRevision.objects.order_by("created_at")] == [
        "The text the panel read.",
        "Revised.",
    ]


def test_the_plan_text_is_locked_once_submitted(client, submission):
    complete_plan(submission.plan)
    client.force_login(submission.educator)
    from submissions.services import submission_submit_plan

    submission_submit_plan(submission=submission, actor=submission.educator)
    response = save(client, submission, plan_post(submission, rationale="Late edit"))
    assert response["X-Autosave"] == "refused"
    assert "can no longer be edited" in response.content.decode()
    assert Plan.objects.get(pk=submission.plan_id).rationale != "Late edit"
    page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert 'id="plan-editor"' not in page
    assert submission.plan.rationale in page


def test_an_expired_session_gets_401_for_autosave_and_nothing_is_written(client, submission):
    response = save(client, submission, plan_post(submission, rationale="Typed while away"))
    assert response.status_code == 401
    assert response["X-Autosave"] == "signed-out"
    page = response.content.decode()
    assert "kept in this browser" in page
    assert f"next=/plans/{submission.pk}/" in page
    response = save(client, submission, plan_post(submission), htmx=False)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Plan.objects.get(pk=submission.plan_id).rationale == ""


def results_post(submission, **overrides):
    data = {
        "version": str(submission.version),
        "editor_token": "tab-1",
        "impact_results": "Transitions fell from 9 to 4 minutes.",
        "reflection_practice": "Rehearsal mattered.",
        "reflection_feedback": "Students liked the timer.",
        "reflection_changes": "Start in week one.",
        "share_notes": "",
    }
    data.update(overrides)
    return data


def test_results_and_reflection_are_saved_only_after_implementation_starts(client, submission):
    client.force_login(submission.educator)
    response = save(client, submission, results_post(submission), kind="results")
    assert response["X-Autosave"] == "refused"
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.IN_PROGRESS)
    page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert 'id="results-editor"' in page and "5. Reflection" in page
    response = save(client, submission, results_post(submission), kind="results")
    assert response["X-Autosave"] == "saved"
    submission.refresh_from_db()
    assert submission.impact_results == "Transitions fell from 9 to 4 minutes."
    assert submission.version == 2
    stale = save(
        client,
        submission,
        results_post(submission, version="1", editor_token="other", reflection_changes="Other tab"),
        kind="results",
    )
    assert stale["X-Autosave"] == "conflict"
    submission.refresh_from_db()
    assert submission.reflection_changes == "Start in week one."


def test_a_too_long_reflection_holds_back_only_itself(client, submission):
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.IN_PROGRESS)
    client.force_login(submission.educator)
    data = results_post(submission, reflection_practice="r" * 10001)
    response = save(client, submission, data, kind="results")
    assert response["X-Autosave"] == "invalid"
    assert "Not saved" in response.content.decode()
    assert 'id="id_reflection_practice_error" hx-swap-oob="true">' in response.content.decode()
    submission.refresh_from_db()
    assert submission.impact_results == "Transitions fell from 9 to 4 minutes."
    assert submission.reflection_practice == ""
