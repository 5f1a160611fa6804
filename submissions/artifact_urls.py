"""Artifact routes, kept beside the plan routes under the ``submissions`` namespace."""

urlpatterns: list = []
