"""Every report chart shows what its table shows: the same rows, the same figures (not zeros
beside non-zero counts), every label whole."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from reports import charts
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import MicroCredentialFactory
from tests.reports.factories import PlanFactory, SubmissionFactory, earned_submission
from tests.reports.test_report_views import populate

pytestmark = pytest.mark.django_db

EARNED_ON = dt.date(2026, 4, 1)
LONG_TITLE = "Checking for Understanding: Formative Assessment in Daily Lessons, Grades K–12"


def chart_of(html: str, chart_id: str) -> tuple[list[str], list[tuple[str, float | None]]]:
    """The chart's labels (lines joined) and its (series, value) pairs, in order."""
    svg = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', html, re.S).group(0)
    labels = [
        " ".join(unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", label))
        for label in re.findall(r'<text class="chart-label"[^>]*>(.*?)</text>', svg)
    ]
    values = [
        (series, float(value) if value else None)
        for series, value in re.findall(r'data-series="([^"]*)" data-value="([^"]*)"', svg)
    ]
    return labels, values


def table_after(html: str, chart_id: str) -> list[list[str]]:
    """The rows (header cell, then figures) of the first table after the chart."""
    after = html.split(f'id="{chart_id}"', 1)[1]
    body = re.search(r"<tbody>(.*?)</tbody>", after, re.S).group(1)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def number(cell: str) -> float | None:
    cell = cell.replace("%", "").replace(",", "").strip()
    return None if cell in ("", "—") else float(cell)


@pytest.fixture
def admin_page(client, district_admin):
    populate(district_admin.district, 3)
    client.force_login(district_admin)
    return lambda name: client.get(reverse(f"reports:{name}")).content.decode()


def test_where_plans_stall_plots_the_open_and_stalled_counts_of_its_table(admin_page):
    html = admin_page("funnel")
    labels, values = chart_of(html, "stall-chart")
    rows = table_after(html, "stall-chart")
    assert labels == [row[0] for row in rows]
    assert values == [
        pair for row in rows for pair in (("Open", number(row[1])), ("Stalled", number(row[2])))
    ]
    assert any(value for _, value in values)  # not only zeros next to non-zero counts


def test_the_funnel_chart_plots_its_table(admin_page):
    html = admin_page("funnel")
    labels, values = chart_of(html, "funnel-chart")
    rows = table_after(html, "funnel-chart")
    assert labels == [row[0] for row in rows]
    assert [value for _, value in values] == [number(row[1]) for row in rows]


def test_completion_charts_plot_every_row_with_whole_labels(admin_page, district_admin):
    district = district_admin.district
    entry = MicroCredentialFactory(district=district, title=LONG_TITLE, criteria=0)
    for _ in range(20):
        earned_submission(
            plan=PlanFactory(district=district, microcredential=entry), decided_on=EARNED_ON
        )
    for n in range(16):
        other = MicroCredentialFactory(district=district, title=f"Entry {n:02d}", criteria=0)
        earned_submission(
            plan=PlanFactory(district=district, microcredential=other), decided_on=EARNED_ON
        )
    html = admin_page("completions")
    for key in ("building", "microcredential", "stack", "goal"):
        labels, values = chart_of(html, f"completions-{key}")
        rows = table_after(html, f"completions-{key}")
        assert labels == [row[0] for row in rows], key
        assert [value for _, value in values] == [number(row[-1]) for row in rows], key
    labels, _ = chart_of(html, "completions-microcredential")
    assert LONG_TITLE in labels and len(labels) == 18
    assert not any("…" in label for label in labels)


def test_turnaround_chart_plots_its_table(admin_page):
    html = admin_page("turnaround")
    labels, values = chart_of(html, "turnaround-chart")
    rows = table_after(html, "turnaround-chart")
    assert labels == [row[0] for row in rows]
    assert values == [
        pair
        for row in rows
        for pair in (("Median", number(row[2])), ("90th percentile", number(row[3])))
    ]


def test_no_turnaround_yet_reads_a_dash_not_zero(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("reports:turnaround")).content.decode()
    _, values = chart_of(html, "turnaround-chart")
    assert values and all(value is None for _, value in values)
    assert "— median" in html


def test_the_renewal_chart_plots_its_counts(client, district_admin, kansas_rules):
    for _ in range(2):
        educator = EducatorFactory(district=district_admin.district)
        SubmissionFactory(plan=PlanFactory(district=district_admin.district, lead=educator))
    client.force_login(district_admin)
    response = client.get(reverse("reports:relicensure"))
    labels, values = chart_of(response.content.decode(), "renewal-chart")
    counts = response.context["data"]["counts"]
    assert labels == [c["label"] for c in counts]
    assert [value for _, value in values] == [c["count"] for c in counts]


def test_a_long_label_is_wrapped_not_cut():
    svg = str(charts.bar_chart(chart_id="c", title="t", items=[(LONG_TITLE * 2, 3)]))
    lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg)
    assert len(lines) > 1
    assert " ".join(unescape(line) for line in lines) == LONG_TITLE * 2
    assert all(len(line) <= charts.label_characters(charts.WIDTH) for line in lines)


def test_a_count_reads_in_the_singular_for_one_and_the_plural_otherwise():
    svg = str(
        charts.bar_chart(
            chart_id="bands",
            title="Districts by pass rate",
            items=[("90–100 %", 1), ("80–90 %", 3), ("none yet", 0)],
            unit=(" district", " districts"),
        )
    )
    shown = re.findall(r'<text class="chart-value"[^>]*>([^<]*)</text>', svg)
    assert shown == ["1 district", "3 districts", "0 districts"]
