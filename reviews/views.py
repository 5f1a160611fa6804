from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import reviewer_required


@require_GET
@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/queue.html", {"items": []})
