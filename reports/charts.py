"""Charts drawn on the server as SVG: no script, no CDN; each sits beside its table."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW_HEIGHT = 28
LABEL_WIDTH = 260
BAR_WIDTH = 360
WIDTH = LABEL_WIDTH + BAR_WIDTH + 80


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    *, chart_id: str, title: str, items: Sequence[tuple[str, float]], unit: str = ""
) -> SafeString:
    """A horizontal bar chart. Screen readers get its title and the table it illustrates."""
    top = max((value for _, value in items), default=0) or 1
    height = max(1, len(items)) * ROW_HEIGHT + 8
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})">'
        '<text x="{}" y="18" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="4" width="{}" height="{}" class="chart-bar"></rect>'
        '<text x="{}" y="18" class="chart-value">{}{}</text></g>',
        (
            (
                index * ROW_HEIGHT + 4,
                LABEL_WIDTH - 8,
                _short(str(label)),
                LABEL_WIDTH,
                round(BAR_WIDTH * value / top, 1),
                ROW_HEIGHT - 8,
                LABEL_WIDTH + round(BAR_WIDTH * value / top, 1) + 6,
                _number(value),
                unit,
            )
            for index, (label, value) in enumerate(items)
        ),
    )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        chart_id,
        WIDTH,
        height,
        chart_id,
        title,
        bars,
    )


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
