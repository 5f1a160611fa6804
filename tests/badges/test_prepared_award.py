"""The verification page's award is read by a prepared query keyed by the award's public id
(a UUID): the same award, with the same columns, as the ORM reads it."""

import uuid

import pytest

from badges import selectors
from badges.models import Award

pytestmark = pytest.mark.django_db


def test_an_issued_award_is_found_by_its_public_id_as_the_orm_finds_it(issued_award):
    found = selectors.public_award(issued_award.uuid)
    expected = (
        selectors._public(issued_award.uuid)
        .select_related(
            "district", "educator", "microcredential", "renews__microcredential", "renewed_by"
        )
        .only(*selectors.VERIFIED_AWARD_COLUMNS)
        .get()
    )
    assert found.pk == expected.pk and found.uuid == issued_award.uuid
    shown = {k: v for k, v in vars(found).items() if k != "_state"}
    assert shown == {k: v for k, v in vars(expected).items() if k != "_state"}
    assert found.educator == issued_award.educator and found.district == issued_award.district
    assert selectors.public_award(uuid.uuid4()) is None


def test_an_award_still_being_prepared_has_no_public_page(issued_award):
    Award.objects.filter(pk=issued_award.pk).update(state=Award.State.PREPARING)
    assert selectors.public_award(issued_award.uuid) is None
