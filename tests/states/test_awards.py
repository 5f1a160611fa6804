"""A state admin reads the educators' awards of every district of their state (never another
state's), newest first, a page at a time, at a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import (
    DistrictFactory,
    EducatorFactory,
    StateAdminFactory,
    StateFactory,
)
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db


def earn(district, last_name: str, day: int, **award):
    educator = EducatorFactory(district=district, last_name=last_name)
    return earned_submission(educator=educator, decided_on=dt.date(2026, 3, day), award=award)


def test_the_awards_of_the_states_districts_only_newest_first(client):
    state_admin = StateAdminFactory()
    north = DistrictFactory(state=state_admin.state, name="North USD")
    south = DistrictFactory(state=state_admin.state, name="South USD")
    earn(north, "Older", 1)
    earn(south, "Newer", 2)
    earn(south, "Revoked", 3, revoked_at=timezone.now())
    earn(DistrictFactory(state=StateFactory()), "Elsewhere", 4)
    earn(DistrictFactory(), "Stateless", 5)
    client.force_login(state_admin)
    response = client.get(reverse("states:awards"))
    assert response.status_code == 200
    awards = response.context["page"].awards
    assert [a.educator.last_name for a in awards] == ["Revoked", "Newer", "Older"]
    page = response.content.decode()
    assert "Elsewhere" not in page and "Stateless" not in page
    assert "Revoked" in page and "North USD" in page


def test_the_page_costs_the_same_for_two_awards_as_for_twelve(
    client, django_assert_max_num_queries
):
    state_admin = StateAdminFactory()
    district = DistrictFactory(state=state_admin.state)
    for day in (1, 2):
        earn(district, f"Educator {day}", day)
    client.force_login(state_admin)
    url = reverse("states:awards")
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for day in range(3, 13):
        earn(DistrictFactory(state=state_admin.state), f"Educator {day}", day)
    with CaptureQueriesContext(connection) as twelve:
        response = client.get(url)
    assert len(response.context["page"].awards) == 12
    assert len(twelve) == len(two)
    # The person (with their state; the session is in the cache), one page of awards.
    with django_assert_max_num_queries(2):
        client.get(url)


def test_older_pages_go_on_from_where_the_last_ended(client, monkeypatch):
    monkeypatch.setattr("states.views.AWARDS_PAGE_SIZE", 2)
    state_admin = StateAdminFactory()
    district = DistrictFactory(state=state_admin.state)
    for day in range(1, 6):
        earn(district, f"Day {day}", day)
    # Two awarded at the same moment: the id tells them apart, neither is lost nor repeated.
    same = earn(district, "Same moment", 4)
    same.award.issued_at = district.awards.get(educator__last_name="Day 4").issued_at
    same.award.save(update_fields=["issued_at"])
    client.force_login(state_admin)
    url = reverse("states:awards")
    seen, older_than = [], None
    for _ in range(3):
        response = client.get(url, {"older_than": older_than} if older_than else {})
        page = response.context["page"]
        seen += [a.educator.last_name for a in page.awards]
        older_than = page.older
    assert seen == ["Day 5", "Same moment", "Day 4", "Day 3", "Day 2", "Day 1"]
    assert older_than is None
    assert "Older awards" not in response.content.decode()
    assert "Newest awards" in response.content.decode()


@pytest.mark.parametrize("older_than", ["", "words", "-1", "1-", "9" * 40 + "-1", "1e400-2"])
def test_a_cursor_that_is_not_one_reads_from_the_newest(client, older_than):
    state_admin = StateAdminFactory()
    earn(DistrictFactory(state=state_admin.state), "Only", 1)
    client.force_login(state_admin)
    response = client.get(reverse("states:awards"), {"older_than": older_than})
    assert response.status_code == 200
    assert [a.educator.last_name for a in response.context["page"].awards] == ["Only"]
