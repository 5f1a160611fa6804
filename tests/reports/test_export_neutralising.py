"""Issue 14, finding 7: one neutralising rule for every text cell of every export, CSV (written by
Python or by PostgreSQL) and XLSX, whatever formula prefix a value starts with, after however
many leading spaces, tabs or line breaks; and the SQL rule agrees with the Python one."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.db.models import Value
from openpyxl import load_workbook

from accounts.models import District, DistrictGoal
from credentials.models import MicroCredential, Stack
from reports import exports
from reports.exports import (
    CONTROL_PREFIXES,
    FORMULA_PREFIXES,
    LEADING_BLANKS,
    neutralise,
    neutralised,
)
from reports.selectors import ReportFilters
from tests.accounts.factories import BuildingFactory, EducatorFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db

LEADS = ["", " ", "   ", "\t", "\r", "\n", "\u00a0", " \t", "\r\n "]
HOSTILE = [f"{lead}{prefix}1+cmd|' /C calc'!A0" for lead in LEADS for prefix in FORMULA_PREFIXES]
CORPUS = [
    *HOSTILE,
    *(f"{c}plain" for c in CONTROL_PREFIXES),
    "Ann",
    " Ann",
    "a=b",
    "O'Neil",
    "",
    "   ",
    "'=already",
]


def dangerous(cell) -> bool:
    """What a spreadsheet could take for a formula (or a cell split)."""
    if not isinstance(cell, str) or cell.startswith("'"):
        return False
    return cell.startswith(CONTROL_PREFIXES) or cell.lstrip(LEADING_BLANKS).startswith(
        FORMULA_PREFIXES
    )


@pytest.mark.parametrize("value", CORPUS)
def test_the_python_rule(value):
    assert not dangerous(neutralise(value))
    if dangerous(value):
        assert neutralise(value) == "'" + value
    else:
        assert neutralise(value) == value


def test_the_issues_row_an_empty_first_name_and_a_formula_last_name():
    assert neutralise(" =1+1") == "' =1+1"


def test_the_sql_rule_agrees_with_the_python_one(district):
    for value in CORPUS:
        by_sql = (
            District.objects.filter(pk=district.pk)
            .annotate(cell=neutralised(Value(value)))
            .values_list("cell", flat=True)
            .get()
        )
        assert by_sql == (neutralise(value) or None), repr(value)


@pytest.fixture
def hostile_district(district, kansas_rules):
    """People, buildings, micro-credentials, stacks and goals named with every hostile value."""
    for i, value in enumerate(HOSTILE):
        building = BuildingFactory(district=district, name=f"{value} #{i}")
        person = EducatorFactory(
            district=district,
            first_name="" if i % 2 == 0 else value,
            last_name=value,
            building=building,
            email=f"{value.strip()[:1]}p{i}@example.org".lstrip("\t\r\n"),
        )
        submission = earned_submission(educator=person, decided_on=dt.date(2026, 3, 1))
        credential = submission.plan.microcredential
        MicroCredential.objects.filter(pk=credential.pk).update(title=value)
        if credential.stack_id:
            Stack.objects.filter(pk=credential.stack_id).update(name=f"{value} stack {i}")
        goal = DistrictGoal.objects.create(district=district, title=f"{value} goal {i}")
        submission.plan.district_goals.add(goal)
    return district


def csv_cells(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return [cell for row in rows[1:] for cell in row]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(exports.DATASETS))
def test_every_text_cell_of_every_export_is_neutralised(hostile_district, name):
    spec = exports.DATASETS[name]
    filters = ReportFilters()
    bodies = {"csv": b"".join(exports.csv_lines(spec, hostile_district, filters))}
    if spec.values is not None:
        from dataclasses import replace

        python_only = replace(spec, values=None)
        bodies["csv (python)"] = b"".join(exports.csv_lines(python_only, hostile_district, filters))
        assert bodies["csv"] == bodies["csv (python)"]
    text = io.StringIO()
    exports.write_csv(spec, hostile_district, filters, text)
    bodies["background csv"] = text.getvalue().encode()
    out = io.BytesIO()
    exports.write_xlsx(spec, hostile_district, filters, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    xlsx_cells = [cell for row in itertools.islice(sheet.values, 1, None) for cell in row]

    for kind, body in bodies.items():
        cells = [c for c in csv_cells(body) if not is_number(c)]
        assert not [c for c in cells if dangerous(c)], kind
    assert not [c for c in xlsx_cells if dangerous(c)]
    assert all(not isinstance(c, str) or not c.startswith("=") for c in xlsx_cells)
    if name == "salary_ledger":
        names = [row[0] for row in csv.reader(io.StringIO(bodies["csv"].decode("utf-8-sig")))]
        assert "' =1+cmd|' /C calc'!A0" in names, "the issue's row: no first name, '=' last name"
