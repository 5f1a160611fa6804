"""A district's cycles never share a day: a day, and an award decided on it, belongs to one
cycle at most. The form and the service refuse a cycle that would share one, naming the other
cycle and its dates; cycles stored before the rule that do are pointed out on the cycles page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.models import ProgramCycle
from programs.selectors import overlapping_cycles
from programs.services import program_rule_save
from reports.demo import program_rules_seed
from tests.programs.factories import ProgramCycleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fall(district_admin):
    return ProgramCycleFactory(
        district=district_admin.district,
        name="Fall 2026",
        starts_on=dt.date(2026, 8, 17),
        ends_on=dt.date(2026, 12, 18),
    )


def _cycle_post(**fields) -> dict:
    return {
        "name": "Summer 2026",
        "starts_on": "2026-06-01",
        "ends_on": "2026-08-20",
        "plan_deadline": "",
        "evidence_deadline": "",
        **fields,
    }


def test_a_new_cycle_running_into_the_next_is_refused_on_its_last_day(client, district_admin, fall):
    client.force_login(district_admin)
    response = client.post(reverse("programs:rule_new", args=["cycle"]), _cycle_post())
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ends_on"] == [
        "Fall 2026 runs Aug 17, 2026 – Dec 18, 2026, and two cycles may not share a day: "
        "end this one by Aug 16, 2026, or change the dates of Fall 2026 first."
    ]
    html = response.content.decode()
    assert "error-summary" in html
    # What the admin typed is kept.
    assert 'value="Summer 2026"' in html and 'value="2026-08-20"' in html
    assert list(ProgramCycle.objects.all()) == [fall]


def test_a_cycle_starting_inside_another_is_refused_on_its_first_day(client, district_admin, fall):
    spring = ProgramCycleFactory(
        district=district_admin.district,
        name="Spring 2027",
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 5, 21),
    )
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_edit", args=["cycle", spring.pk]),
        _cycle_post(name="Spring 2027", starts_on="2026-12-18", ends_on="2027-05-21"),
    )
    assert response.context["form"].errors["starts_on"] == [
        "Fall 2026 runs Aug 17, 2026 – Dec 18, 2026, and two cycles may not share a day: "
        "start this one on Dec 19, 2026 or later, or change the dates of Fall 2026 first."
    ]
    spring.refresh_from_db()
    assert spring.starts_on == dt.date(2027, 1, 4)


def test_a_cycle_may_begin_the_day_after_another_ends(client, district_admin, fall):
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["cycle"]),
        _cycle_post(name="Winter 2026", starts_on="2026-12-19", ends_on="2027-01-03"),
    )
    assert response.status_code == 302
    # A cycle's own dates never clash with themselves: editing it keeps them.
    response = client.post(
        reverse("programs:rule_edit", args=["cycle", fall.pk]),
        _cycle_post(name="Fall 2026 (semester)", starts_on="2026-08-17", ends_on="2026-12-18"),
    )
    assert response.status_code == 302
    assert ProgramCycle.objects.count() == 2


def test_the_service_refuses_it_for_any_caller(district_admin, other_district, fall):
    with pytest.raises(ValidationError) as refused:
        program_rule_save(
            model=ProgramCycle,
            rule=None,
            actor=district_admin,
            name="Winter 2026",
            starts_on=dt.date(2026, 12, 18),
            ends_on=dt.date(2027, 1, 3),
        )
    [message] = refused.value.message_dict["starts_on"]
    assert message.startswith("Fall 2026 runs Aug 17, 2026 – Dec 18, 2026")
    assert ProgramCycle.objects.count() == 1
    # Another district's cycles are no concern of this one's.
    ProgramCycleFactory(
        district=other_district, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2027, 1, 31)
    )
    program_rule_save(
        model=ProgramCycle,
        rule=None,
        actor=district_admin,
        name="Winter 2026",
        starts_on=dt.date(2026, 12, 19),
        ends_on=dt.date(2027, 1, 3),
    )


def test_the_cycles_page_warns_of_cycles_stored_sharing_days(client, district_admin, fall):
    client.force_login(district_admin)
    url = reverse("programs:rules")
    assert "overlapping-cycles" not in client.get(url).content.decode()
    # Stored before cycles were checked: the page says so rather than failing.
    ProgramCycleFactory(
        district=district_admin.district,
        name="Winter 2026",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 1, 8),
    )
    response = client.get(url)
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert 'id="overlapping-cycles"' in html
    assert (
        "<li>Fall 2026 (Aug 17, 2026 – Dec 18, 2026) and Winter 2026 (Dec 1, 2026 – Jan 8, 2027)"
        "</li>"
    ) in html


def test_the_demo_seeded_again_on_a_later_day_adds_no_cycle_sharing_days(district):
    """Seeded again ten weeks on, a semester's dates move: the seed keeps the cycles it has
    instead of adding one that shares their days."""
    first_day = dt.date(2026, 12, 7)
    program_rules_seed(district=district, today=first_day)
    program_rules_seed(district=district, today=first_day + dt.timedelta(weeks=10))
    cycles = list(ProgramCycle.objects.filter(district=district))
    assert len(cycles) >= 5
    assert overlapping_cycles(cycles) == []


def test_a_cycle_stored_sharing_days_can_still_be_edited_but_not_to_share_more(
    client, district_admin, fall
):
    """Fall and Winter were stored sharing December 1–18, before cycles were checked. The admin
    can still move Winter's plan deadline, and shorten the days it shares; a day it did not
    share before is refused."""
    winter = ProgramCycleFactory(
        district=district_admin.district,
        name="Winter 2026",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 1, 8),
    )
    client.force_login(district_admin)
    url = reverse("programs:rule_edit", args=["cycle", winter.pk])
    winter_post = _cycle_post(name="Winter 2026", starts_on="2026-12-01", ends_on="2027-01-08")

    response = client.post(url, {**winter_post, "plan_deadline": "2026-12-20"})
    assert response.status_code == 302
    winter.refresh_from_db()
    assert winter.plan_deadline == dt.date(2026, 12, 20)

    response = client.post(url, {**winter_post, "starts_on": "2026-11-20"})
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == [
        "Fall 2026 runs Aug 17, 2026 – Dec 18, 2026, and two cycles may not share a day: "
        "start this one on Dec 19, 2026 or later, or change the dates of Fall 2026 first."
    ]
    winter.refresh_from_db()
    assert winter.starts_on == dt.date(2026, 12, 1)

    assert client.post(url, {**winter_post, "starts_on": "2026-12-10"}).status_code == 302
    winter.refresh_from_db()
    assert winter.starts_on == dt.date(2026, 12, 10)
    # Still shared: the cycles page goes on saying so until no day is.
    assert 'id="overlapping-cycles"' in client.get(reverse("programs:rules")).content.decode()
    assert client.post(url, {**winter_post, "starts_on": "2026-12-19"}).status_code == 302
    assert 'id="overlapping-cycles"' not in client.get(reverse("programs:rules")).content.decode()
