import pytest

from credentials.models import MicroCredential, RubricLevel
from tests.credentials.factories import (
    EvidenceTypeFactory,
    MicroCredentialFactory,
    StackFactory,
)

pytestmark = pytest.mark.django_db


def test_microcredential_factory_builds_a_scorable_rubric(district):
    entry = MicroCredentialFactory(district=district, status="published")
    criteria = list(entry.rubric.criteria.all())
    assert len(criteria) == 2
    for criterion in criteria:
        assert criterion.passing_score == 2
        assert [(lv.score, lv.label) for lv in criterion.levels.all()] == [
            (1, "Not yet"),
            (2, "Demonstrated"),
        ]
    assert entry.status == MicroCredential.Status.PUBLISHED
    assert entry.published_at is not None


def test_factory_options(district):
    stack = StackFactory(district=district)
    video = EvidenceTypeFactory(district=district, name="Video")
    entry = MicroCredentialFactory(
        district=district, status="draft", stack=stack, evidence_types=[video], criteria=0
    )
    assert entry.published_at is None
    assert not hasattr(entry, "rubric")
    assert list(entry.evidence_types.all()) == [video]
    assert RubricLevel.objects.filter(criterion__rubric__microcredential=entry).count() == 0
