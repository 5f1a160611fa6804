from django.urls import path

from . import views

app_name = "artifacts"

# Included under plans/, beside the plan pages, where the evidence pages have always been.
urlpatterns = [
    path("<int:submission_id>/evidence/", views.artifact_upload, name="upload"),
    path("<int:submission_id>/evidence/start/", views.artifact_start, name="start"),
    path("<int:submission_id>/evidence/link/", views.artifact_link, name="link"),
    path("evidence/<uuid:uuid>/finish/", views.artifact_finish, name="finish"),
    path("evidence/<uuid:uuid>/parts/", views.artifact_parts, name="parts"),
    path("evidence/<uuid:uuid>/parts/sign/", views.artifact_sign_parts, name="sign_parts"),
    path("evidence/<uuid:uuid>/abort/", views.artifact_abort, name="abort"),
    path("evidence/<uuid:uuid>/upload/", views.artifact_local_upload, name="local_upload"),
    path("evidence/<uuid:uuid>/status/", views.artifact_status, name="status"),
    path("evidence/<uuid:uuid>/edit/", views.artifact_edit, name="edit"),
    path("evidence/<uuid:uuid>/delete/", views.artifact_delete, name="delete"),
    path("evidence/<uuid:uuid>/retry-check/", views.artifact_retry_check, name="retry_check"),
    path("evidence/<uuid:uuid>/open/", views.artifact_open, name="open"),
    path("evidence/<uuid:uuid>/thumbnail/", views.artifact_thumbnail, name="thumbnail"),
    path("evidence/file/<str:token>/", views.artifact_local_file, name="local_file"),
    path("evidence/access-log/", views.artifact_access_log, name="access_log"),
]
