from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import resources, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("people", resources.PersonViewSet, basename="person")
router.register("buildings", resources.BuildingViewSet, basename="building")
router.register("catalog", resources.CatalogViewSet, basename="catalog")
router.register("submissions", resources.SubmissionViewSet, basename="submission")
router.register("awards", resources.AwardViewSet, basename="award")
router.register("relicensure", resources.RenewalViewSet, basename="relicensure")

urlpatterns = [
    # The district admin's pages.
    path("district/api/clients/", views.clients, name="clients"),
    path("district/api/clients/<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
    path("district/api/calls/", views.calls, name="calls"),
    # OAuth 2.0 client credentials, the schema and its documentation.
    path("api/oauth/token/", views.ClientCredentialsTokenView.as_view(), name="token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    # The resources.
    path("api/v1/ledger/", resources.LedgerView.as_view(), name="ledger"),
    path("api/v1/reports/figures/", resources.ReportFiguresView.as_view(), name="report_figures"),
    path("api/v1/", include(router.urls)),
    # Last: whatever else is asked under /api/ is answered as a problem, not a web page.
    path("api/<path:rest>", resources.NoSuchRoute.as_view(), name="no_such_route"),
]
