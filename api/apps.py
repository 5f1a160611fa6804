from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The schema's description of our authentication (drf-spectacular finds it registered).
        from . import schema  # noqa: F401
