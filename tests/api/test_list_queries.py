"""Every list of the API costs the same number of queries for a few rows or many (the
ledger: tests/api/test_ledger.py, with entries made by issuing and revoking)."""

import pytest

from tests.badges.factories import AwardFactory, earned_submission
from tests.credentials.factories import MicroCredentialFactory

from .conftest import ALL_SCOPES

LISTS = [
    "/api/v1/people/",
    "/api/v1/buildings/",
    "/api/v1/catalog/",
    "/api/v1/submissions/",
    "/api/v1/awards/",
    "/api/v1/relicensure/",
]


def add_rows(educator, count: int) -> None:
    for _ in range(count):
        AwardFactory(submission=earned_submission(educator=educator))
        MicroCredentialFactory(district=educator.district)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_at_any_size(
    path, connect, district_admin, educator, django_assert_max_num_queries
):
    hr = connect(district_admin, ALL_SCOPES)
    add_rows(educator, 2)
    with django_assert_max_num_queries(12) as few:
        assert hr.get(path).status_code == 200
    few_count = len(few.captured_queries)
    add_rows(educator, 25)
    with django_assert_max_num_queries(few_count):
        assert hr.get(path).status_code == 200
