"""A catalog entry as a file: exported, brought into another district's catalog as a draft, and
exported again, it is the same package; a bad file is refused with its reasons, nothing saved."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from credentials.models import EvidenceType, MicroCredential, RubricCriterion, RubricLevel
from credentials.packages import SCHEMA, PackageError, package_loads, package_of_entry
from credentials.services import CatalogError, criterion_passing_problem, microcredential_import
from tests.accounts.factories import DistrictAdminFactory, DistrictFactory, EducatorFactory
from tests.credentials.factories import EvidenceTypeFactory, MicroCredentialFactory, StackFactory

pytestmark = pytest.mark.django_db


def rich_entry(district):
    video = EvidenceTypeFactory(district=district, name="Classroom video", accepts="video")
    plan = EvidenceTypeFactory(district=district, name="Lesson plan", accepts="document")
    entry = MicroCredentialFactory(
        district=district,
        title="Questioning for Deeper Thinking",
        stack=StackFactory(district=district, name="Instruction", color="#336699"),
        rigor=MicroCredential.Rigor.ADVANCED,
        estimated_hours=12.5,
        pd_points=1.5,
        grade_band="6-8",
        tags="questioning, discourse",
        valid_for_days=730,
        renewal_plan=MicroCredential.RenewalPlan.REFLECTION,
        state_standard="Standard 4",
        evidence_types=[video, plan],
    )
    criterion = entry.rubric.criteria.first()
    criterion.evidence_type = video
    criterion.component = RubricCriterion.Component.IMPACT
    criterion.save()
    RubricLevel.objects.create(criterion=criterion, score=3, label="Exemplary", description="x")
    entry.rubric.passing_rule = "minimum"
    entry.rubric.minimum_passing_criteria = 1
    entry.rubric.save()
    return entry


def without_provider(package: dict) -> dict:
    return {key: value for key, value in package.items() if key != "provider"}


def test_round_trip_through_the_pages_gives_the_same_package(client):
    source_admin = DistrictAdminFactory()
    entry = rich_entry(source_admin.district)
    client.force_login(source_admin)
    response = client.get(reverse("credentials:export", kwargs={"pk": entry.pk}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported["schema"] == SCHEMA and exported["schema_version"] == 1
    assert exported["rubric"]["criteria"][0]["levels"][-1]["label"] == "Exemplary"

    other_admin = DistrictAdminFactory()
    client.force_login(other_admin)
    upload = client.post(
        reverse("credentials:import_package"),
        {"package": _file(response.content)},
    )
    copy = MicroCredential.objects.get(district=other_admin.district)
    assert upload["Location"] == reverse("credentials:preview", kwargs={"pk": copy.pk})
    assert copy.status == MicroCredential.Status.DRAFT
    assert copy.origin == MicroCredential.Origin.PACKAGED and not copy.is_adopted
    assert copy.stack.district == other_admin.district
    assert {e.district_id for e in copy.evidence_types.all()} == {other_admin.district_id}
    again = package_of_entry(copy, provider="x")
    assert without_provider(again) == without_provider(exported)
    assert AuditEvent.objects.filter(action="microcredential.imported", target_id=copy.pk).exists()


def _file(content: bytes, name: str = "entry.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_a_bad_file_says_why_and_saves_nothing(client):
    admin = DistrictAdminFactory()
    good = package_of_entry(rich_entry(DistrictFactory()), provider="Elsewhere")
    bad = json.loads(json.dumps(good))
    bad["entry"]["competency"] = ""
    bad["entry"]["rigor"] = 9
    bad["rubric"]["criteria"][0]["levels"] = []
    bad["rubric"]["criteria"][1]["evidence_type"] = "Podcast"
    client.force_login(admin)
    before = (MicroCredential.objects.count(), EvidenceType.objects.count())
    response = client.post(
        reverse("credentials:import_package"), {"package": _file(json.dumps(bad).encode())}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "the competency is missing" in page
    assert "“rigor” must be one of" in page
    assert "has no levels" in page
    assert "“Podcast” is not among the package" in page
    assert (MicroCredential.objects.count(), EvidenceType.objects.count()) == before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe not text", "is not text"),
        (b"{not json", "not valid JSON (line 1"),
        (b"[1, 2]", "does not hold a catalog entry"),
        (b'{"schema": "other"}', "is not a micro-credential package"),
        (json.dumps({"schema": SCHEMA, "schema_version": 7}).encode(), "reads version 1"),
    ],
)
def test_unreadable_files_are_named(raw, reason):
    with pytest.raises(PackageError) as caught:
        package_loads(raw)
    assert reason in str(caught.value)


def test_only_a_district_admin_imports_and_into_their_own_district():
    educator = EducatorFactory()
    package = json.dumps(package_of_entry(rich_entry(educator.district), provider="x")).encode()
    with pytest.raises(CatalogError):
        microcredential_import(actor=educator, raw=package)


def test_a_criterion_no_level_of_which_passes_is_refused_as_the_rubric_page_says_it():
    # One rule for a criterion's passing score, whether a row or a package's.
    district = DistrictFactory()
    package = package_of_entry(rich_entry(district), provider="Elsewhere")
    package["rubric"]["criteria"][1]["passing_score"] = 3
    with pytest.raises(PackageError) as refused:
        package_loads(json.dumps(package).encode())
    assert refused.value.problems == [
        "Rubric criterion 2 (Criterion 2) needs a level scoring at least its passing score (3): "
        "as it is, no reviewer can pass it."
    ]
    row = MicroCredential.objects.get(district=district).rubric.criteria.get(title="Criterion 2")
    row.passing_score = 3
    assert criterion_passing_problem(row) == (
        "Criterion “Criterion 2” needs a level scoring at least its passing score (3): as it is, "
        "no reviewer can pass it."
    )
