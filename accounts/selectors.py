"""Reads for people and districts, always scoped to the reader's district."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.text import capfirst

from microcreds.prepared import PreparedQuery

from .models import AuditEvent, Building, District, DistrictGoal, Membership, Role, User
from .uploads import families_text


def address_owners(emails: Iterable[str]) -> dict[str, User]:
    """Who holds each of these e-mail addresses, by the address lower-cased: the person whose
    address it is, or whose verified second address it is (Marcus Reed signs in with his home
    address too). An address nobody holds is missing. Every place that adds a person by address
    asks this, so nobody gets a second account under an address someone already signs in with."""
    from allauth.account.models import EmailAddress

    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    if not wanted:
        return {}
    owners = {
        person.email_lower: person
        for person in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=wanted
        )
    }
    if wanted - owners.keys():
        for address in (
            EmailAddress.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=wanted - owners.keys(), verified=True)
            .select_related("user")
        ):
            owners.setdefault(address.email_lower, address.user)
    return owners


def address_owner(email: str) -> User | None:
    return address_owners([email]).get(email.strip().lower())


def people_for_user(user: User) -> QuerySet[User]:
    return User.objects.filter(district_id=user.district_id).select_related("building")


def memberships_of(user: User) -> QuerySet[Membership]:
    """The districts a person has belonged to, latest first, with the roles they held."""
    return (
        Membership.objects.filter(user_id=user.pk)
        .select_related("district")
        .order_by("-started_on", "-id")
    )


def districts_left(user: User) -> dict[int, date]:
    """The districts a person has left and is not back in, each with the last day they were
    a member of it (their own records stay there)."""
    left: dict[int, date] = {}
    for district_id, ended_on in (
        Membership.objects.filter(user_id=user.pk, ended_on__isnull=False)
        .exclude(district_id=user.district_id)
        .values_list("district_id", "ended_on")
    ):
        left[district_id] = max(ended_on, left.get(district_id, ended_on))
    return left


def buildings_for_user(user: User) -> QuerySet[Building]:
    return Building.objects.filter(district_id=user.district_id)


def goals_for_user(user: User) -> QuerySet[DistrictGoal]:
    return _active_goals_of(user.district_id)


def _active_goals_of(district_id: int | None) -> QuerySet[DistrictGoal]:
    return DistrictGoal.objects.filter(district_id=district_id, active=True)


# The plan editor offers them on every view: the SQL is built once per process
# (microcreds.prepared).
_active_goals = PreparedQuery(_active_goals_of, int)


def active_goals_list(user: User) -> list[DistrictGoal]:
    """``goals_for_user``, read (none for a person of no district)."""
    return _active_goals.all(user.district_id) if user.district_id is not None else []


def home_url_name_for(user: User) -> str:
    """The dashboard a person lands on after sign-in: their most responsible role first."""
    if user.has_role(Role.STATE_ADMIN):
        return "states:dashboard"
    if user.has_role(Role.DISTRICT_ADMIN):
        return "people:admin_dashboard"
    if user.has_role(Role.REVIEWER):
        return "reviews:queue"
    if user.has_role(Role.EDUCATOR):
        return "submissions:dashboard"
    return "accounts:no_role"


def district_of(user: User) -> District:
    """A fresh copy of the user's district (a form may change it in memory, not the user's)."""
    return District.objects.get(pk=user.district_id)


@dataclass
class SettingsChange:
    when: datetime
    actor: str
    changes: list[tuple[str, str, str]]


def _shown(name: str, value: Any) -> str:
    if name == "artifact_families":
        return families_text(value or [])
    if name == "logo":
        return value.rsplit("/", 1)[-1] if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, ""):
        return "empty"
    return str(value)


def district_settings_history(*, district: District, limit: int = 10) -> list[SettingsChange]:
    """The latest changes of the district's settings: when, by whom, which from what to what."""
    from .services import DISTRICT_SETTINGS_UPDATED

    events = (
        AuditEvent.objects.filter(
            district=district,
            action=DISTRICT_SETTINGS_UPDATED,
            target_type=District._meta.label_lower,
            target_id=district.pk,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    history = []
    for event in events:
        changes = []
        for name, change in event.detail.get("changes", {}).items():
            try:
                label = str(District._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name.replace("_", " ")
            changes.append(
                (
                    capfirst(label),
                    _shown(name, change["from"]),
                    _shown(name, change["to"]),
                )
            )
        actor = event.actor.display_name if event.actor else "someone no longer here"
        history.append(SettingsChange(when=event.created_at, actor=actor, changes=changes))
    return history
