from django.urls import path

from . import views
from .artifact_urls import urlpatterns as artifact_urlpatterns

app_name = "submissions"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *artifact_urlpatterns,
]
