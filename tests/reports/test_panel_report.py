"""The panel report: each reviewer's workload and mean days from assignment to review, narrowed
by the filters every report has (a cycle: the reviews assigned during it), and exported."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from people.services import person_deactivate
from reviews.models import ReviewAssignment, StageReview
from reviews.selectors import queue_for_reviewer
from tests.accounts.factories import BuildingFactory, EducatorFactory, ReviewerFactory
from tests.reports.factories import PlanFactory, SubmissionFactory, at
from tests.reviews.factories import PanelFactory

pytestmark = pytest.mark.django_db

SPRING_DAY = dt.date(2026, 3, 2)  # in Spring 2026 (``kansas_rules``)
FALL_DAY = dt.date(2026, 9, 7)  # in Fall 2026


def reviewed(*, reviewer, educator, assigned_on: dt.date, took_days: float | None):
    """A final review of ``educator``'s work, assigned on ``assigned_on`` and submitted
    ``took_days`` later (None: still waiting)."""
    submission = SubmissionFactory(
        plan=PlanFactory(district=educator.district, lead=educator),
        status="earned" if took_days is not None else "submitted_for_review",
    )
    assigned = at(assigned_on)
    stage_review = StageReview.objects.create(
        district=educator.district,
        submission=submission,
        stage="final",
        due_at=assigned + dt.timedelta(days=14),
    )
    assignment = ReviewAssignment.objects.create(
        district=educator.district,
        stage_review=stage_review,
        submission=submission,
        stage="final",
        reviewer=reviewer,
        opened_at=assigned,
        due_at=assigned + dt.timedelta(days=14),
    )
    done = {}
    if took_days is not None:
        done = {
            "status": ReviewAssignment.Status.SUBMITTED,
            "submitted_at": assigned + dt.timedelta(days=took_days),
        }
    ReviewAssignment.objects.filter(pk=assignment.pk).update(assigned_at=assigned, **done)
    return assignment


@pytest.fixture
def panel_work(district, kansas_rules):
    north = BuildingFactory(district=district, name="North")
    south = BuildingFactory(district=district, name="South")
    ray = ReviewerFactory(district=district, first_name="Ray", last_name="Rivera")
    tess = ReviewerFactory(district=district, first_name="Tess", last_name="Young")
    chair = ReviewerFactory(district=district, first_name="Cleo", last_name="Chair")
    PanelFactory(district=district, chair=chair, members=[ray, tess])
    at_north = EducatorFactory(district=district, building=north)
    at_south = EducatorFactory(district=district, building=south)
    reviewed(reviewer=ray, educator=at_north, assigned_on=SPRING_DAY, took_days=4)
    reviewed(reviewer=ray, educator=at_south, assigned_on=SPRING_DAY, took_days=10)
    reviewed(reviewer=ray, educator=at_north, assigned_on=FALL_DAY, took_days=2)
    reviewed(reviewer=tess, educator=at_north, assigned_on=FALL_DAY, took_days=None)
    spring, fall, _ = kansas_rules["cycles"]
    return {
        "ray": ray,
        "tess": tess,
        "chair": chair,
        "north": north,
        "spring": spring,
        "fall": fall,
    }


def _workload(response) -> dict:
    return {
        p.last_name: (p.waiting, p.done, p.turnaround_days) for p in response.context["workload"]
    }


def test_mean_days_run_from_assignment_to_review(client, district_admin, panel_work):
    client.force_login(district_admin)
    response = client.get(reverse("reports:panel"))
    assert _workload(response)["Rivera"] == (0, 3, round((4 + 10 + 2) / 3, 1))
    assert _workload(response)["Young"] == (1, 0, None)


def test_a_review_whose_round_went_to_the_chair_waits_for_its_reviewer_no_longer(
    client, district_admin, panel_work
):
    """Tess's review is still pending, but its round is with the chair now: her queue no longer
    shows it, and the report counts it as her queue does (``reviews.selectors.waiting_q``)."""
    tess = panel_work["tess"]
    assert queue_for_reviewer(user=tess).count() == 1
    StageReview.objects.filter(assignments__reviewer=tess).update(status=StageReview.Status.CHAIR)
    assert queue_for_reviewer(user=tess).count() == 0
    client.force_login(district_admin)
    assert _workload(client.get(reverse("reports:panel")))["Young"] == (0, 0, None)


def test_a_cycle_keeps_the_reviews_assigned_during_it(client, district_admin, panel_work):
    client.force_login(district_admin)
    url = reverse("reports:panel")
    spring = _workload(client.get(url, {"cycle": panel_work["spring"].pk}))
    assert spring["Rivera"] == (0, 2, 7.0)
    # Every reviewer is listed, with nothing in the cycle.
    assert spring["Young"] == (0, 0, None)
    fall = _workload(client.get(url, {"cycle": panel_work["fall"].pk}))
    assert fall == {"Rivera": (0, 1, 2.0), "Young": (1, 0, None), "Chair": (0, 0, None)}


def test_a_building_keeps_the_reviews_of_its_educators(client, district_admin, panel_work):
    client.force_login(district_admin)
    page = client.get(reverse("reports:panel"), {"building": panel_work["north"].pk})
    assert _workload(page)["Rivera"] == (0, 2, 3.0)
    assert page.context["chosen"] == {"building": "North"}
    html = page.content.decode()
    assert 'id="id_building"' in html and "Apply filters" in html


def test_the_workload_exports_as_csv_with_the_filters(client, panel_work):
    client.force_login(panel_work["chair"])  # a chair reads the report, and exports it
    page = client.get(reverse("reports:panel"), {"cycle": panel_work["spring"].pk})
    export = reverse("reports:panel_export", args=["csv"])
    assert f'href="{export}?cycle={panel_work["spring"].pk}"' in page.content.decode()
    response = client.get(export, {"cycle": panel_work["spring"].pk})
    assert response.status_code == 200
    assert "reviewer-workload-spring-2026" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Reviewer",
        "E-mail",
        "Waiting",
        "Overdue",
        "Done",
        "Done late",
        "Mean days to review",
    ]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[panel_work["ray"].email][2:] == ["0", "0", "2", "0", "7.0"]
    assert by_email[panel_work["tess"].email][2:] == ["0", "0", "0", "0", ""]


def test_the_export_answers_only_csv_and_xlsx(client, district_admin, panel_work):
    client.force_login(district_admin)
    assert client.get(reverse("reports:panel_export", args=["pdf"])).status_code == 404
    xlsx = client.get(reverse("reports:panel_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert ".xlsx" in xlsx["Content-Disposition"]


def test_the_page_keeps_a_fixed_number_of_queries(client, district_admin, panel_work):
    client.force_login(district_admin)
    url = reverse("reports:panel")
    query = {"cycle": panel_work["spring"].pk, "building": panel_work["north"].pk}
    client.get(url, query)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    district = district_admin.district
    for i in range(4):
        reviewer = ReviewerFactory(district=district, last_name=f"More{i}")
        educator = EducatorFactory(district=district, building=panel_work["north"])
        reviewed(reviewer=reviewer, educator=educator, assigned_on=SPRING_DAY, took_days=i + 1)
        PanelFactory(district=district, members=[reviewer])
    with CaptureQueriesContext(connection) as large:
        assert client.get(url, query).status_code == 200
    assert len(large) == len(small)


@pytest.fixture
def stranded_review(panel_work, district_admin):
    """Tess, who had a review waiting, is deactivated, and nobody else may take it: the other
    reviewers work in North, the educator's building, which the district keeps them from."""
    for person in (panel_work["ray"], panel_work["chair"]):
        person.building = panel_work["north"]
        person.save(update_fields=["building"])
    done = person_deactivate(person=panel_work["tess"], actor=district_admin)
    (flagged,) = done.reviews.left_for_chair
    assert flagged.needs_another_reviewer
    return flagged


def _exported(client, file_format: str) -> list[list[str]]:
    response = client.get(reverse("reports:panel_export", args=[file_format]))
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_a_review_waiting_for_nobody_has_its_own_row_not_the_deactivated_reviewers(
    client, district_admin, panel_work, stranded_review
):
    client.force_login(district_admin)
    page = client.get(reverse("reports:panel"))

    # Tess is still listed, for the reviews she did, but nothing waits for her any more.
    assert _workload(page)["Young"] == (0, 0, None)
    assert page.context["needing_reviewer"] == {"waiting": 1, "overdue": 1}
    html = page.content.decode()
    assert "(deactivated)" in html
    assert re.search(r"<th scope=\"row\">Needs another reviewer.*?</th><td>1</td><td>1</td>", html)

    for file_format in ("csv", "xlsx"):
        rows = _exported(client, file_format)
        by_name = {row[0]: row for row in rows[1:]}
        assert by_name[panel_work["tess"].display_name][2:4] == ["0", "0"], file_format
        assert by_name["Needs another reviewer"] == [
            "Needs another reviewer",
            "",
            "1",
            "1",
            "",
            "",
            "",
        ], file_format


def test_no_row_for_reviews_waiting_for_nobody_when_there_are_none(
    client, district_admin, panel_work
):
    client.force_login(district_admin)
    page = client.get(reverse("reports:panel"))
    assert "Needs another reviewer" not in page.content.decode()
    assert "Needs another reviewer" not in [row[0] for row in _exported(client, "csv")]


def test_a_cycle_leaves_out_a_review_waiting_for_nobody_assigned_before_it(
    client, district_admin, panel_work, stranded_review
):
    client.force_login(district_admin)
    spring = client.get(reverse("reports:panel"), {"cycle": panel_work["spring"].pk})
    assert spring.context["needing_reviewer"]["waiting"] == 0
    fall = client.get(reverse("reports:panel"), {"cycle": panel_work["fall"].pk})
    assert fall.context["needing_reviewer"]["waiting"] == 1
