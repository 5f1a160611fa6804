"""Request checks that hold for every view."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RefuseNullCharactersMiddleware:
    """A NUL character has no business in a query string or a form, and PostgreSQL refuses it
    in any text it is given: such a request is answered 400 before any view uses the value
    (forms already refuse it; a filter reading ``request.GET`` directly would fail with a 500).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # request.POST is parsed for POST form bodies only; a PUT's bytes are never read here.
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest("The request contains a NUL character.")
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django answers a method a view does not take (``require_POST``, opening a form's address
    directly) with an empty 405: this gives it the site's page instead, which says what happened
    and leads home. The status and its Allow header stay; a 405 that already has a body (the
    API's JSON) is left as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page
