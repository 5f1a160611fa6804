"""The plan editor: the page, saving (autosave and plain), conflicts, bad input."""

import pytest
from django.urls import reverse

from submissions.models import Plan, PlanRevision, Submission
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory, complete_plan


def plan_post(submission, **overrides):
    """The editor's form as the browser posts it, with three sources."""
    plan = submission.plan
    data = {
        "kind": "plan",
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


def test_autosave_saves_and_bumps_the_version_and_records_history(client, submission):
    client.force_login(submission.educator)
    data = plan_post(submission, rationale="Transitions take too long.")
    response = client.post(
        reverse("submissions:save", args=[submission.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["X-Autosave"] == "saved"
    assert response["X-Autosave-Version"] == "2"
    assert "Saved at" in response.content.decode()
    plan = Plan.objects.get(pk=submission.plan_id)
    assert plan.rationale == "Transitions take too long."
    assert plan.version == 2
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.changed_fields == ["rationale"]
    assert revision.author == submission.educator
