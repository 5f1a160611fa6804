from django.urls import path

from . import views

app_name = "wallets"

urlpatterns = [
    # The 1EdTech Open Badges 3.0 API (its paths are the specification's, without a slash).
    path("ims/ob/v3p0/discovery", views.discovery, name="discovery"),
    path("ims/ob/v3p0/register", views.register, name="register"),
    path("ims/ob/v3p0/authorize", views.WalletAuthorizationView.as_view(), name="authorize"),
    path("ims/ob/v3p0/token", views.WalletTokenView.as_view(), name="token"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
    # The educator's page of connected wallets, and what connecting one means.
    path("badges/wallets/", views.connections, name="connections"),
    path("badges/wallets/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("wallets/about/", views.about, name="about"),
]
