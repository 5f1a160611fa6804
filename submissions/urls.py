from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/<int:credential_pk>/", views.plan_start, name="plan_start"),
    path("propose/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/proposal/", views.proposal_edit, name="proposal_edit"),
    path("<int:pk>/plan/save/", views.plan_save, name="plan_save"),
    path("<int:pk>/results/save/", views.results_save, name="results_save"),
    path("<int:pk>/history/", views.plan_history, name="history"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/start-again/", views.carry_over, name="carry_over"),
    path("<int:pk>/submit-plan/", views.move, {"action": "submit_plan"}, name="submit_plan"),
    path("<int:pk>/start-work/", views.move, {"action": "start_work"}, name="start_work"),
    path(
        "<int:pk>/submit-for-review/",
        views.move,
        {"action": "submit_for_review"},
        name="submit_for_review",
    ),
    path("<int:pk>/resubmit/", views.move, {"action": "resubmit"}, name="resubmit"),
    path("<int:pk>/withdraw/", views.move, {"action": "withdraw"}, name="withdraw"),
]
