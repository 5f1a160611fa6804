import csv
import datetime as dt
import io
import urllib.request

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import neutralise
from reports.models import ExportJob
from tests.accounts.factories import EducatorFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ledger(district, kansas_rules):
    people = [
        EducatorFactory(district=district, first_name='=HYPERLINK("x")', last_name="Evil"),
        EducatorFactory(district=district, first_name="Ann", last_name="Lee"),
        EducatorFactory(district=district, first_name="@SUM(1)", last_name="+1"),
    ]
    for i, person in enumerate(people):
        earned_submission(educator=person, decided_on=dt.date(2026, 3, 1 + i))
    return people


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("Ann", "Ann"),
        (-2, -2),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_salary_ledger_csv_is_streamed_and_neutralised(client, district_admin, ledger):
    client.force_login(district_admin)
    response = client.get(reverse("reports:export", args=["salary_ledger", "csv"]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="salary_ledger.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][0] == "Educator" and rows[0][-1] == "Effective date"
    assert len(rows) == 4
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("x") Evil' in names
    assert "'@SUM(1) +1" in names
    assert rows[1][5] == "300.00"
    assert rows[1][-1] == "2026-03-01"


def test_filters_apply_to_exports(client, district_admin, ledger, kansas_rules):
    client.force_login(district_admin)
    fall = kansas_rules["cycles"][1]
    response = client.get(
        reverse("reports:export", args=["salary_ledger", "csv"]), {"cycle": fall.pk}
    )
    assert len(_csv_rows(response)) == 1


@pytest.mark.parametrize(
    "dataset",
    [
        "relicensure",
        "funnel",
        "stalls",
        "completions_building",
        "completions_microcredential",
        "completions_stack",
        "completions_goal",
        "pass_rates",
        "turnaround",
    ],
)
def test_every_table_exports_csv_and_xlsx(client, district_admin, ledger, dataset):
    client.force_login(district_admin)
    response = client.get(reverse("reports:export", args=[dataset, "csv"]))
    assert response.status_code == 200
    assert len(_csv_rows(response)) >= 2
    response = client.get(reverse("reports:export", args=[dataset, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row >= 2


def test_xlsx_cells_are_neutralised(client, district_admin, ledger):
    client.force_login(district_admin)
    response = client.get(reverse("reports:export", args=["salary_ledger", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("x") Evil' in names
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_unknown_export_is_404(client, district_admin):
    client.force_login(district_admin)
    assert client.get(reverse("reports:export", args=["people", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["funnel", "pdf"])).status_code == 404


def test_export_refused_to_others(client, educator, ledger):
    url = reverse("reports:export", args=["salary_ledger", "csv"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(educator)
    assert client.get(url).status_code == 403
    assert client.delete(url).status_code in (403, 405)


def test_large_xlsx_goes_to_a_background_job(
    client, district_admin, outsider_admin, ledger, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_EXPORT_SYNC_ROWS = 2
    client.force_login(district_admin)
    url = reverse("reports:export", args=["salary_ledger", "xlsx"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b"prepared in the background" in confirm.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_job", args=[job.uuid])
    assert job.status == ExportJob.Status.DONE and job.rows_done == 3
    page = client.get(response["Location"])
    assert b"Download" in page.content
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"Download" in partial.content

    download = client.get(reverse("reports:export_download", args=[job.uuid]))
    assert download.status_code == 302
    assert "X-Amz-Signature" in download["Location"]
    with urllib.request.urlopen(download["Location"]) as signed:  # noqa: S310 - the test S3
        sheet = load_workbook(io.BytesIO(signed.read())).active
    assert sheet.max_row == 4

    client.force_login(outsider_admin)
    assert client.get(reverse("reports:export_job", args=[job.uuid])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.uuid])).status_code == 404


def test_background_csv_with_filters(
    client, district_admin, ledger, kansas_rules, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    spring = kansas_rules["cycles"][0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export", args=["salary_ledger", "csv"]), {"cycle": spring.pk})
    job = ExportJob.objects.get()
    assert job.filters == {"cycle": str(spring.pk)}
    download = client.get(reverse("reports:export_download", args=[job.uuid]))
    with urllib.request.urlopen(download["Location"]) as signed:  # noqa: S310
        rows = list(csv.reader(io.StringIO(signed.read().decode("utf-8-sig"))))
    assert len(rows) == 4


def test_download_before_ready_is_404(client, district_admin):
    job = ExportJob.objects.create(
        district=district_admin.district,
        requested_by=district_admin,
        dataset="funnel",
        file_format="csv",
    )
    client.force_login(district_admin)
    assert client.get(reverse("reports:export_download", args=[job.uuid])).status_code == 404
    page = client.get(reverse("reports:export_job", args=[job.uuid]))
    assert b'hx-trigger="every 1s"' in page.content
    assert b"<progress" in page.content


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_export_job_runs_on_the_real_worker(celery_worker_real, client, district_admin, ledger):
    import time

    client.force_login(district_admin)
    client.post(reverse("reports:export", args=["salary_ledger", "csv"]))
    job = ExportJob.objects.get()
    for _ in range(100):
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        time.sleep(0.1)
    assert job.status == ExportJob.Status.DONE
    assert job.rows_done == 3 and job.storage_key


def test_csv_neutralises_a_text_column_empty_in_the_first_row(district):
    from reports.exports import Dataset, csv_lines
    from reports.selectors import ReportFilters

    rows = [(None, 1.5), ("=2+2", ""), ("-x", 3)]
    spec = Dataset("t", "T", ["a", "b"], lambda d, f: rows, lambda d, f: 3)
    lines = list(csv.reader(io.StringIO("".join(csv_lines(spec, district, ReportFilters())))))
    assert lines[1:] == [["", "1.5"], ["'=2+2", ""], ["'-x", "3"]]
