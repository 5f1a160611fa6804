import pytest

from accounts.models import AuditEvent
from credentials import services
from credentials.models import MicroCredential, Rubric, RubricLevel
from credentials.services import CatalogError, LevelInput
from submissions.models import Plan
from tests.credentials.factories import (
    EvidenceTypeFactory,
    MicroCredentialFactory,
    StackFactory,
)

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status
LEVELS = [LevelInput(1, "Not yet"), LevelInput(2, "Demonstrated")]


def audit_actions(entry) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type="credentials.microcredential", target_id=entry.pk
        ).values_list("action", flat=True)
    )


def test_create_makes_a_draft_with_an_empty_rubric(district_admin):
    video = EvidenceTypeFactory(district=district_admin.district, name="Video")
    stack = StackFactory(district=district_admin.district)
    entry = services.microcredential_create(
        actor=district_admin,
        title="  Classroom Routines ",
        competency="Teaches routines.",
        evidence_types=[video],
        stack=stack,
        estimated_hours=6,
    )
    assert entry.status == Status.DRAFT
    assert entry.title == "Classroom Routines"
    assert entry.district == district_admin.district
    assert entry.rubric.criteria.count() == 0
    assert list(entry.evidence_types.all()) == [video]
    assert audit_actions(entry) == ["microcredential.created"]


@pytest.mark.parametrize("who", ["educator", "reviewer"])
def test_create_refused_for_non_admins(request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(CatalogError, match="district admin"):
        services.microcredential_create(actor=actor, title="X", competency="Y")
    assert not MicroCredential.objects.exists()


def test_create_refuses_other_districts_stack_and_empty_title(district_admin, other_district):
    with pytest.raises(CatalogError, match="another district"):
        services.microcredential_create(
            actor=district_admin,
            title="X",
            competency="Y",
            stack=StackFactory(district=other_district),
        )
    with pytest.raises(CatalogError, match="title"):
        services.microcredential_create(actor=district_admin, title="  ", competency="Y")
    assert not MicroCredential.objects.exists()


def test_update_of_a_draft_changes_it_in_place(district_admin):
    entry = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT)
    updated = services.microcredential_update(
        microcredential=entry, actor=district_admin, title="Renamed"
    )
    assert updated.pk == entry.pk
    assert updated.version == 1
    entry.refresh_from_db()
    assert entry.title == "Renamed"


def test_editing_a_published_entry_makes_a_new_version_and_plans_keep_theirs(
    district_admin, educator
):
    video = EvidenceTypeFactory(district=district_admin.district, name="Video")
    entry = MicroCredentialFactory(district=district_admin.district, evidence_types=[video])
    plan = Plan.objects.create(district=entry.district, microcredential=entry, lead=educator)

    new = services.microcredential_update(
        microcredential=entry, actor=district_admin, competency="A sharper competency."
    )

    entry.refresh_from_db()
    plan.refresh_from_db()
    assert new.pk != entry.pk
    assert (new.lineage, new.version, new.status) == (entry.lineage, 2, Status.PUBLISHED)
    assert new.competency == "A sharper competency."
    assert entry.status == Status.SUPERSEDED
    assert entry.competency != new.competency
    assert plan.microcredential_id == entry.pk
    # The rubric, its criteria and levels, and the evidence types were copied, not moved.
    assert list(new.evidence_types.all()) == [video]
    old_criteria = list(entry.rubric.criteria.all())
    new_criteria = list(new.rubric.criteria.all())
    assert [c.title for c in new_criteria] == [c.title for c in old_criteria]
    assert {c.pk for c in new_criteria}.isdisjoint({c.pk for c in old_criteria})
    assert [lv.label for lv in new_criteria[0].levels.all()] == ["Not yet", "Demonstrated"]
    assert RubricLevel.objects.filter(criterion__rubric__microcredential=entry).count() == 4
    assert audit_actions(entry) == ["microcredential.superseded"]
    assert audit_actions(new) == ["microcredential.new_version"]


def test_publish_requires_a_complete_rubric(district_admin):
    bare = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT, criteria=0)
    with pytest.raises(CatalogError, match="rubric"):
        services.microcredential_publish(microcredential=bare, actor=district_admin)

    entry = services.microcredential_create(actor=district_admin, title="T", competency="C")
    with pytest.raises(CatalogError, match="at least one rubric criterion"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)

    criterion = services.rubric_criterion_create(
        microcredential=entry, actor=district_admin, title="Plan", levels=LEVELS, passing_score=2
    )
    criterion.levels.all().delete()
    with pytest.raises(CatalogError, match="has no levels"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT

    services.rubric_criterion_update(
        criterion=criterion, actor=district_admin, title="Plan", levels=LEVELS, passing_score=2
    )
    published = services.microcredential_publish(microcredential=entry, actor=district_admin)
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None
    assert "microcredential.published" in audit_actions(entry)


def test_publish_of_a_new_draft_version_supersedes_the_published_one(district_admin):
    entry = MicroCredentialFactory(district=district_admin.district)
    draft = services.microcredential_new_draft(microcredential=entry, actor=district_admin)
    assert (draft.status, draft.version, draft.lineage) == (Status.DRAFT, 2, entry.lineage)
    with pytest.raises(CatalogError, match="already a draft"):
        services.microcredential_new_draft(microcredential=entry, actor=district_admin)
    # The rubric of the draft may change; the published one may not.
    services.rubric_criterion_create(
        microcredential=draft, actor=district_admin, title="Third", levels=LEVELS, passing_score=2
    )
    with pytest.raises(CatalogError, match="fixed"):
        services.rubric_criterion_create(
            microcredential=entry, actor=district_admin, title="X", levels=LEVELS, passing_score=2
        )
    services.microcredential_publish(microcredential=draft, actor=district_admin)
    entry.refresh_from_db()
    assert entry.status == Status.SUPERSEDED
    assert entry.rubric.criteria.count() == 2
    assert draft.rubric.criteria.count() == 3


def test_publish_refuses_minimum_rule_out_of_range(district_admin):
    entry = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT)
    services.rubric_update(
        microcredential=entry,
        actor=district_admin,
        passing_rule=Rubric.PassingRule.MINIMUM,
        minimum_passing_criteria=5,
    )
    with pytest.raises(CatalogError, match="between 1 and"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)


def test_publish_refused_from_published_and_for_other_district(district_admin, outsider_admin):
    entry = MicroCredentialFactory(district=district_admin.district)
    with pytest.raises(CatalogError, match="only a draft"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)
    draft = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT)
    with pytest.raises(CatalogError, match="district admin"):
        services.microcredential_publish(microcredential=draft, actor=outsider_admin)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_retire(district_admin, educator):
    entry = MicroCredentialFactory(district=district_admin.district)
    with pytest.raises(CatalogError, match="district admin"):
        services.microcredential_retire(microcredential=entry, actor=educator)
    retired = services.microcredential_retire(microcredential=entry, actor=district_admin)
    assert retired.status == Status.RETIRED
    event = AuditEvent.objects.get(action="microcredential.retired", target_id=entry.pk)
    assert (event.from_status, event.to_status, event.actor) == (
        Status.PUBLISHED,
        Status.RETIRED,
        district_admin,
    )
    with pytest.raises(CatalogError, match="only a published"):
        services.microcredential_retire(microcredential=entry, actor=district_admin)
    with pytest.raises(CatalogError, match="cannot be edited"):
        services.microcredential_update(microcredential=entry, actor=district_admin, title="Z")


def test_criterion_validation(district_admin, other_district):
    entry = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT)
    kwargs = {"microcredential": entry, "actor": district_admin, "title": "Video"}
    with pytest.raises(CatalogError, match="“Video” needs a level scoring at least its passing"):
        services.rubric_criterion_create(**kwargs, levels=LEVELS, passing_score=3)
    with pytest.raises(CatalogError, match="same score"):
        services.rubric_criterion_create(
            **kwargs, levels=[LevelInput(1, "A"), LevelInput(1, "B")], passing_score=1
        )
    with pytest.raises(CatalogError, match="label"):
        services.rubric_criterion_create(**kwargs, levels=[LevelInput(1, " ")], passing_score=1)
    with pytest.raises(CatalogError, match="another district"):
        services.rubric_criterion_create(
            **kwargs,
            levels=LEVELS,
            passing_score=2,
            evidence_type=EvidenceTypeFactory(district=other_district),
        )
    assert entry.rubric.criteria.count() == 2


def test_criterion_update_replaces_levels_and_delete(district_admin):
    entry = MicroCredentialFactory(district=district_admin.district, status=Status.DRAFT)
    criterion = entry.rubric.criteria.first()
    scale = [
        LevelInput(s, label)
        for s, label in enumerate(["Beginning", "Developing", "Proficient", "Exemplary"], 1)
    ]
    services.rubric_criterion_update(
        criterion=criterion,
        actor=district_admin,
        title="Lesson plan",
        levels=list(reversed(scale)),
        passing_score=3,
        component="implementation",
    )
    criterion.refresh_from_db()
    assert criterion.passing_score == 3
    assert [lv.label for lv in criterion.levels.all()] == [
        "Beginning",
        "Developing",
        "Proficient",
        "Exemplary",
    ]
    services.rubric_criterion_delete(criterion=criterion, actor=district_admin)
    assert entry.rubric.criteria.count() == 1


def test_propose_by_educator(educator, district_admin):
    entry = services.microcredential_propose(
        actor=educator,
        title="Number talks",
        competency="Uses number talks to build fluency.",
        criteria=["Plan", "Video of a number talk", " "],
    )
    assert (entry.status, entry.origin, entry.created_by) == (
        Status.PROPOSED,
        MicroCredential.Origin.EDUCATOR,
        educator,
    )
    assert [c.title for c in entry.rubric.criteria.all()] == ["Plan", "Video of a number talk"]
    services.microcredential_publish(microcredential=entry, actor=district_admin)
    with pytest.raises(CatalogError, match="educator"):
        services.microcredential_propose(actor=district_admin, title="X", competency="Y")


@pytest.mark.parametrize(
    ("title", "competency", "message"),
    [
        ("  ", "Uses number talks.", "The title of a micro-credential cannot be empty."),
        ("Number talks", "\n ", "The competency of a micro-credential cannot be empty."),
    ],
)
def test_propose_refuses_an_empty_title_or_competency(educator, title, competency, message):
    with pytest.raises(CatalogError, match=message):
        services.microcredential_propose(
            actor=educator, title=title, competency=competency, criteria=["Plan"]
        )
    assert not MicroCredential.objects.exists() and not Rubric.objects.exists()


def test_stacks_and_evidence_types(district_admin, educator):
    stack = services.stack_create(actor=district_admin, name="Classroom Management")
    with pytest.raises(CatalogError, match="already exists"):
        services.stack_create(actor=district_admin, name="classroom management")
    services.stack_update(
        stack=stack, actor=district_admin, name="Classroom management", color="#123456"
    )
    stack.refresh_from_db()
    assert (stack.name, stack.color) == ("Classroom management", "#123456")
    evidence = services.evidence_type_create(actor=district_admin, name="Video", accepts="video")
    services.evidence_type_update(
        evidence_type=evidence, actor=district_admin, name="Video (3–5 min)", accepts="video"
    )
    evidence.refresh_from_db()
    assert evidence.name == "Video (3–5 min)"
    with pytest.raises(CatalogError):
        services.stack_create(actor=educator, name="Mine")
    with pytest.raises(CatalogError):
        services.evidence_type_update(evidence_type=evidence, actor=educator, name="Mine")
    assert AuditEvent.objects.filter(action__startswith="stack.").count() == 2
    assert AuditEvent.objects.filter(action__startswith="evidence_type.").count() == 2


def test_published_entry_with_a_pending_draft_is_edited_through_the_draft(district_admin):
    entry = MicroCredentialFactory(district=district_admin.district)
    services.microcredential_new_draft(microcredential=entry, actor=district_admin)
    with pytest.raises(CatalogError, match="Version 2 .* is a draft"):
        services.microcredential_update(microcredential=entry, actor=district_admin, title="Z")
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


@pytest.mark.parametrize(
    "status,message",
    [
        (Status.RETIRED, "retired: new plans cannot be started"),
        (Status.SUPERSEDED, "has been replaced"),
        (Status.DRAFT, "not published"),
        (Status.PROPOSED, "not published"),
    ],
)
def test_check_startable(district, status, message):
    services.microcredential_check_startable(
        microcredential=MicroCredentialFactory(district=district)
    )
    with pytest.raises(CatalogError, match=message):
        services.microcredential_check_startable(
            microcredential=MicroCredentialFactory(district=district, status=status)
        )
