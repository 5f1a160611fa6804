"""Writes for people and districts, and the one way every app records an audit event."""

from typing import Any

from django.db import models

from .models import AuditEvent, Building, District, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    district: District | None = None,
    from_status: str = "",
    to_status: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit row for ``target``. Call it inside the transaction of the change."""
    if district is None:
        district = getattr(target, "district", None)
    return AuditEvent.objects.create(
        district=district,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )


def user_create(
    *,
    district: District,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    building: Building | None = None,
    is_educator: bool = False,
    is_reviewer: bool = False,
    is_district_admin: bool = False,
    email_verified: bool = False,
) -> User:
    """Create a person of ``district`` with their roles and their allauth e-mail record."""
    from allauth.account.models import EmailAddress

    if building is not None and building.district_id != district.pk:
        raise ValueError("The building belongs to another district.")
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        district=district,
        building=building,
        is_educator=is_educator,
        is_reviewer=is_reviewer,
        is_district_admin=is_district_admin,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=email_verified, primary=True)
    return user


def email_send(*, to: list[str], subject: str, text: str, html: str | None = None) -> int:
    """Send one e-mail (text, and HTML when given) through the configured backend."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
