from django.urls import path

from . import views

app_name = "states"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("districts.csv", views.figures_csv, name="figures_csv"),
    path("awards/", views.awards, name="awards"),
    path("districts/new/", views.district_new, name="district_new"),
    path("districts/<int:pk>/suspend/", views.district_suspend, name="district_suspend"),
    path("districts/<int:pk>/unsuspend/", views.district_unsuspend, name="district_unsuspend"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/new/", views.catalog_new, name="catalog_new"),
    path("catalog/<int:pk>/", views.catalog_entry, name="catalog_entry"),
    path(
        "catalog/<int:pk>/v<int:number>.json",
        views.catalog_version_export,
        name="catalog_version_export",
    ),
    path("renewal-rule/", views.renewal_rule, name="renewal_rule"),
]
