from django.urls import path
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/decide/", views.chair_decide, name="chair_decide"),
    path("review/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("feedback/<int:submission_pk>/", views.feedback, name="feedback"),
    path("panels/", views.panels, name="panels"),
    path("panels/new/", views.panel_edit, name="panel_create"),
    path("panels/<int:pk>/", views.panel_edit, name="panel_edit"),
    # The panel report lives with the reports now; a bookmark of its old address still works.
    path(
        "report/",
        require_GET(
            RedirectView.as_view(pattern_name="reports:panel", permanent=True, query_string=True)
        ),
        name="report_moved",
    ),
]
