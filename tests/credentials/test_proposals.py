"""An educator's own micro-credential: proposed with a plan, changed by its author while it is
proposed, carried by the panel's plan decision to approved or declined."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from credentials import services
from credentials.models import MicroCredential
from credentials.selectors import published_catalog_for_user
from credentials.services import CatalogError
from submissions.models import Plan, Submission
from tests.credentials.factories import EvidenceTypeFactory, MicroCredentialFactory

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status


@pytest.fixture
def proposal(educator):
    return services.microcredential_propose(
        actor=educator,
        title="Number talks",
        competency="Uses number talks to build fluency.",
        criteria=["Plan of three talks", "Video of a talk"],
    )


def events(entry) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(target_type="credentials.microcredential", target_id=entry.pk)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )


@pytest.mark.parametrize(
    ("to_status", "action"),
    [
        (Status.APPROVED, "microcredential.approved"),
        (Status.PROPOSED, "microcredential.changes_requested"),
        (Status.DECLINED, "microcredential.declined"),
    ],
)
def test_the_panel_decision_moves_a_proposal(proposal, reviewer, to_status, action):
    decided = services.microcredential_proposal_decide(
        microcredential=proposal, to_status=to_status, actor=reviewer, detail={"plan": 1}
    )
    proposal.refresh_from_db()
    assert decided.status == proposal.status == to_status
    assert events(proposal)[-1] == (action, Status.PROPOSED, to_status)


@pytest.mark.parametrize("to_status", [Status.APPROVED, Status.PROPOSED, Status.DECLINED])
def test_an_approved_proposal_stays_approved(proposal, reviewer, to_status):
    services.microcredential_proposal_decide(
        microcredential=proposal, to_status=Status.APPROVED, actor=reviewer, detail={}
    )
    before = events(proposal)
    services.microcredential_proposal_decide(
        microcredential=proposal, to_status=to_status, actor=reviewer, detail={}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert events(proposal) == before


def test_a_catalog_entry_is_not_moved_by_a_plan_decision(district, reviewer):
    entry = MicroCredentialFactory(district=district)
    services.microcredential_proposal_decide(
        microcredential=entry, to_status=Status.DECLINED, actor=reviewer, detail={}
    )
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED and events(entry) == []
    with pytest.raises(ValueError):
        services.microcredential_proposal_decide(
            microcredential=entry, to_status=Status.RETIRED, actor=reviewer, detail={}
        )


def test_an_approved_proposal_is_not_in_the_catalog_until_an_admin_publishes_it(
    proposal, educator, reviewer, district_admin
):
    services.microcredential_proposal_decide(
        microcredential=proposal, to_status=Status.APPROVED, actor=reviewer, detail={}
    )
    assert proposal not in published_catalog_for_user(educator)
    with pytest.raises(CatalogError, match="not published"):
        services.microcredential_check_startable(microcredential=proposal)
    published = services.microcredential_publish(microcredential=proposal, actor=district_admin)
    assert published.status == Status.PUBLISHED
    assert published in published_catalog_for_user(educator)


def test_a_declined_proposal_cannot_be_published(proposal, reviewer, district_admin):
    services.microcredential_proposal_decide(
        microcredential=proposal, to_status=Status.DECLINED, actor=reviewer, detail={}
    )
    with pytest.raises(CatalogError, match="only a draft, a proposal or an approved"):
        services.microcredential_publish(microcredential=proposal, actor=district_admin)


def test_its_author_changes_a_proposal_and_its_criteria(proposal, educator):
    video = EvidenceTypeFactory(district=educator.district, name="Video")
    changed = services.microcredential_proposal_update(
        microcredential=proposal,
        actor=educator,
        title=" Number talks in grade 3 ",
        competency="Leads number talks weekly.",
        submission_guidelines="Three plans and a video.",
        criteria=["Video of a talk", " ", "Student strategies recorded"],
        evidence_types=[video],
    )
    changed.refresh_from_db()
    assert (changed.title, changed.competency, changed.submission_guidelines) == (
        "Number talks in grade 3",
        "Leads number talks weekly.",
        "Three plans and a video.",
    )
    assert list(changed.evidence_types.all()) == [video]
    criteria = list(changed.rubric.criteria.all())
    assert [c.title for c in criteria] == ["Video of a talk", "Student strategies recorded"]
    assert [lv.label for lv in criteria[1].levels.all()] == ["Not yet", "Demonstrated"]
    assert events(changed)[-1][0] == "microcredential.proposal_changed"


def test_only_its_author_changes_a_proposal_and_only_while_proposed(
    proposal, other_educator, educator, reviewer, district_admin, other_district
):
    change = {"title": "Mine now", "competency": "C.", "criteria": ["One"]}
    for person in (other_educator, district_admin):
        with pytest.raises(CatalogError, match="Only the educator who proposed"):
            services.microcredential_proposal_update(
                microcredential=proposal, actor=person, **change
            )
    with pytest.raises(CatalogError, match="cannot be empty"):
        services.microcredential_proposal_update(
            microcredential=proposal, actor=educator, **{**change, "title": " "}
        )
    foreign = EvidenceTypeFactory(district=other_district)
    with pytest.raises(CatalogError, match="another district"):
        services.microcredential_proposal_update(
            microcredential=proposal, actor=educator, evidence_types=[foreign], **change
        )
    services.microcredential_proposal_decide(
        microcredential=proposal, to_status=Status.APPROVED, actor=reviewer, detail={}
    )
    with pytest.raises(CatalogError, match="can no longer be changed"):
        services.microcredential_proposal_update(microcredential=proposal, actor=educator, **change)
    proposal.refresh_from_db()
    assert proposal.title == "Number talks"
    assert proposal.rubric.criteria.count() == 2


@pytest.mark.parametrize("status", [Status.APPROVED, Status.DECLINED])
def test_a_decided_proposal_is_read_by_its_author_group_panel_and_admins(
    client, proposal, educator, other_educator, reviewer, district_admin, outsider_admin, status
):
    plan = Plan.objects.create(district=educator.district, microcredential=proposal, lead=educator)
    Submission.objects.create(district=educator.district, plan=plan, educator=educator)
    MicroCredential.objects.filter(pk=proposal.pk).update(status=status)
    url = reverse("credentials:detail", args=[proposal.pk])
    client.force_login(other_educator)
    assert client.get(url).status_code == 404
    Submission.objects.create(district=educator.district, plan=plan, educator=other_educator)
    for person in (educator, other_educator, reviewer, district_admin):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert Status(status).label in response.content.decode()
    client.force_login(outsider_admin)
    assert client.get(url).status_code == 404
