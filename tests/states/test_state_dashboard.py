"""The state dashboard: every district of the state with its program figures side by side,
read from the district reports' own figures (cached under each district's report stamp), in a
fixed number of queries whatever the number of districts; and the same table as CSV."""

import csv
import io
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Building, District
from reports import selectors as reports
from reports.services import report_figures_warm
from states import selectors
from tests.accounts.factories import DistrictFactory, StateAdminFactory, StateFactory
from tests.reports.test_report_views import populate


def districts_with_plans(state, count: int) -> list:
    districts = [DistrictFactory(state=state, name=f"USD {400 + i}") for i in range(count)]
    for district in districts:
        populate(district, 1)
    return districts


@pytest.mark.django_db
def test_each_district_reads_its_own_reports_figures(client):
    state_admin = StateAdminFactory()
    north, south = districts_with_plans(state_admin.state, 2)
    populate(south, 2)  # south: three educators in all
    elsewhere = DistrictFactory(state=StateFactory(), name="Another state's district")
    populate(elsewhere, 1)
    client.force_login(state_admin)
    response = client.get(reverse("states:dashboard"))
    assert response.status_code == 200
    rows = {row.district.name: row for row in response.context["rows"]}
    assert list(rows) == ["USD 400", "USD 401"]
    for district in (north, south):
        headline = reports.program_headline(district=district)
        row = rows[district.name]
        assert row == selectors.DistrictFigures.of(district, headline)
        assert list(row.stage_counts) == [s["count"] for s in headline["stages"]]
        assert row.pass_rate == headline["pass_rates"]["first_rate"]
        assert row.earned_in_cycle == headline["earned_in_cycle"]
    assert rows["USD 401"].educators == 3 and rows["USD 400"].educators == 1
    assert rows["USD 401"].stage_counts[-1] == 3  # earned: one per educator
    page = response.content.decode()
    assert "Another state&#x27;s district" not in page and "Another state's district" not in page
    for chart in ("state-earned", "state-pass-rate", "state-turnaround"):
        assert f'id="{chart}"' in page
    # Suspending is in the status column, in view at 1280 px before the wide table scrolls.
    row_html = page.split(f'<tr id="district-{north.slug}">')[1].split("</tr>")[0]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    assert reverse("states:district_suspend", args=[north.pk]) in cells[1]
    assert len(cells) == len(response.context["columns"])


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_costs_the_same_queries_for_two_districts_as_for_six(
    client, django_assert_max_num_queries
):
    """Committed data and a trusted stamp, the figures warmed as Celery beat warms them every
    minute: once the table is filed, the page reads one digest of every district's line and
    stamp in one query and the table in one cache read."""
    state_admin = StateAdminFactory()
    client.force_login(state_admin)
    url = reverse("states:dashboard")
    districts_with_plans(state_admin.state, 2)
    report_figures_warm()
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    _change_every_district(state_admin.state)
    with CaptureQueriesContext(connection) as two_changed:
        client.get(url)
    districts_with_plans(state_admin.state, 4)
    report_figures_warm()
    with CaptureQueriesContext(connection) as six_first:
        client.get(url)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["rows"]) == 6
    assert len(six) == len(two)
    # New districts: the table is filed again from the warmed figures, in as many queries for
    # six districts as for two after a change in both (their lines, stamps, no figure anew).
    assert len(six_first) <= len(two_changed)
    # The person (with their state; the session is in the cache) and the table's digest.
    with django_assert_max_num_queries(2):
        client.get(url)
    # Every district changed since the warmer ran: all their figures anew, in grouped queries.
    _change_every_district(state_admin.state)
    with django_assert_max_num_queries(len(two_changed)):
        client.get(url)
    assert len(two_changed) <= 15


def _change_every_district(state) -> None:
    """Something every district's reports read changes: their report stamps move on."""
    Building.objects.filter(district__state=state).update(name=F("name"))


@pytest.mark.django_db(transaction=True)
def test_a_district_whose_figures_changed_is_computed_once_then_read_from_the_cache(client):
    state_admin = StateAdminFactory()
    first, second = districts_with_plans(state_admin.state, 2)
    report_figures_warm()
    client.force_login(state_admin)
    url = reverse("states:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    populate(second, 1)  # its stamp moves; the first district's does not
    with CaptureQueriesContext(connection) as after_change:
        response = client.get(url)
    rows = {row.district.pk: row for row in response.context["rows"]}
    assert rows[second.pk].stage_counts[-1] == 2
    assert len(after_change) > len(warm)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
    assert len(again) == len(warm)
    # Read from the cache, the rows are still each district's headline, exactly; the whole
    # headlines, filed apart from the table's values, are still there for who reads them.
    for row in response.context["rows"]:
        district = District.objects.get(pk=row.district.pk)
        headline = reports.program_headline(district=district)
        assert row == selectors.DistrictFigures.of(district, headline)
    whole = reports.program_headlines(districts=[first, second])
    assert whole[second.pk] == reports.program_headline(district=second)


@pytest.mark.django_db(transaction=True)
def test_after_one_district_changed_only_that_district_is_computed_again(client, monkeypatch):
    """The table's entry holds each district's figures beside the stamp they were computed at:
    after a change in one district, the others are read from it as they were, even when their
    whole headlines have left the cache, and the changed one alone is computed."""
    from django.core.cache import cache

    state_admin = StateAdminFactory()
    first, second, third = districts_with_plans(state_admin.state, 3)
    client.force_login(state_admin)
    url = reverse("states:dashboard")
    client.get(url)
    populate(second, 1)
    # Their whole headlines leave the cache (as an eviction would take them).
    redis = cache._cache.get_client()
    for district in (first, second, third):
        for key in redis.keys(f"*reports:{reports.HEADLINE}:{district.pk}:*"):
            redis.delete(key)
    computed = []
    compute = reports._program_headlines

    def counting(*, districts, today):
        computed.append(sorted(d.pk for d in districts))
        return compute(districts=districts, today=today)

    monkeypatch.setattr(reports, "_program_headlines", counting)
    response = client.get(url)
    assert computed == [[second.pk]]
    rows = {row.district.pk: row for row in response.context["rows"]}
    assert rows[second.pk].stage_counts[-1] == 2
    for row in response.context["rows"]:
        district = District.objects.get(pk=row.district.pk)
        assert row == selectors.DistrictFigures.of(
            district, reports.program_headline(district=district)
        )


@pytest.mark.django_db
def test_the_csv_is_the_table_with_its_text_neutralised(client):
    state_admin = StateAdminFactory()
    hostile = DistrictFactory(state=state_admin.state, name='=HYPERLINK("http://x")')
    populate(hostile, 1)
    client.force_login(state_admin)
    response = client.get(reverse("states:figures_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["District", "Status", "Educators"]
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[1] == "Active" and row[2] == "1"
    assert row[header.index("Earned")] == "1"


@pytest.mark.django_db
def test_a_state_without_districts_says_how_to_begin(client):
    state_admin = StateAdminFactory(state__name="Kansas")
    client.force_login(state_admin)
    page = client.get(reverse("states:dashboard")).content.decode()
    assert "Kansas has no districts yet" in page


@pytest.mark.django_db(transaction=True)
def test_a_renamed_or_suspended_district_shows_so_at_the_next_view(client):
    """The table is filed whole; what a row shows of its district is part of what it is filed
    under, so a change to it is seen at once, figures or not."""
    state_admin = StateAdminFactory()
    first, second = districts_with_plans(state_admin.state, 2)
    client.force_login(state_admin)
    url = reverse("states:dashboard")
    client.get(url)
    client.get(url)  # from the filed table
    District.objects.filter(pk=first.pk).update(name="USD 999 Renamed")
    client.post(reverse("states:district_suspend", args=[second.pk]))
    page = client.get(url).content.decode()
    assert "USD 999 Renamed" in page
    row = re.search(rf'<tr id="district-{second.slug}">.*?</tr>', page, re.S).group(0)
    assert "<strong>Suspended</strong>" in row
    assert 'name="csrfmiddlewaretoken"' in row
    assert reverse("states:district_unsuspend", args=[second.pk]) in row
