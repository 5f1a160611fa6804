import csv
import datetime as dt
import io
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
from django.db import DataError, connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import User
from credentials.models import MicroCredential
from reports import exports
from reports.exports import COPY_PIECE_BYTES, DATASETS, _crlf_line_ends, copy_csv, neutralise
from reports.models import ExportJob
from reports.selectors import ReportFilters
from tests.accounts.factories import BuildingFactory, EducatorFactory
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
    rows = _csv_rows(response)
    assert rows[0][0] == "Educator" and rows[0][-1] == "Effective date"
    assert len(rows) == 4
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("x") Evil' in names
    assert "'@SUM(1) +1" in names
    assert rows[1][5] == "300.00"
    assert rows[1][-1] == "2026-03-01"


def test_exports_are_named_for_the_district_report_filters_and_day(
    client, district_admin, ledger, kansas_rules
):
    client.force_login(district_admin)
    district = district_admin.district.slug
    today = timezone.localdate().isoformat()
    fall = kansas_rules["cycles"][1]
    building = BuildingFactory(district=district_admin.district, name="Lincoln Elementary")
    unfiltered = client.get(reverse("reports:export", args=["salary_ledger", "csv"]))
    assert f'filename="{district}-salary-ledger-{today}.csv"' in unfiltered["Content-Disposition"]
    filtered = client.get(
        reverse("reports:export", args=["completions_building", "xlsx"]),
        {"cycle": fall.pk, "building": building.pk},
    )
    assert filtered["Content-Disposition"].startswith(
        f'attachment; filename="{district}-completions-by-building-fall-2026-lincoln-elementary-'
        f'{today}.xlsx"'
    )


def test_a_background_export_is_named_like_one_made_at_once(
    client, district_admin, ledger, kansas_rules, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    fall = kansas_rules["cycles"][1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export", args=["relicensure", "csv"]), {"cycle": fall.pk})
    job = ExportJob.objects.get()
    name = f"{district_admin.district.slug}-re-licensure-fall-2026-{timezone.localdate()}.csv"
    assert (
        f"Download {name}"
        in client.get(reverse("reports:export_job", args=[job.uuid])).content.decode()
    )
    download = client.get(reverse("reports:export_download", args=[job.uuid]))
    disposition = download.get("Content-Disposition") or urllib.parse.unquote(download["Location"])
    assert f'filename="{name}"' in disposition


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

    rows = [(None, 1.5), ("=2+2", ""), ("-x", 3)]
    spec = Dataset("t", "T", ["a", "b"], lambda d, f: rows, lambda d, f: 3)
    body = b"".join(csv_lines(spec, district, ReportFilters())).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1:] == [["", "1.5"], ["'=2+2", ""], ["'-x", "3"]]


def test_ledger_csv_written_by_postgresql_is_the_python_writers_csv(
    district, kansas_rules, monkeypatch
):
    """The database's CSV (COPY) has the very bytes of the rows written by Python's csv."""
    school = BuildingFactory(district=district, name='=Evil, "B"')
    names = [
        ('=HYPERLINK("x")', "Evil"),
        ("-1", "+2"),
        ("\tTab", "x"),
        ("\rCR", "x"),
        ("Multi\nLine", "Name\r\nEnd"),
        ('Doe, "Jo"', "Smith"),
        ("", ""),
        ("Zoë", "Ångström 日本"),
    ]
    for i, (first, last) in enumerate(names):
        person = EducatorFactory(
            district=district, first_name=first, last_name=last, building=school if i % 2 else None
        )
        earned_submission(educator=person, decided_on=dt.date(2026, 3, 1 + i))
    EducatorFactory(district=district, email="-x@example.org")
    earned_submission(
        educator=User.objects.get(email="-x@example.org"), decided_on=dt.date(2026, 4, 1)
    )
    MicroCredential.objects.filter(district=district).update(title="")
    spec = exports.DATASETS["salary_ledger"]
    copied = []
    monkeypatch.setattr(exports, "copy_csv", lambda *args: copied.append(args) or copy_csv(*args))

    by_database = b"".join(exports.csv_lines(spec, district, ReportFilters()))
    by_python = b"".join(exports.csv_lines(replace(spec, values=None), district, ReportFilters()))

    assert len(copied) == 1
    assert by_database == by_python
    rows = list(csv.reader(io.StringIO(by_database.decode("utf-8-sig"))))
    assert len(rows) == len(names) + 2
    assert [r[0] for r in rows[1:4]] == ['\'=HYPERLINK("x") Evil', "'-1 +2", "'\tTab x"]
    assert rows[2][2] == '\'=Evil, "B"' and rows[1][2] == ""
    assert rows[-1][1] == "'-x@example.org"
    assert by_database.count(b"\r\n") == len(names) + 3  # every row, and "Name\r\nEnd"


def test_row_ends_become_crlf_wherever_a_piece_is_cut():
    body = b'a,"x\ny"\nb,"q""\n""",3\n"\n",\n,"""\n"""\n'
    expected = b'a,"x\ny"\r\nb,"q""\n""",3\r\n"\n",\r\n,"""\n"""\r\n'
    for cut in range(len(body) + 1):
        first, quoted = _crlf_line_ends(body[:cut], False)
        second, quoted = _crlf_line_ends(body[cut:], quoted)
        assert first + second == expected, cut
        assert not quoted


def test_copy_csv_streams_in_pieces_like_pythons_csv():
    sql = (
        "SELECT g, repeat('x', 100) || CASE WHEN g %% 7 = 0 THEN E'\\n\"y\",' ELSE '' END"
        " FROM generate_series(1, %s) g"
    )
    pieces = list(copy_csv(sql, [5000]))
    with connection.cursor() as cursor:
        cursor.execute(sql, [5000])
        expected = io.StringIO()
        csv.writer(expected).writerows(cursor.fetchall())
    assert b"".join(pieces) == expected.getvalue().encode()
    assert len(pieces) > 5
    assert max(len(p) for p in pieces) <= 2 * COPY_PIECE_BYTES


def test_copy_csv_closed_early_cancels_the_copy(district):
    EducatorFactory(district=district)
    # About 1 MB at once, then a row every 10 ms: a minute to the end, unless cancelled.
    sql = (
        "SELECT g, repeat('x', 1000) FROM generate_series(1, 7000) g"
        " WHERE g < 1000 OR pg_sleep(0.01)::text = ''"
    )
    pieces = copy_csv(sql, [])
    assert next(pieces)
    started = time.monotonic()
    pieces.close()
    assert time.monotonic() - started < 10
    assert not [t for t in threading.enumerate() if t.name == "csv-copy"]
    # Only the COPY's savepoint was rolled back: the test's transaction and its rows remain.
    assert User.objects.filter(district=district).count() == 1


def test_copy_csv_raises_the_database_error():
    with pytest.raises(DataError):
        list(copy_csv("SELECT 1 / %s", [0]))
    assert not [t for t in threading.enumerate() if t.name == "csv-copy"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_export_is_listed_by_its_reports_name(client, district_admin, dataset):
    """The reports page and the export's own page name it as HR reads it ("Salary ledger
    (XLSX)"), not by the name in its URL ("Salaryledger")."""
    job = ExportJob.objects.create(
        district=district_admin.district,
        requested_by=district_admin,
        dataset=dataset,
        file_format="xlsx",
    )
    label = f"{DATASETS[dataset].title} (XLSX)"
    client.force_login(district_admin)
    index = client.get(reverse("reports:index")).content.decode()
    assert f">{escape(label)}</a>" in index
    page = client.get(reverse("reports:export_job", args=[job.uuid])).content.decode()
    assert f"<h1>Export: {escape(label)}</h1>" in page
