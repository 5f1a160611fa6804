from django.urls import path

from . import views
from .people_urls import urlpatterns as people_urlpatterns

app_name = "accounts"

urlpatterns = [
    path("", views.admin_dashboard, name="admin_dashboard"),
    path("no-role/", views.no_role, name="no_role"),
    *people_urlpatterns,
]
