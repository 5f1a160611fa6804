"""Starting a plan from the catalog, and proposing one's own micro-credential."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from credentials.models import MicroCredential
from submissions import services
from submissions.models import Plan, Submission
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import EvidenceTypeFactory, MicroCredentialFactory


@pytest.fixture
def entry(district):
    return MicroCredentialFactory(district=district, title="Classroom routines")


def test_starting_a_plan_creates_the_plan_and_a_draft_and_opens_the_editor(client, educator, entry):
    client.force_login(educator)
    response = client.post(reverse("submissions:plan_start", args=[entry.pk]))
    submission = Submission.objects.get(educator=educator)
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])
    assert submission.status == Submission.Status.DRAFT
    assert submission.plan.lead == educator
    assert submission.plan.microcredential == entry
    assert AuditEvent.objects.filter(action="plan.start", target_id=submission.pk).exists()
    # Starting again returns the same plan rather than a second one.
    again = client.post(reverse("submissions:plan_start", args=[entry.pk]))
    assert again["Location"] == response["Location"]
    assert Plan.objects.count() == 1


def test_a_plan_keeps_the_version_it_started_on(client, educator, entry):
    client.force_login(educator)
    client.post(reverse("submissions:plan_start", args=[entry.pk]))
    entry.status = MicroCredential.Status.SUPERSEDED
    entry.save()
    MicroCredentialFactory(district=entry.district, lineage=entry.lineage, version=2)
    assert Plan.objects.get().microcredential_id == entry.pk


def test_a_retired_entry_gives_a_clear_message_and_no_plan(client, educator, entry):
    entry.status = MicroCredential.Status.RETIRED
    entry.save()
    client.force_login(educator)
    response = client.post(reverse("submissions:plan_start", args=[entry.pk]), follow=True)
    assert "has been retired from the catalog and no longer accepts new plans" in (
        response.content.decode()
    )
    assert not Plan.objects.exists() and not Submission.objects.exists()


def test_a_draft_entry_cannot_be_started(client, educator, district):
    draft = MicroCredentialFactory(district=district, status=MicroCredential.Status.DRAFT)
    client.force_login(educator)
    response = client.post(reverse("submissions:plan_start", args=[draft.pk]), follow=True)
    assert "is not published" in response.content.decode()
    assert not Plan.objects.exists()


def test_an_entry_of_another_district_is_404(client, educator, other_district):
    foreign = MicroCredentialFactory(district=other_district)
    client.force_login(educator)
    assert client.post(reverse("submissions:plan_start", args=[foreign.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_proposing_creates_a_proposed_entry_with_a_rubric_and_the_plan(client, educator):
    video = EvidenceTypeFactory(district=educator.district, name="Video")
    client.force_login(educator)
    assert client.get(reverse("submissions:propose")).status_code == 200
    response = client.post(
        reverse("submissions:propose"),
        {
            "title": "Restorative circles in advisory",
            "competency": "The educator facilitates restorative circles that build community.",
            "evidence_types": [str(video.pk)],
            "proposed_evidence": "Two circle plans, a video of one circle, student survey.",
            "criteria": "Circle plan follows the restorative format\n\nStudents share voice\n",
        },
    )
    entry = MicroCredential.objects.get(title="Restorative circles in advisory")
    assert entry.origin == MicroCredential.Origin.EDUCATOR
    assert entry.status == MicroCredential.Status.PROPOSED
    assert entry.created_by == educator
    assert list(entry.evidence_types.all()) == [video]
    criteria = list(entry.rubric.criteria.all())
    assert [c.title for c in criteria] == [
        "Circle plan follows the restorative format",
        "Students share voice",
    ]
    assert [lvl.label for lvl in criteria[0].levels.all()] == ["Not yet", "Demonstrated"]
    submission = Submission.objects.get(educator=educator)
    assert submission.plan.microcredential == entry
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "x" * 201, "at most 200 characters"),
        ("criteria", "\n \n", "This field is required."),
        ("criteria", "\n".join(f"Criterion {n}" for n in range(13)), "at most 12 criteria"),
    ],
)
def test_a_bad_proposal_shows_errors_and_creates_nothing(client, educator, field, value, message):
    client.force_login(educator)
    data = {
        "title": "My credential",
        "competency": "A competency.",
        "proposed_evidence": "A video.",
        "criteria": "One criterion",
        field: value,
    }
    response = client.post(reverse("submissions:propose"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and message in page
    assert not MicroCredential.objects.exists() and not Plan.objects.exists()


def test_an_evidence_type_of_another_district_cannot_be_proposed(client, educator, other_district):
    foreign = EvidenceTypeFactory(district=other_district, name="Foreign")
    client.force_login(educator)
    response = client.post(
        reverse("submissions:propose"),
        {
            "title": "T",
            "competency": "C",
            "evidence_types": [str(foreign.pk)],
            "proposed_evidence": "E",
            "criteria": "One",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not MicroCredential.objects.exists()


# --- the proposal through the service, and changed with the plan ------------------------------


def propose(educator, **changes):
    fields = {
        "actor": educator,
        "title": "Restorative circles",
        "competency": "Facilitates restorative circles.",
        "evidence_types": [],
        "proposed_evidence": "A video of one circle.",
        "criteria": ["Circle plan", "Students share voice"],
        **changes,
    }
    return services.plan_propose(**fields)


def test_propose_goes_through_the_catalog_service(educator):
    submission = propose(educator)
    entry = submission.plan.microcredential
    assert AuditEvent.objects.filter(
        action="microcredential.proposed", target_id=entry.pk, to_status="proposed"
    ).exists()
    assert entry.submission_guidelines == "A video of one circle."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "The title of a micro-credential cannot be empty."),
        ({"competency": ""}, "The competency of a micro-credential cannot be empty."),
        ({"criteria": [" "]}, "Propose at least one criterion"),
    ],
)
def test_propose_refuses_empty_parts_with_a_readable_message(educator, changes, message):
    with pytest.raises(services.PlanError, match=message):
        propose(educator, **changes)
    assert not MicroCredential.objects.exists() and not Plan.objects.exists()


def edit_data(**changes):
    return {
        "title": "Restorative circles in advisory",
        "competency": "Facilitates restorative circles that build community.",
        "proposed_evidence": "Two circle plans and a video.",
        "criteria": "Circle plan\nStudents share voice\nFollow-up with the class",
        **changes,
    }


def test_the_lead_changes_the_proposal_while_the_plan_is_a_draft(client, educator):
    submission = propose(educator)
    url = reverse("submissions:proposal_edit", args=[submission.pk])
    client.force_login(educator)
    detail = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert url in detail and "proposed for the panel’s approval" in detail
    page = client.get(url).content.decode()
    assert "Restorative circles" in page and "Students share voice" in page
    response = client.post(url, edit_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])
    entry = MicroCredential.objects.get()
    assert entry.title == "Restorative circles in advisory"
    assert entry.submission_guidelines == "Two circle plans and a video."
    assert [c.title for c in entry.rubric.criteria.all()] == [
        "Circle plan",
        "Students share voice",
        "Follow-up with the class",
    ]


def test_bad_input_to_the_proposal_shows_errors_and_keeps_it(client, educator):
    submission = propose(educator)
    client.force_login(educator)
    url = reverse("submissions:proposal_edit", args=[submission.pk])
    response = client.post(url, edit_data(title="", criteria="\n"))
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page
    assert MicroCredential.objects.get().title == "Restorative circles"


def test_the_proposal_is_fixed_once_the_plan_is_submitted_and_open_again_on_changes(
    client, educator
):
    submission = propose(educator)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.PLAN_SUBMITTED)
    url = reverse("submissions:proposal_edit", args=[submission.pk])
    client.force_login(educator)
    response = client.post(url, edit_data(), follow=True)
    assert "only while the plan is a draft" in response.content.decode()
    assert MicroCredential.objects.get().title == "Restorative circles"
    with pytest.raises(services.PlanError, match="only while the plan is a draft"):
        services.plan_proposal_change(
            submission=submission,
            actor=educator,
            title="T",
            competency="C",
            evidence_types=[],
            proposed_evidence="",
            criteria=["One"],
        )
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHANGES_REQUESTED)
    assert client.post(url, edit_data()).status_code == 302
    assert MicroCredential.objects.get().title == "Restorative circles in advisory"


def test_proposal_edit_access(
    client, educator, other_educator, reviewer, outsider_admin, district_admin, entry
):
    submission = propose(educator)
    outsider = EducatorFactory(district=outsider_admin.district)
    url = reverse("submissions:proposal_edit", args=[submission.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    for person, status in [
        (other_educator, 404),
        (outsider, 404),
        (reviewer, 403),
        (district_admin, 403),
        (outsider_admin, 403),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
        assert client.post(url, edit_data()).status_code == status, person
    client.force_login(educator)
    assert client.put(url).status_code == 405
    # A plan on a catalog entry has no proposal to change.
    client.post(reverse("submissions:plan_start", args=[entry.pk]))
    catalog_plan = Submission.objects.get(educator=educator, plan__microcredential=entry)
    url = reverse("submissions:proposal_edit", args=[catalog_plan.pk])
    assert client.get(url).status_code == 404
    assert MicroCredential.objects.get(pk=submission.plan.microcredential_id).title == (
        "Restorative circles"
    )


def test_the_plan_page_shows_where_the_panel_took_the_proposal(client, educator):
    submission = propose(educator)
    MicroCredential.objects.filter(pk=submission.plan.microcredential_id).update(
        status=MicroCredential.Status.APPROVED
    )
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.PLAN_APPROVED)
    client.force_login(educator)
    page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert "Approved by the panel for its plan" in page
    assert reverse("submissions:proposal_edit", args=[submission.pk]) not in page
