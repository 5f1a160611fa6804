"""The one way a list page reads the page it is asked for.

A page number comes from the address bar, so it is anything: empty, words, ``-1``, ``1e400``,
a number past any page or past what the database can count (``?page=999999999999999999999``).
Every list reads it here: anything but a plain positive number is page 1, and a number is
clamped to ``MAX_PAGE`` (and, with a ``Paginator``, to the last page), so no hostile value
reaches a query.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Far past any real list (50 rows a page: 50 million rows), far below a 64-bit OFFSET.
MAX_PAGE = 1_000_000


def page_number(request: HttpRequest, *, param: str = "page") -> int:
    """The page asked for: 1 for anything but digits, at most ``MAX_PAGE``."""
    raw = request.GET.get(param, "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    # Longer than MAX_PAGE's digits is past it: no need to convert a thousand digits.
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


def paginate(
    request: HttpRequest, object_list: Any, per_page: int, *, count: int | None = None
) -> Page:
    """The requested page of ``object_list`` (the last one if it is past the end).

    ``count`` is the number of objects when the caller knows it already, which saves the
    paginator its own count query."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(page_number(request))
