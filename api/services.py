"""Writes of the API: registering and revoking clients, logging their calls, remembering
idempotent writes, and the roster sync (people and buildings matched by their external id,
changed through the people app's own services)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from accounts.models import Building, Role, User
from accounts.services import audit_record
from people.services import (
    PeopleError,
    building_delete,
    building_save,
    person_invite,
    person_set_active,
    person_update,
)

from .models import ApiCall, ApiClient, IdempotentWrite

# --- Clients ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """A client just registered, with the one sight of its secret there will ever be."""

    client: ApiClient
    client_id: str
    client_secret: str


def _require_admin(actor: User, client: ApiClient | None = None) -> None:
    if not actor.has_role(Role.DISTRICT_ADMIN):
        raise PermissionDenied("Only a district admin manages API clients.")
    if client is not None and client.district_id != actor.district_id:
        raise PermissionDenied("This client belongs to another district.")


@transaction.atomic
def api_client_register(
    *, actor: User, name: str, scopes: list[str], allowed_ips: str = ""
) -> Registered:
    """Register a client of the actor's district; its secret is stored hashed (DOT), so it is
    returned here and never again."""
    _require_admin(actor)
    secret = generate_client_secret()
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    application.save()
    client = ApiClient(
        district=actor.district,
        name=name.strip(),
        scopes=sorted(set(scopes)),
        allowed_ips=allowed_ips.strip(),
        application=application,
        created_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action="api_client.registered",
        target=client,
        detail={"name": client.name, "scopes": client.scopes},
    )
    return Registered(client=client, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: User) -> ApiClient:
    """Revoke a client at once: its application and every token go; its calls stay listed."""
    _require_admin(actor, client)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.is_revoked:
        return client
    application = client.application
    client.revoked_at = timezone.now()
    client.revoked_by = actor
    client.application = None
    client.save(update_fields=["revoked_at", "revoked_by", "application"])
    if application is not None:
        application.delete()
    audit_record(
        actor=actor,
        action="api_client.revoked",
        target=client,
        from_status="active",
        to_status="revoked",
    )
    return client


def api_client_actor(client: ApiClient) -> User:
    """The person a client writes as: the admin who registered it, while they administer its
    district."""
    admin = client.created_by
    if not admin.has_role(Role.DISTRICT_ADMIN) or admin.district_id != client.district_id:
        raise PermissionDenied(
            "The admin who registered this client no longer administers the district; "
            "an admin must register the client again."
        )
    return admin


def api_call_record(*, client: ApiClient, method: str, path: str, status: int, address) -> None:
    ApiCall.objects.create(
        client=client, method=method, path=path[:500], status=status, address=address or None
    )


# --- Idempotent writes ----------------------------------------------------------------------------


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotent_write_claim(
    *, client: ApiClient, key: str, fingerprint: str
) -> tuple[IdempotentWrite, bool]:
    """The record of ``key`` and whether this request is the first to bring it (a key older
    than ``API_IDEMPOTENCY_HOURS`` is forgotten)."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotentWrite.objects.filter(client=client, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            record = IdempotentWrite.objects.create(client=client, key=key, fingerprint=fingerprint)
        return record, True
    except IntegrityError:
        return IdempotentWrite.objects.get(client=client, key=key), False


def idempotent_write_store(*, record: IdempotentWrite, status: int, body) -> None:
    record.status = status
    record.body = body
    record.save(update_fields=["status", "body"])


def idempotent_write_forget(*, record: IdempotentWrite) -> None:
    """A request that failed is not an answer to replay: the key may be sent again."""
    record.delete()


# --- The roster sync ------------------------------------------------------------------------------


ROLE_NAMES = {
    "educator": "is_educator",
    "reviewer": "is_reviewer",
    "district_admin": "is_district_admin",
}


@dataclass(frozen=True)
class Synced:
    """The outcome of a sync. ``invited``: the request named nobody the district knows, and the
    answer is the web page's for an invitation (``people.services.invitation_sent_message``),
    whether a person was invited or the address was another district's (``record`` is None
    then); the two must not be told apart by the caller."""

    record: object
    created: bool
    invited: bool = False


def _building_by_external_id(*, client: ApiClient, external_id: str | None) -> Building | None:
    if not external_id:
        return None
    building = Building.objects.filter(district=client.district, external_id=external_id).first()
    if building is None:
        raise PeopleError(f"No building has the external id “{external_id}”.")
    return building


@transaction.atomic
def building_sync(*, client: ApiClient, external_id: str, name: str) -> Synced:
    """Create or rename the building the district's systems know as ``external_id`` (a
    building of that name without an external id is adopted). Sending the same twice changes
    nothing the second time."""
    actor = api_client_actor(client)
    district = client.district
    building = Building.objects.filter(district=district, external_id=external_id).first()
    created = False
    if building is None:
        building = Building.objects.filter(
            district=district, external_id="", name__iexact=name.strip()
        ).first()
    if building is None:
        building = building_save(building=None, name=name, actor=actor)
        created = True
    elif building.name != name.strip():
        building = building_save(building=building, name=name, actor=actor)
    if building.external_id != external_id:
        building.external_id = external_id
        building.save(update_fields=["external_id"])
    return Synced(building, created)


def building_remove(*, client: ApiClient, building: Building) -> None:
    building_delete(building=building, actor=api_client_actor(client))


@transaction.atomic
def person_sync(
    *,
    client: ApiClient,
    external_id: str,
    email: str,
    first_name: str,
    last_name: str,
    building_external_id: str | None,
    roles: list[str],
    active: bool = True,
) -> Synced:
    """Create, update, deactivate or reactivate the person the district's systems know as
    ``external_id``; a person of the district with the same address and no external id yet is
    adopted. Sending the same twice changes nothing the second time (and invites nobody twice).
    The address of someone already known is not changed here."""
    actor = api_client_actor(client)
    district = client.district
    building = _building_by_external_id(client=client, external_id=building_external_id)
    flags = {ROLE_NAMES[role]: True for role in roles}
    person = User.objects.filter(district=district, external_id=external_id).first()
    if person is None:
        person = User.objects.filter(
            district=district, external_id="", email__iexact=email.strip()
        ).first()
    created = False
    if person is None:
        person = person_invite(
            actor=actor,
            email=email,
            first_name=first_name,
            last_name=last_name,
            building=building,
            **flags,
        )
        if person is None:
            # The address is another district's person's: nothing is created, and the client is
            # answered exactly as for an invitation, as the admin on the page is
            # (people.services.person_invite).
            return Synced(None, created=False, invited=True)
        created = True
    else:
        person = person_update(
            person=person,
            actor=actor,
            first_name=first_name,
            last_name=last_name,
            building=building,
            is_educator=flags.get("is_educator", False),
            is_reviewer=flags.get("is_reviewer", False),
            is_district_admin=flags.get("is_district_admin", False),
        )
    if person.external_id != external_id:
        person.external_id = external_id
        person.save(update_fields=["external_id"])
        audit_record(
            actor=actor, action="person.external_id", target=person, detail={"id": external_id}
        )
    if person.is_active != active:
        person = person_set_active(person=person, actor=actor, active=active)
    return Synced(person, created, invited=created)


def person_deactivate(*, client: ApiClient, person: User) -> User:
    return person_set_active(person=person, actor=api_client_actor(client), active=False)
