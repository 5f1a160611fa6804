"""Writes for people and districts, and the one way every app records an audit event."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from .models import ROLE_FLAGS, AuditEvent, Building, District, Membership, Role, State, User
from .signals import district_settings_changed
from .uploads import FAMILIES, CleanImage, district_families


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
    district: District | None = None,
    state: State | None = None,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    building: Building | None = None,
    is_educator: bool = False,
    is_reviewer: bool = False,
    is_district_admin: bool = False,
    is_state_admin: bool = False,
    email_verified: bool = False,
) -> User:
    """Create a person with their roles and their allauth e-mail record: of ``district``, or,
    a state admin, of ``state`` (and of no district)."""
    if (district is None) == (state is None):
        raise ValueError("A person belongs to a district or, as a state admin, to a state.")
    if building is not None and (district is None or building.district_id != district.pk):
        raise ValueError("The building belongs to another district.")
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        district=district,
        state=state,
        building=building,
        is_educator=is_educator,
        is_reviewer=is_reviewer,
        is_district_admin=is_district_admin,
        is_state_admin=is_state_admin,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=email_verified, primary=True)
    if district is not None:
        Membership.objects.create(
            user=user, district=district, roles=user.roles, started_on=timezone.localdate()
        )
    return user


# --- Memberships and license numbers ------------------------------------------------------------


def district_roles_of(user: User) -> list[str]:
    """The district roles ``user``'s flags grant (what their open membership records)."""
    return [role for role in user.roles if role != Role.STATE_ADMIN]


def membership_roles_sync(*, person: User) -> None:
    """Write ``person``'s district roles on their open membership (call it in the transaction
    that changed the flags; the flags are what access checks read)."""
    Membership.objects.filter(user_id=person.pk, ended_on__isnull=True).update(
        roles=district_roles_of(person)
    )


def role_flags(roles: list[str]) -> dict[str, bool]:
    """The ``User`` flags of a list of district roles."""
    return {ROLE_FLAGS[role]: role in roles for role in ROLE_FLAGS if role != Role.STATE_ADMIN}


class LicenseError(Exception):
    """A license number the rules refuse; the message is for the person or admin."""


LICENSE_TAKEN = (
    "This license number is already on another account in your state. Check the number; if it "
    "is yours, ask your district admin."
)


def license_number_set(*, person: User, number: str, actor: User) -> User:
    """Set (or clear, with "") ``person``'s state educator license number, as the person or an
    admin of their district. Unique in the state of their district."""
    if actor.pk != person.pk and not (
        person.district_id is not None and actor.administers(person.district)
    ):
        raise PermissionDenied("Only the person or their district's admin can change this.")
    number = number.strip().upper()
    with transaction.atomic():
        locked = (
            User.objects.select_for_update(of=("self",))
            .select_related("district")
            .get(pk=person.pk)
        )
        if number == locked.license_number:
            return locked
        state_id = locked.district.state_id if locked.district_id else None
        if number and state_id is None:
            raise LicenseError(
                "Your district belongs to no state on microcreds, so a state license number "
                "cannot be recorded."
            )
        if (
            number
            and User.objects.filter(license_state_id=state_id, license_number__iexact=number)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise LicenseError(LICENSE_TAKEN)
        before = locked.license_number
        locked.license_number = number
        locked.license_state_id = state_id if number else None
        try:
            with transaction.atomic():
                locked.save(update_fields=["license_number", "license_state"])
        except IntegrityError:
            raise LicenseError(LICENSE_TAKEN) from None
        audit_record(
            actor=actor,
            action="person.license_changed",
            target=locked,
            detail={"from": before, "to": number},
        )
    return locked


# --- District settings --------------------------------------------------------------------------

# What a district admin may change on the settings page (besides the logo).
DISTRICT_SETTINGS = (
    "name",
    "primary_color",
    "secondary_color",
    "signatory_name",
    "signatory_title",
    "email_domains",
    "plan_reviewers_required",
    "final_reviewers_required",
    "review_turnaround_days",
    "exclude_same_building_reviewers",
    "require_chair_confirmation",
    "max_attempts",
    "artifact_retention_days",
    "artifact_families",
    "accept_state_awards_for_salary",
)
DISTRICT_SETTINGS_UPDATED = "district.settings_updated"


def normalized_domains(value: str) -> str:
    domains = [d.strip().lower() for d in value.split(",") if d.strip()]
    return ", ".join(dict.fromkeys(domains))


def domains_of_other_districts(district: District | None, domains: list[str]) -> list[str]:
    """The domains another district (than ``district``, None for one not created yet) signs in
    with already: a domain leads to one district."""
    wanted = set(domains)
    taken: list[str] = []
    others = District.objects.exclude(email_domains="")
    if district is not None:
        others = others.exclude(pk=district.pk)
    for other in others:
        taken.extend(d for d in other.domain_list if d in wanted and d not in taken)
    return taken


def district_settings_update(
    *,
    district: District,
    actor: User,
    logo: CleanImage | None = None,
    remove_logo: bool = False,
    **values: Any,
) -> dict[str, dict[str, Any]]:
    """Change the settings of ``district`` (names of ``DISTRICT_SETTINGS``) as one of its admins.

    The row is locked; only what differs is saved and audited, as ``{setting: {"from", "to"}}``,
    which is also returned. ``logo`` is an image already re-encoded (``reencode_image``);
    the file it replaces is deleted after the commit.
    """
    unknown = sorted(set(values) - set(DISTRICT_SETTINGS))
    if unknown:
        raise TypeError(f"Not a district setting: {', '.join(unknown)}")
    if not (actor.has_role(Role.DISTRICT_ADMIN) and actor.district_id == district.pk):
        raise PermissionDenied("Only an admin of this district can change its settings.")
    if "email_domains" in values:
        values["email_domains"] = normalized_domains(values["email_domains"] or "")
    if values.get("artifact_families") is not None:
        # In the one order of FAMILIES; anything else is left for the model's validator to refuse.
        order = {family: position for position, family in enumerate(FAMILIES)}
        values["artifact_families"] = sorted(
            values["artifact_families"], key=lambda f: order.get(f, len(order))
        )
    with transaction.atomic():
        locked = District.objects.select_for_update().get(pk=district.pk)
        changes: dict[str, dict[str, Any]] = {}
        for name, value in values.items():
            before = getattr(locked, name)
            if name == "artifact_families":
                # A district that never chose accepts every family; ticking them all is no change.
                same = value is not None and tuple(value) == district_families(locked)
                before = list(district_families(locked)) if before is None else before
                if same or value == before:
                    continue
            elif value == before:
                continue
            changes[name] = {"from": before, "to": value}
            setattr(locked, name, value)
        unchanged = [f.name for f in District._meta.concrete_fields if f.name not in changes]
        locked.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)
        if "email_domains" in changes:
            taken = domains_of_other_districts(locked, locked.domain_list)
            if taken:
                raise ValidationError(
                    {
                        "email_domains": f"{', '.join(taken)} already signs people in to another "
                        "district; a domain can belong to one district only."
                    }
                )
        old_logo = locked.logo.name
        if logo is not None:
            locked.logo.save(f"{locked.slug}{logo.extension}", ContentFile(logo.data), save=False)
            changes["logo"] = {"from": old_logo, "to": locked.logo.name}
        elif remove_logo and old_logo:
            locked.logo = ""
            changes["logo"] = {"from": old_logo, "to": ""}
        if not changes:
            return changes
        locked.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action=DISTRICT_SETTINGS_UPDATED,
            target=locked,
            district=locked,
            detail={"changes": changes},
        )
        # Receivers write in this transaction (the reports app: salary acceptances).
        district_settings_changed.send(
            sender=District, district=locked, changes=changes, actor=actor
        )
        if "logo" in changes and old_logo:
            transaction.on_commit(lambda: default_storage.delete(old_logo))
    return changes


def sessions_end_elsewhere(*, request, user: User, why: str) -> None:
    """End every session of ``user`` but the one of ``request`` (``why``: the audit's words):
    when a second factor is added, a session signed in with the password alone must not go on.
    The current session is kept: it carries the new hash (saved at once, since allauth tells
    of a new factor once its transaction commits, which may be after the response)."""
    from django.contrib.auth import HASH_SESSION_KEY

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        audit_record(
            actor=user, action="sessions.ended_elsewhere", target=user, detail={"why": why}
        )
    if request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated and request.user.pk == user.pk:
            request.user.session_generation = user.session_generation
            request.session[HASH_SESSION_KEY] = request.user.get_session_auth_hash()
            request.session.save()
