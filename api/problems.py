"""Errors as RFC 9457 problem details (``application/problem+json``): a type, a title, the
status, and what went wrong in words a developer can act on."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from badges.services import AwardError
from people.services import PeopleError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class UnprocessableContent(exceptions.APIException):
    """The request is well-formed, and the program's rules refuse it."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be carried out."
    default_code = "unprocessable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with another one."
    default_code = "conflict"


def _as_api_exception(exc: Exception) -> Exception:
    """The program's own refusals, as the HTTP answers they are."""
    if isinstance(exc, PeopleError | AwardError):
        return UnprocessableContent(str(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        # Django's message names the model; this one says what a client can act on.
        return exceptions.NotFound("Nothing of your district has this identifier.")
    return exc


def problem_details_handler(exc: Exception, context: dict):
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    problem = {
        "type": "about:blank",
        "title": HTTPStatus(response.status_code).phrase,
        "status": response.status_code,
    }
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = "Some fields are missing or invalid; see errors."
        problem["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    elif isinstance(data, dict) and "detail" in data:
        problem["detail"] = str(data["detail"])
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        problem["retry_after"] = int(exc.wait) + 1
    request = context.get("request")
    if request is not None:
        problem["instance"] = request.get_full_path()
    response.data = problem
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
