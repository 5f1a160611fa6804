from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

# The Django admin signs no one in by itself: its own password form would skip allauth's second
# factor and its rate limits. Staff sign in through allauth (/accounts/login/) and come back.
admin.site.login = secure_admin_login(admin.site.login)

# The site's own pages, saying why in words a person understands (500.html: Django's handler).
handler403 = account_views.permission_denied
handler404 = account_views.page_not_found

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("district/", include("accounts.urls")),
    path("district/", include("people.urls")),
    path("district/", include("webhooks.urls")),
    path("catalog/", include("credentials.urls")),
    path("plans/", include("submissions.urls")),
    path("plans/", include("artifacts.urls")),
    path("reviews/", include("reviews.urls")),
    path("reviews/notifications/", include("notifications.urls")),
    path("", include("badges.urls")),
    path("reports/", include("reports.urls")),
    path("reports/", include("programs.urls")),
    path("state/", include("states.urls")),
    path("", include("wallets.urls")),
    path("", include("api.urls")),
    path("django-admin/", admin.site.urls),
]

# Stored files are never served by path, in any mode (no static serving of MEDIA_ROOT, even with
# DEBUG): each kind is read through its own view, after its permission check, as in production.
# Evidence: artifacts:open (logged, five-minute URL); a district's logo:
# accounts:district_logo; exports: reports:export_download; certificates: badges' own routes.
