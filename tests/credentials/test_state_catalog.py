"""The state's catalog: the state publishes an entry and its versions; a district of the state
adopts it in one step, cannot edit what the state defines, and is offered (never given) the
state's newer versions; a district of another state sees none of it."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from credentials import selectors, services
from credentials.models import MicroCredential, StateCatalogEntry, StateCatalogVersion
from credentials.services import CatalogError
from tests.accounts.factories import DistrictAdminFactory, StateAdminFactory

pytestmark = pytest.mark.django_db

ENTRY = {
    "title": "Restorative Circles",
    "competency": "The educator leads restorative circles that repair harm.",
    "key_method": "Community-building and repair circles.",
    "method_components": "Learn the circle process\nHold three circles",
    "research_and_resources": "Costello, Wachtel & Wachtel (2010).",
    "submission_guidelines": "A circle plan, a recording and a reflection.",
    "estimated_hours": "8",
    "pd_points": "1",
    "rigor": "3",
    "stack": "Classroom Culture",
    "evidence_types": "Circle plan, Classroom video",
    "criteria": "Plans the circle\nFacilitates repair",
    "note": "",
}


@pytest.fixture
def state_admin():
    return StateAdminFactory(state__name="Kansas")


@pytest.fixture
def admin(state_admin):
    return DistrictAdminFactory(district__state=state_admin.state)


@pytest.fixture
def published(client, state_admin) -> StateCatalogEntry:
    client.force_login(state_admin)
    response = client.post(reverse("states:catalog_new"), ENTRY)
    entry = StateCatalogEntry.objects.get(state=state_admin.state)
    assert response["Location"] == reverse("states:catalog_entry", kwargs={"pk": entry.pk})
    client.logout()
    return entry


def test_state_publishes_and_a_district_adopts_in_one_step(client, published, admin):
    version = published.versions.get()
    assert version.number == 1 and version.package["entry"]["rigor"] == 3
    assert [c["title"] for c in version.package["rubric"]["criteria"]] == [
        "Plans the circle",
        "Facilitates repair",
    ]
    client.force_login(admin)
    listing = client.get(reverse("credentials:state_catalog")).content.decode()
    assert "Restorative Circles" in listing and "Not adopted" in listing

    response = client.post(reverse("credentials:adopt", kwargs={"pk": published.pk}))
    entry = MicroCredential.objects.get(district=admin.district)
    assert response["Location"] == reverse("credentials:preview", kwargs={"pk": entry.pk})
    assert entry.is_published and entry.is_adopted
    assert (entry.adopted_from, entry.adopted_version) == (published, 1)
    assert entry.stack.name == "Classroom Culture"
    assert entry.rubric.criteria.count() == 2
    assert not entry.is_editable and not entry.takes_new_draft and entry.is_retirable
    assert AuditEvent.objects.filter(action="microcredential.adopted", target_id=entry.pk).exists()
    # Educators find it in the catalog like any entry.
    assert entry in selectors.published_catalog_for_user(admin)

    with pytest.raises(CatalogError, match="already in your catalog"):
        services.state_entry_adopt(state_entry=published, actor=admin)


def test_the_district_cannot_edit_what_the_state_defines(client, published, admin):
    entry = services.state_entry_adopt(state_entry=published, actor=admin)
    with pytest.raises(CatalogError, match="adopted from the state"):
        services.microcredential_update(microcredential=entry, actor=admin, title="Mine now")
    with pytest.raises(CatalogError, match="adopted from the state"):
        services.microcredential_new_draft(microcredential=entry, actor=admin)
    with pytest.raises(CatalogError, match="adopted from the state"):
        services.rubric_update(
            microcredential=entry, actor=admin, passing_rule="all", minimum_passing_criteria=None
        )
    client.force_login(admin)
    response = client.get(reverse("credentials:edit", kwargs={"pk": entry.pk}))
    assert response.status_code == 302
    preview = client.get(reverse("credentials:preview", kwargs={"pk": entry.pk})).content.decode()
    assert "Adopted from the state" in preview and "Edit details" not in preview
    entry.refresh_from_db()
    assert entry.title == "Restorative Circles"


def test_a_new_state_version_is_offered_never_pushed(client, published, admin, state_admin):
    adopted = services.state_entry_adopt(state_entry=published, actor=admin)
    client.force_login(state_admin)
    changed = {**ENTRY, "competency": "The educator leads circles that repair harm, weekly."}
    del changed["criteria"]
    client.post(
        reverse("states:catalog_entry", kwargs={"pk": published.pk}),
        {**changed, "note": "Weekly circles."},
    )
    published.refresh_from_db()
    assert published.latest_version == 2
    first = published.versions.get(number=1)
    assert first.package["entry"]["competency"] == ENTRY["competency"]  # kept as it was
    adopted.refresh_from_db()
    assert adopted.adopted_version == 1 and adopted.is_published  # not pushed

    client.force_login(admin)
    page = client.get(reverse("credentials:manage")).content.decode()
    assert "Update to version 2" in page and "Changed: competency." in page
    assert "Weekly circles." in page
    client.post(reverse("credentials:adopted_update", kwargs={"pk": adopted.pk}))
    adopted.refresh_from_db()
    assert adopted.status == MicroCredential.Status.SUPERSEDED
    current = MicroCredential.objects.get(lineage=adopted.lineage, status="published")
    assert (current.version, current.adopted_version) == (2, 2)
    assert current.competency.endswith("weekly.")
    assert selectors.adoption_offers(district=admin.district) == []
    assert "Update to version" not in client.get(reverse("credentials:manage")).content.decode()


def test_an_unchanged_or_invalid_version_is_refused_and_nothing_saved(
    client, published, state_admin
):
    client.force_login(state_admin)
    same = {**ENTRY}
    del same["criteria"]
    url = reverse("states:catalog_entry", kwargs={"pk": published.pk})
    assert "Nothing changed" in client.post(url, same).content.decode()
    page = client.post(url, {**same, "competency": ""}).content.decode()
    assert "the competency is missing" in page
    assert StateCatalogVersion.objects.filter(entry=published).count() == 1
    empty = client.post(reverse("states:catalog_new"), {**ENTRY, "criteria": ""})
    assert "it needs at least one criterion" in empty.content.decode()
    assert StateCatalogEntry.objects.count() == 1


def test_another_states_district_neither_sees_nor_adopts(client, published):
    stranger = DistrictAdminFactory(district__state=StateAdminFactory().state)
    client.force_login(stranger)
    assert (
        "Restorative Circles"
        not in client.get(reverse("credentials:state_catalog")).content.decode()
    )
    assert client.post(reverse("credentials:adopt", kwargs={"pk": published.pk})).status_code == 404
    with pytest.raises(CatalogError, match="another state"):
        services.state_entry_adopt(state_entry=published, actor=stranger)
    assert not MicroCredential.objects.filter(district=stranger.district).exists()


def test_a_whole_stack_is_adopted_in_one_step(client, published, admin, state_admin):
    second = {**ENTRY, "title": "Peace Corners", "criteria": "Sets up the corner"}
    client.force_login(state_admin)
    client.post(reverse("states:catalog_new"), second)
    services.state_entry_adopt(state_entry=published, actor=admin)  # one of them already held
    client.force_login(admin)
    page = client.get(reverse("credentials:state_catalog")).content.decode()
    assert "Adopt the stack “Classroom Culture”" in page
    client.post(reverse("credentials:adopt_stack"), {"stack": "Classroom Culture"})
    held = MicroCredential.objects.filter(district=admin.district, status="published")
    assert sorted(held.values_list("title", flat=True)) == ["Peace Corners", "Restorative Circles"]
    # Nothing is left to adopt: the page says so instead of offering a step that is refused.
    page = client.get(reverse("credentials:state_catalog")).content.decode()
    assert "Adopt the stack “Classroom Culture”" not in page
    assert "The stack “Classroom Culture”: every entry of it is in your catalog already." in page
    with pytest.raises(CatalogError, match="already in your catalog"):
        services.state_stack_adopt(stack_name="Classroom Culture", actor=admin)
    with pytest.raises(CatalogError, match="no stack of this name"):
        services.state_stack_adopt(stack_name="Nope", actor=admin)
