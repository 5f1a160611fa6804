from django.urls import path

from . import views

app_name = "webhooks"

# Included under district/, beside the district admin's other pages.
urlpatterns = [
    path("webhooks/", views.subscriptions, name="list"),
    path("webhooks/new/", views.subscription_new, name="new"),
    path("webhooks/<int:pk>/", views.subscription_detail, name="detail"),
    path("webhooks/<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("webhooks/<int:pk>/disable/", views.subscription_disable, name="disable"),
    path("webhooks/<int:pk>/enable/", views.subscription_enable, name="enable"),
    path("webhooks/<int:pk>/rotate-secret/", views.subscription_rotate, name="rotate"),
    path("webhooks/<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("webhooks/deliveries/<int:pk>/replay/", views.delivery_replay, name="replay"),
]
