"""The state's catalog goes straight into its districts' published catalogs when they adopt it,
so a state entry is held to the rule a district's own entry is published by: some level of each
criterion passes and some does not (``criterion_passing_problem``). The state cannot publish an
entry, or a version, a reviewer could not score as not met; a version it published before this
check is not adopted, nor taken as an update, and the district is told why, on the page that
offers it, in place of the button. A district that imports the same file gets a draft, which
says why when it is published."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credentials import services
from credentials.models import MicroCredential, StateCatalogEntry, StateCatalogVersion
from credentials.packages import SCHEMA, SCHEMA_VERSION, PackageError, package_dumps
from credentials.services import CatalogError
from tests.accounts.factories import DistrictAdminFactory, StateAdminFactory

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status
EVERY_LEVEL_PASSES = (
    "Rubric criterion 1 (Facilitates repair) passes at every level: its passing score (1) is "
    "not above its lowest level, 1 “Not yet”, so a reviewer cannot score it as not met. To fix "
    "it, set the passing score to 2."
)


def package(*, passing_score: int, competency: str = "The educator leads repair circles.") -> dict:
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "entry": {
            "title": "Restorative Circles",
            "competency": competency,
            "estimated_hours": "8",
            "pd_points": "1",
            "rigor": 3,
        },
        "stack": {"name": "Classroom Culture", "description": "", "color": "#1f4e79"},
        "evidence_types": [],
        "rubric": {
            "passing_rule": "all",
            "minimum_passing_criteria": None,
            "criteria": [
                {
                    "title": "Facilitates repair",
                    "description": "",
                    "component": "",
                    "passing_score": passing_score,
                    "evidence_type": None,
                    "levels": [
                        {"score": 1, "label": "Not yet", "description": ""},
                        {"score": 2, "label": "Demonstrated", "description": ""},
                    ],
                }
            ],
        },
        "provider": {"name": "Kansas", "version": 1},
    }


@pytest.fixture
def state_admin():
    return StateAdminFactory(state__name="Kansas")


@pytest.fixture
def admin(state_admin):
    return DistrictAdminFactory(district__state=state_admin.state)


def published_before_the_check(state_admin, *, number: int = 1, entry=None) -> StateCatalogEntry:
    """A version the state published when only "no level passes" was refused."""
    if entry is None:
        entry = StateCatalogEntry.objects.create(
            state=state_admin.state,
            title="Restorative Circles",
            stack_name="Classroom Culture",
            latest_version=number,
            created_by=state_admin,
        )
    StateCatalogVersion.objects.create(
        entry=entry, number=number, package=package(passing_score=1), published_by=state_admin
    )
    StateCatalogEntry.objects.filter(pk=entry.pk).update(latest_version=number)
    entry.refresh_from_db()
    return entry


def test_the_state_cannot_publish_an_entry_every_level_of_which_passes(client, state_admin, admin):
    bad = package_dumps(package(passing_score=1))
    client.force_login(state_admin)
    response = client.post(
        reverse("states:catalog_new"),
        {
            "estimated_hours": "0",
            "pd_points": "0",
            "rigor": "2",
            "package_file": SimpleUploadedFile("circles.json", bad, "application/json"),
        },
    )
    assert response.status_code == 200
    assert EVERY_LEVEL_PASSES in response.content.decode()
    assert not StateCatalogEntry.objects.exists()

    # The district's own import of the same file is a draft, told why when it is published.
    draft = services.microcredential_import(actor=admin, raw=bad)
    assert draft.status == Status.DRAFT
    with pytest.raises(CatalogError, match="Criterion “Facilitates repair” passes at every"):
        services.microcredential_publish(microcredential=draft, actor=admin)


def test_the_state_cannot_publish_a_version_every_level_of_which_passes(state_admin):
    entry = services.state_entry_publish(
        state=state_admin.state, actor=state_admin, package=package(passing_score=2)
    )
    with pytest.raises(PackageError) as refused:
        services.state_entry_version_publish(
            state_entry=entry,
            actor=state_admin,
            package=package(passing_score=1, competency="Circles, weekly."),
        )
    assert refused.value.problems == [EVERY_LEVEL_PASSES]
    assert entry.versions.count() == 1


def test_a_district_does_not_adopt_a_version_published_before_the_check(client, state_admin, admin):
    entry = published_before_the_check(state_admin)
    client.force_login(admin)
    response = client.post(reverse("credentials:adopt", kwargs={"pk": entry.pk}), follow=True)
    page = response.content.decode()
    assert "“Restorative Circles” (the state&#x27;s version 1) cannot go into your catalog" in page
    assert EVERY_LEVEL_PASSES in page
    assert "Ask the state to publish a corrected version." in page
    client.post(reverse("credentials:adopt_stack"), {"stack": "Classroom Culture"})
    assert not MicroCredential.objects.filter(district=admin.district).exists()


def test_a_district_does_not_take_a_new_version_published_before_the_check(
    client, state_admin, admin
):
    entry = services.state_entry_publish(
        state=state_admin.state, actor=state_admin, package=package(passing_score=2)
    )
    adopted = services.state_entry_adopt(state_entry=entry, actor=admin)
    published_before_the_check(state_admin, number=2, entry=entry)
    client.force_login(admin)
    response = client.post(
        reverse("credentials:adopted_update", kwargs={"pk": adopted.pk}), follow=True
    )
    assert "(the state&#x27;s version 2) cannot go into your catalog" in response.content.decode()
    adopted.refresh_from_db()
    assert (adopted.status, adopted.adopted_version) == (Status.PUBLISHED, 1)
    assert MicroCredential.objects.filter(lineage=adopted.lineage).count() == 1


def test_the_state_catalog_page_says_why_a_version_cannot_be_adopted_instead_of_offering_it(
    client, state_admin, admin
):
    bad = published_before_the_check(state_admin)
    good = services.state_entry_publish(
        state=state_admin.state,
        actor=state_admin,
        package={
            **package(passing_score=2),
            "entry": {**package(passing_score=2)["entry"], "title": "Peer Mediation"},
        },
    )
    client.force_login(admin)
    page = client.get(reverse("credentials:state_catalog")).content.decode()

    assert reverse("credentials:adopt", kwargs={"pk": bad.pk}) not in page
    assert "Cannot be adopted yet:" in page
    assert "“Restorative Circles” (the state&#x27;s version 1) cannot go into your catalog" in page
    assert EVERY_LEVEL_PASSES in page
    assert "Ask the state to publish a corrected version." in page
    # The stack holds the refused entry, so adopting it in one step would be refused too.
    assert "Adopt the stack" not in page
    assert "The stack “Classroom Culture” cannot be adopted in one step yet:" in page
    assert reverse("credentials:adopt", kwargs={"pk": good.pk}) in page

    client.post(reverse("credentials:adopt", kwargs={"pk": bad.pk}))
    assert not MicroCredential.objects.filter(adopted_from=bad).exists()
    client.post(reverse("credentials:adopt", kwargs={"pk": good.pk}))
    assert MicroCredential.objects.get(adopted_from=good).status == Status.PUBLISHED


def test_the_catalog_page_says_why_a_new_version_cannot_be_taken_instead_of_offering_it(
    client, state_admin, admin
):
    entry = services.state_entry_publish(
        state=state_admin.state, actor=state_admin, package=package(passing_score=2)
    )
    adopted = services.state_entry_adopt(state_entry=entry, actor=admin)
    update = reverse("credentials:adopted_update", kwargs={"pk": adopted.pk})
    client.force_login(admin)
    services.state_entry_version_publish(
        state_entry=entry,
        actor=state_admin,
        package=package(passing_score=2, competency="Circles, weekly."),
    )
    assert update in client.get(reverse("credentials:manage")).content.decode()

    published_before_the_check(state_admin, number=3, entry=entry)
    page = client.get(reverse("credentials:manage")).content.decode()
    assert update not in page
    assert "Cannot be taken yet:" in page
    assert "(the state&#x27;s version 3) cannot go into your catalog" in page
    assert EVERY_LEVEL_PASSES in page
