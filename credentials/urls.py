from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<int:pk>/", views.detail, name="detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.preview, name="preview"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/retire/", views.retire, name="retire"),
    path("manage/<int:pk>/new-version/", views.new_draft, name="new_draft"),
    path("manage/<int:pk>/rubric/", views.rubric, name="rubric"),
    path("manage/criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("manage/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("<int:pk>/export.json", views.export, name="export"),
    path("manage/import/", views.import_package, name="import_package"),
    path("manage/state/", views.state_catalog, name="state_catalog"),
    path("manage/state/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("manage/state/adopt-stack/", views.adopt_stack, name="adopt_stack"),
    path("manage/state/<int:pk>/export.json", views.state_entry_export, name="state_entry_export"),
    path("manage/<int:pk>/update-from-state/", views.adopted_update, name="adopted_update"),
    path("manage/stacks/", views.stacks, name="stacks"),
    path("manage/stacks/<int:pk>/", views.stack_edit, name="stack_edit"),
    path("manage/evidence-types/", views.evidence_types, name="evidence_types"),
    path("manage/evidence-types/<int:pk>/", views.evidence_type_edit, name="evidence_type_edit"),
]
