"""Artifact routes, kept beside the plan routes under the ``submissions`` namespace."""

from django.urls import path

from . import artifact_views as views

urlpatterns: list = [
    path("<int:submission_id>/evidence/", views.artifact_upload, name="artifact_upload"),
    path("<int:submission_id>/evidence/start/", views.artifact_start, name="artifact_start"),
    path("<int:submission_id>/evidence/link/", views.artifact_link, name="artifact_link"),
    path("evidence/<uuid:uuid>/finish/", views.artifact_finish, name="artifact_finish"),
    path("evidence/<uuid:uuid>/parts/", views.artifact_parts, name="artifact_parts"),
    path("evidence/<uuid:uuid>/parts/sign/", views.artifact_sign_parts, name="artifact_sign_parts"),
    path("evidence/<uuid:uuid>/abort/", views.artifact_abort, name="artifact_abort"),
    path("evidence/<uuid:uuid>/upload/", views.artifact_local_upload, name="artifact_local_upload"),
    path("evidence/<uuid:uuid>/status/", views.artifact_status, name="artifact_status"),
    path("evidence/<uuid:uuid>/edit/", views.artifact_edit, name="artifact_edit"),
    path("evidence/<uuid:uuid>/delete/", views.artifact_delete, name="artifact_delete"),
    path("evidence/<uuid:uuid>/open/", views.artifact_open, name="artifact_open"),
    path("evidence/<uuid:uuid>/thumbnail/", views.artifact_thumbnail, name="artifact_thumbnail"),
    path("evidence/file/<str:token>/", views.artifact_local_file, name="artifact_local_file"),
    path("evidence/access-log/", views.artifact_access_log, name="artifact_access_log"),
]
