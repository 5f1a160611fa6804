"""Cursor pagination: a page is found by position, not by offset, so its cost does not grow
with the list and no row is skipped or repeated while rows are added."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
