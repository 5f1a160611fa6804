from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import educator_required

from . import selectors


@require_GET
@educator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    submissions = selectors.submissions_of_educator(request.user)
    return render(request, "submissions/dashboard.html", {"submissions": submissions})
