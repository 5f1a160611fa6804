"""The site's one way of writing dates and times (FORMAT_MODULE_PATH in settings): templates
write ``{{ day|date }}``, ``{{ moment|date:"DATETIME_FORMAT" }}``, ``{{ moment|time }}``, and
Python ``django.utils.formats.date_format(day)``; never a format of their own. Machine-readable
values (``<time datetime>``, exports, badges) keep ISO 8601."""

DATE_FORMAT = "M j, Y"  # Dec 6, 2026
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "M j, Y, g:i a"  # Dec 6, 2026, 9:47 a.m.
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "g:i a"  # 9:47 a.m.
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "M j"  # Dec 6
