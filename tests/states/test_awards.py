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
    awards = list(response.context["page"].object_list)
    assert [a.educator.last_name for a in awards] == ["Revoked", "Newer", "Older"]
    page = response.content.decode()
    assert "Elsewhere" not in page and "Stateless" not in page
    assert "Revoked" in page and "North USD" in page


def test_the_page_costs_the_same_for_two_awards_as_for_twelve(client):
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
    assert len(response.context["page"].object_list) == 12
    assert len(twelve) == len(two)
