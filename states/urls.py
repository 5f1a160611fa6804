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
]
