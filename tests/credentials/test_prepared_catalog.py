"""The catalog's reads built once per process (microcreds.prepared) give what the ORM's
querysets give: the whole catalog (prepared) and a filtered one (built each time) list the same
cards for filters that keep every entry, and the filters' choices are the district's."""

from decimal import Decimal

import pytest

from credentials import selectors
from credentials.models import MicroCredential
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import EvidenceTypeFactory, MicroCredentialFactory, StackFactory

pytestmark = pytest.mark.django_db


def _orm_cards(user, **filters) -> list:
    """What the cards were read as before: ``published_entries`` and an ``__in`` list."""
    rows = list(selectors.published_entries(user, **filters).values_list(*selectors._CARD_COLUMNS))
    evidence: dict[int, list[str]] = {}
    for entry_id, name in (
        MicroCredential.evidence_types.through.objects.filter(
            microcredential_id__in=[row[0] for row in rows]
        )
        .order_by("evidencetype__name")
        .values_list("microcredential_id", "evidencetype__name")
    ):
        evidence.setdefault(entry_id, []).append(name)
    return [(row, tuple(evidence.get(row[0], ()))) for row in rows]


def test_the_whole_catalog_and_a_filtered_one_give_the_querysets_cards(
    educator, district, other_district
):
    video, essay = (EvidenceTypeFactory(district=district, name=n) for n in ("Video", "Essay"))
    stack = StackFactory(district=district, name="Routines")
    MicroCredentialFactory(district=district, title="B", stack=stack, evidence_types=[video, essay])
    MicroCredentialFactory(district=district, title="A", estimated_hours=Decimal("2.5"))
    MicroCredentialFactory(district=district, title="C", evidence_types=[essay])
    MicroCredentialFactory(district=district, title="Draft", status=MicroCredential.Status.DRAFT)
    MicroCredentialFactory(district=other_district, title="Theirs", evidence_types=[])
    whole = selectors.catalog_cards(educator)
    assert [c.title for c in whole] == ["A", "B", "C"]
    assert whole[1].stack == "Routines" and whole[1].evidence_types == ("Essay", "Video")
    assert whole[0].estimated_hours == Decimal("2.5") and whole[0].evidence_types == ()
    # Unfiltered (prepared) and with a filter that keeps every entry (built each time).
    for filters in ({}, {"query": " ", "grade_band": ""}, {"max_hours": Decimal(100)}):
        got = selectors.catalog_cards(educator, **filters)
        assert got == whole
        expected = _orm_cards(educator, **filters)
        assert [(card[:5], card.evidence_types) for card in got] == [
            (row[:5], names) for row, names in expected
        ]
        assert [card.grade_band for card in got] == [
            dict(MicroCredential.GradeBand.choices)[row[5]] for row, _ in expected
        ]
    assert [c.title for c in selectors.catalog_cards(educator, stack_id=stack.pk)] == ["B"]
    someone_else = EducatorFactory(district=other_district)
    assert [c.title for c in selectors.catalog_cards(someone_else)] == ["Theirs"]


def test_the_filters_choices_are_the_districts_by_name(educator, district, other_district):
    StackFactory(district=district, name="Zeta")
    StackFactory(district=district, name="Alpha")
    StackFactory(district=other_district, name="Theirs")
    EvidenceTypeFactory(district=district, name="Video")
    choices = selectors.catalog_filter_choices(educator)
    assert [name for _pk, name in choices.stacks] == ["Alpha", "Zeta"]
    assert [name for _pk, name in choices.evidence_types] == ["Video"]
    assert choices.stacks == list(
        selectors.Stack.objects.filter(district=district).order_by("name").values_list("pk", "name")
    )
