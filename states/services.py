"""A state admin's writes: create a district (its first admin invited by e-mail), suspend and
unsuspend one. Each is audited; the invitation's e-mail goes out after the commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import District, Role, State, User, validate_email_domains
from accounts.selectors import address_owner
from accounts.services import (
    audit_record,
    domains_of_other_districts,
    normalized_domains,
    user_create,
)
from people.services import invitation_send

DISTRICT_CREATED = "district.created"
DISTRICT_SUSPENDED = "district.suspended"
DISTRICT_UNSUSPENDED = "district.unsuspended"


def _require_state_admin_of(actor: User | None, state: State) -> None:
    """``actor`` None is the operator at the command line (``manage.py create_district``)."""
    if actor is not None and not (actor.has_role(Role.STATE_ADMIN) and actor.state_id == state.pk):
        raise PermissionDenied("Only an admin of this state can do this.")


def district_create(
    *,
    state: State,
    name: str,
    slug: str,
    domains: str,
    first_admin_email: str,
    actor: User | None,
) -> District:
    """A new district of ``state`` and its first district admin, who is e-mailed an invitation
    (single-use, short-lived, bound to them: ``people.services.invitation_send``).

    ``domains``: the district's sign-in e-mail domains, comma-separated (may be empty).
    Raises ValidationError, by field, for what a person must correct."""
    _require_state_admin_of(actor, state)
    name, slug = name.strip(), slug.strip().lower()
    email = first_admin_email.strip().lower()
    domains = normalized_domains(domains or "")
    errors: dict[str, list[str]] = {}

    def check(field: str, validator, value: str) -> None:
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    if not name:
        errors["name"] = ["Give the district a name."]
    check("slug", validate_slug, slug)
    check("domains", validate_email_domains, domains)
    check("first_admin_email", validate_email, email)
    if District.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append("Another district has this short name.")
    taken = domains_of_other_districts(None, [d.strip() for d in domains.split(",") if d.strip()])
    if taken and "domains" not in errors:
        errors["domains"] = [
            f"{', '.join(taken)} already signs people in to another district; a domain can "
            "belong to one district only."
        ]
    if address_owner(email) is not None:
        errors.setdefault("first_admin_email", []).append(
            "This address already has an account on microcreds; invite the district's first "
            "admin with another address."
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            district = District.objects.create(
                state=state, name=name, slug=slug, email_domains=domains
            )
            admin = user_create(district=district, email=email, is_district_admin=True)
            audit_record(
                actor=actor,
                action=DISTRICT_CREATED,
                target=district,
                detail={"state": state.slug, "first_admin": email, "domains": domains},
            )
            invitation_send(person=admin, actor=actor)
    except IntegrityError:
        # Another request took the short name or the address between the checks and the insert.
        raise ValidationError(
            "Another district or person took this short name or address just now; try again."
        ) from None
    return district


def _set_suspended(*, district: District, actor: User | None, suspended: bool) -> District:
    if district.state_id is None:
        raise PermissionDenied("This district belongs to no state.")
    _require_state_admin_of(actor, district.state)
    with transaction.atomic():
        locked = District.objects.select_for_update().get(pk=district.pk)
        if locked.is_suspended == suspended:
            return locked
        locked.suspended_at = timezone.now() if suspended else None
        locked.save(update_fields=["suspended_at"])
        audit_record(
            actor=actor,
            action=DISTRICT_SUSPENDED if suspended else DISTRICT_UNSUSPENDED,
            target=locked,
            district=locked,
            from_status="active" if suspended else "suspended",
            to_status="suspended" if suspended else "active",
        )
    return locked


def district_suspend(*, district: District, actor: User | None) -> District:
    """Its people can no longer sign in (those signed in are signed out at their next
    request); every record of it is kept."""
    return _set_suspended(district=district, actor=actor, suspended=True)


def district_unsuspend(*, district: District, actor: User | None) -> District:
    return _set_suspended(district=district, actor=actor, suspended=False)
