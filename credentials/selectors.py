"""Reads of the catalog, scoped to the reader's district."""

from django.db.models import QuerySet

from accounts.models import User

from .models import MicroCredential


def published_catalog_for_user(user: User) -> QuerySet[MicroCredential]:
    return (
        MicroCredential.objects.filter(
            district_id=user.district_id, status=MicroCredential.Status.PUBLISHED
        )
        .select_related("stack")
        .order_by("title")
    )
