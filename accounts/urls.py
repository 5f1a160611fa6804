from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("no-role/", views.no_role, name="no_role"),
    path("profile/", views.profile, name="profile"),
    path("profile/license/", views.license_number, name="license_number"),
    path("settings/", views.district_settings, name="district_settings"),
    path("settings/logo/", views.district_logo, name="district_logo"),
]
