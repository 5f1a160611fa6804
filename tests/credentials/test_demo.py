import pytest

from accounts.models import AuditEvent
from credentials import demo
from credentials.models import MicroCredential, Stack

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status


@pytest.fixture
def seeded(district, educator, reviewer, district_admin, building):
    people = {"educator": educator, "reviewer": reviewer, "admin": district_admin}
    demo.seed_demo(district=district, people=people, buildings={building.name: building})
    return district


def test_seed_demo_loads_the_classroom_management_stack(seeded):
    stack = Stack.objects.get(district=seeded, name="Classroom Management")
    published = MicroCredential.objects.filter(stack=stack, status=Status.PUBLISHED)
    assert sorted(published.values_list("title", flat=True)) == [
        "Addressing Challenging Behaviors",
        "Aspects of an Engaged Classroom",
        "Classroom Expectations and Routines",
        "Creating a Classroom Community",
        "Organizing the Physical Layout of the Classroom",
    ]
    for entry in published:
        criteria = list(entry.rubric.criteria.all())
        assert criteria and entry.rubric.passing_rule == "all"
        for criterion in criteria:
            assert [lv.label for lv in criterion.levels.all()] == ["Not yet", "Demonstrated"]
            assert criterion.passing_score == 2
            assert criterion.evidence_type is not None
        assert entry.evidence_types.exists()


def test_seed_demo_arkansas_kansas_versions_and_draft(seeded):
    arkansas = MicroCredential.objects.get(
        district=seeded, title__startswith="Checking for Understanding", status=Status.PUBLISHED
    )
    assert arkansas.origin == MicroCredential.Origin.PACKAGED
    for part in ("Part 1", "Work examples", "Part 3"):
        assert part in arkansas.submission_guidelines
    assert arkansas.research_and_resources and arkansas.method_components
    levels = [lv.score for lv in arkansas.rubric.criteria.first().levels.all()]
    assert levels == [1, 2, 3, 4]
    assert set(arkansas.rubric.criteria.values_list("passing_score", flat=True)) == {3}

    kansas = MicroCredential.objects.get(
        district=seeded, title="Self-designed micro-credential (Kansas template)"
    )
    assert (kansas.status, kansas.origin) == (Status.PUBLISHED, MicroCredential.Origin.EDUCATOR)
    assert list(kansas.rubric.criteria.values_list("component", flat=True)) == [
        "overview",
        "knowledge",
        "implementation",
        "impact",
        "reflection",
    ]

    engaged = MicroCredential.objects.filter(
        district=seeded, title="Aspects of an Engaged Classroom"
    ).order_by("version")
    assert [(e.version, e.status) for e in engaged] == [
        (1, Status.SUPERSEDED),
        (2, Status.PUBLISHED),
    ]
    assert MicroCredential.objects.filter(district=seeded, status=Status.DRAFT).count() == 1
    assert MicroCredential.objects.filter(district=seeded, status=Status.PUBLISHED).count() == 7
    assert (
        AuditEvent.objects.filter(district=seeded, action="microcredential.published").count() == 7
    )
