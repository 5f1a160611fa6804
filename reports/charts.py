"""Charts drawn on the server as SVG: no script, no CDN; each sits beside its table and shows
what the table shows, every row and every column of figures, nothing cut.

Each label is written in full above its bars (wrapped onto more lines when it is long), so
nothing is clipped at any width; each bar's value is written beside it with its series' name,
so no figure is told by colour alone. The value texts carry ``data-value`` for the tests that
hold a chart to its table.
"""

import textwrap
from collections.abc import Sequence

from django.core.cache import caches
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from microcreds.fragments import digest

WIDTH = 480  # a report's chart; a dashboard card's is narrower (``width``)
VALUE_ROOM = 110  # right of the longest bar: its value and series name
LINE = 17  # a line of label text
BAR = 14
BAR_GAP = 4
ROW_GAP = 10
CHARACTER = 8.5  # the width of a character of label, generously, at the chart's font size

Value = float | int | None


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, Value | Sequence[Value]]],
    series: Sequence[str] = (),
    unit: str | tuple[str, str] = "",
    width: int = WIDTH,
) -> SafeString:
    """Horizontal bars, one group per item: ``(label, value)``, or ``(label, (value, ...))``
    with one value per name of ``series``. ``None`` (no figure) draws no bar and reads "—".
    ``unit`` follows each value: a string, or (singular, plural) for a count ("1 district").
    Screen readers get the title and the table the chart illustrates.

    Drawn once per set of arguments in each process (``fragments``, keyed on all of them): a
    report page drew its charts on every view, a third of the completions page's time."""
    rows = [(str(label), _values(value)) for label, value in items]
    drawn = (chart_id, str(title), rows, [str(name) for name in series], unit, width)
    key = "bar-chart:" + digest(drawn)
    svg = caches["fragments"].get(key)
    if svg is None:
        svg = _draw(
            chart_id=chart_id, title=title, rows=rows, series=series, unit=unit, width=width
        )
        caches["fragments"].set(key, svg)
    return svg


def _draw(
    *,
    chart_id: str,
    title: str,
    rows: list[tuple[str, list[Value]]],
    series: Sequence[str],
    unit: str | tuple[str, str],
    width: int,
) -> SafeString:
    bar_width = width - VALUE_ROOM
    names = list(series) or [""]
    top = max((v for _, values in rows for v in values if v is not None), default=0) or 1
    parts = []
    y = 0
    if len(names) > 1:
        parts.append(_legend(names))
        y += LINE + ROW_GAP
    for label, values in rows:
        lines = textwrap.wrap(label, label_characters(width)) or [""]
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{}">{}</text>',
                y + LINE - 4,
                format_html_join(
                    "",
                    '<tspan x="0" dy="{}">{}</tspan>',
                    ((0 if n == 0 else LINE, line) for n, line in enumerate(lines)),
                ),
            )
        )
        y += LINE * len(lines)
        for index, (name, value) in enumerate(zip(names, values, strict=True)):
            parts.append(
                _bar(y, value, top=top, width=bar_width, name=name, series=index, unit=unit)
            )
            y += BAR + BAR_GAP
        y += ROW_GAP
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        chart_id,
        width,
        max(y, LINE),
        chart_id,
        title,
        SafeString("".join(parts)),
    )


def label_characters(width: int) -> int:
    """How many characters of label a line of a chart ``width`` wide holds."""
    return int(width // CHARACTER)


def _values(value: Value | Sequence[Value]) -> list[Value]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _legend(names: list[str]) -> SafeString:
    return format_html_join(
        "",
        '<rect class="chart-bar chart-bar-{}" x="{}" y="3" width="12" height="12"></rect>'
        '<text class="chart-legend" x="{}" y="14">{}</text>',
        ((index, index * 120, index * 120 + 17, name) for index, name in enumerate(names)),
    )


def _bar(
    y: int,
    value: Value,
    *,
    top: float,
    width: int,
    name: str,
    series: int,
    unit: str | tuple[str, str],
) -> SafeString:
    length = 0 if value is None else round(width * value / top, 1)
    if not isinstance(unit, str):
        unit = unit[0] if value == 1 else unit[1]
    shown = "—" if value is None else f"{_number(value)}{unit}"
    return format_html(
        '<rect class="chart-bar chart-bar-{}" x="0" y="{}" width="{}" height="{}"></rect>'
        '<text class="chart-value" x="{}" y="{}" data-series="{}" data-value="{}">{}{}</text>',
        series,
        y,
        length,
        BAR,
        length + 6,
        y + BAR - 2,
        name,
        "" if value is None else value,
        shown,
        f" {name.lower()}" if name else "",
    )


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
