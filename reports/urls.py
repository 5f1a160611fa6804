from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("funnel/", views.funnel, name="funnel"),
    path("completions/", views.completions, name="completions"),
    path("turnaround/", views.turnaround, name="turnaround"),
    path("relicensure/", views.relicensure, name="relicensure"),
    path("salary/", views.salary, name="salary"),
    path("panel/", views.panel, name="panel"),
    path("panel/export.<str:file_format>", views.panel_export, name="panel_export"),
    path("export/<slug:dataset>.<str:file_format>", views.export, name="export"),
    path("exports/<uuid:job_uuid>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_uuid>/download/", views.export_download, name="export_download"),
]
