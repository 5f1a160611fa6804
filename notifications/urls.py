from django.urls import path

from . import views

app_name = "notifications"

# Included under reviews/notifications/, the paths they had before they had an app of their
# own: bookmarks keep working.
urlpatterns = [
    path("", views.notifications, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read/", views.notifications_read_all, name="read_all"),
]
