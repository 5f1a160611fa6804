from django.urls import path

from . import views

app_name = "people"

# Included under district/, beside the district settings, where these pages have always been.
urlpatterns = [
    path("", views.admin_dashboard, name="admin_dashboard"),
    path("people/", views.people, name="list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/invite/", views.person_resend, name="person_resend"),
    path("people/<int:pk>/transcript.json", views.person_transcript, name="person_transcript"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/move-in/", views.move_invite, name="move_invite"),
    path("moves/<str:token>/", views.move_accept, name="move_accept"),
    path("people/import/", views.roster_import, name="roster_import"),
    path("people/import/confirm/", views.roster_confirm, name="roster_confirm"),
    path("people/import/example.csv", views.roster_example, name="roster_example"),
    path("buildings/", views.buildings, name="buildings"),
    path("buildings/<int:pk>/", views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/delete/", views.building_delete, name="building_delete"),
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_edit, name="goal_new"),
    path("goals/<int:pk>/", views.goal_edit, name="goal_edit"),
    path(
        "invitation/<str:uidb36>/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
]
