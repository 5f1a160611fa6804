from django.urls import path

from . import views

app_name = "programs"

# Included under reports/, where the program rules pages have always been.
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:kind>/new/", views.rule_edit, name="rule_new"),
    path("rules/<slug:kind>/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<slug:kind>/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
