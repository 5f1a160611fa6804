"""Catalog factories. Other apps' tests import these; keep the names and defaults stable.

``MicroCredentialFactory(district=..., status="published")`` makes an entry with a rubric of two
criteria, each with levels 1 "Not yet" and 2 "Demonstrated" and a passing score of 2.
"""

import factory
from django.utils import timezone

from credentials.models import (
    EvidenceType,
    MicroCredential,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Stack,
)
from tests.accounts.factories import DistrictFactory


class EvidenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceType
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Evidence type {n}")
    description = "Evidence the panel reviews."
    accepts = EvidenceType.FileFamily.ANY


class StackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stack

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Stack {n}")
    description = "A group of related micro-credentials."


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    microcredential = factory.SubFactory("tests.credentials.factories.MicroCredentialFactory")
    passing_rule = Rubric.PassingRule.ALL


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    """A criterion with levels 1 "Not yet" and 2 "Demonstrated"; passing score 2."""

    class Meta:
        model = RubricCriterion
        skip_postgeneration_save = True

    rubric = factory.SubFactory(RubricFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    description = "What the panel looks for."
    passing_score = 2

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        if not create:
            return
        pairs = extracted if extracted is not None else [(1, "Not yet"), (2, "Demonstrated")]
        for score, label in pairs:
            RubricLevel.objects.create(criterion=obj, score=score, label=label)


class MicroCredentialFactory(factory.django.DjangoModelFactory):
    """A catalog entry with a rubric of ``criteria`` criteria (default 2); pass criteria=0 for
    an entry without a rubric."""

    class Meta:
        model = MicroCredential
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Micro-credential {n}")
    competency = "The educator establishes and teaches classroom routines."
    key_method = "Teach, model and practice routines with students."
    method_components = "1. Identify routines\n2. Teach them explicitly\n3. Reinforce"
    research_and_resources = "Wong, H. & Wong, R. (2018). The First Days of School."
    submission_guidelines = "Submit a lesson plan, a short video and a reflection."
    estimated_hours = 10
    pd_points = 1
    status = MicroCredential.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != MicroCredential.Status.DRAFT else None
    )

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 2 if extracted is None else extracted
        if count == 0:
            return
        rubric = Rubric.objects.create(microcredential=obj)
        for position in range(count):
            RubricCriterionFactory(
                rubric=rubric, position=position, title=f"Criterion {position + 1}"
            )

    @factory.post_generation
    def evidence_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.evidence_types.set(extracted)
