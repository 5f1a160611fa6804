from django.urls import path

from . import views
from .people_urls import urlpatterns as people_urlpatterns

app_name = "accounts"

urlpatterns = [
    path("", views.admin_dashboard, name="admin_dashboard"),
    path("no-role/", views.no_role, name="no_role"),
    path("settings/", views.district_settings, name="district_settings"),
    path("settings/logo/", views.district_logo, name="district_logo"),
    *people_urlpatterns,
]
