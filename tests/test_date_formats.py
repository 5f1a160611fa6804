"""One way of writing dates across the site: the format module's (microcreds/formats), never a
template's own."""

import datetime as dt
import re

from django.utils import formats

from tests.project_copy import ROOT

NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
}
# For machines (``<time datetime="...">``), not for people.
ISO = {"c", "Y-m-d"}
# DATE_FORMAT itself, spelled out: says the same, so it does not disagree.
SAME_AS_DATE_FORMAT = {"M j, Y"}


def test_the_site_writes_dates_one_way():
    assert formats.date_format(dt.date(2026, 12, 6)) == "Dec 6, 2026"
    assert formats.get_format("SHORT_DATE_FORMAT") == formats.get_format("DATE_FORMAT")
    moment = dt.datetime(2026, 12, 6, 9, 47)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "Dec 6, 2026, 9:47 a.m."


def test_templates_use_the_named_formats():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT / "templates"))
        for variant in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text()):
            allowed = NAMED | ISO | SAME_AS_DATE_FORMAT
            if variant not in allowed:
                found.append(f"{name}: |date:{variant!r}")
    assert found == [], "Use |date, |date:'DATETIME_FORMAT' or |time instead:\n" + "\n".join(found)


def test_templates_write_times_with_the_time_format():
    # "Saved at 8:27:48 AM" beside a notification's "8:28 a.m.": |time takes TIME_FORMAT.
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT / "templates"))
        for variant in re.findall(r"\|time:[\"']([^\"']*)[\"']", path.read_text()):
            if variant != "TIME_FORMAT":
                found.append(f"{name}: |time:{variant!r}")
    assert found == [], "Use |time (TIME_FORMAT) instead:\n" + "\n".join(found)
