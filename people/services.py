"""District admins' writes about people: roster import, invitations, roles, deactivation,
buildings and district goals. Every change is audited; e-mail goes out after the commit."""

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36

from accounts.models import (
    DISTRICT_ROLES,
    AuditEvent,
    Building,
    District,
    DistrictGoal,
    Membership,
    MoveInvitation,
    User,
)
from accounts.selectors import address_owner, address_owners
from accounts.services import (
    LicenseError,
    audit_record,
    district_roles_of,
    license_number_set,
    membership_roles_sync,
    role_flags,
    user_create,
)
from outbox.models import Mail
from outbox.services import mail_enqueue
from reviews.services import HandBack, reviews_hand_back
from submissions.models import Submission
from submissions.services import submission_close_on_move
from submissions.transitions import FINAL_STATUSES

from .signals import person_moved

ROSTER_MAX_BYTES = 1024 * 1024
ROSTER_MAX_ROWS = 5000
ROSTER_COLUMNS = ["first_name", "last_name", "email", "building", "roles"]
ROLE_WORDS = {
    "educator": "is_educator",
    "teacher": "is_educator",
    "reviewer": "is_reviewer",
    "admin": "is_district_admin",
    "district admin": "is_district_admin",
    "district_admin": "is_district_admin",
}
ROLE_FIELDS = ("is_educator", "is_reviewer", "is_district_admin")
INVITED = "person.invited"


class RosterError(Exception):
    """The file itself cannot be read: nothing of it is written. The message is for the admin."""


class PeopleError(Exception):
    """A change the rules refuse; the message is for the admin."""


# --- Invitations --------------------------------------------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token, never interchangeable with one, and narrower:

    - bound to the person as they were invited: their password (none yet), last sign-in (none
      yet), e-mail address, district, active flag, second factors and latest invitation. Setting
      the password, signing in, a new invitation or any of those changes voids the link, so it
      works once and only for the person the admin invited;
    - short-lived: ``INVITATION_TIMEOUT`` seconds (two days unless configured).
    """

    # The salt of the module's former name: links already sent stay valid.
    key_salt = "accounts.people_services.InvitationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        from allauth.mfa.models import Authenticator

        invited = (
            AuditEvent.objects.filter(
                target_type="accounts.user", target_id=user.pk, action=INVITED
            )
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
        factors = sorted(Authenticator.objects.filter(user=user).values_list("pk", flat=True))
        return (
            f"{super()._make_hash_value(user, timestamp)}|{user.district_id}|{user.is_active}"
            f"|{invited}|{factors}"
        )

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= settings.INVITATION_TIMEOUT


invitation_tokens = InvitationTokenGenerator()


def invitation_url(person: User) -> str:
    path = reverse(
        "people:invitation_accept",
        kwargs={"uidb36": int_to_base36(person.pk), "token": invitation_tokens.make_token(person)},
    )
    return f"{settings.SITE_URL}{path}"


def invitation_person(*, uidb36: str, token: str) -> User | None:
    """The person an invitation link is for, or None if it is wrong, used, expired, or the
    person has signed in since (an invitation never replaces a password a person chose)."""
    try:
        pk = base36_to_int(uidb36)
    except ValueError:
        return None
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None or not person.awaits_invitation:
        return None
    if not invitation_tokens.check_token(person, token):
        return None
    return person


def invitation_send(*, person: User, actor: User | None) -> None:
    """E-mail ``person`` a link to set their password (a new link each time: resend).
    ``actor``: an admin of their district or of its state; None only for the operator at the
    command line (``manage.py create_district``).

    Only for someone who has never signed in: the link sets a password and signs in, so for
    anyone else it would let whoever reads their mail past their password and second factor.
    People who forgot their password reset it from the sign-in page instead."""
    if person.district is None or (actor is not None and not actor.administers(person.district)):
        raise PeopleError("This person belongs to another district.")
    if not person.is_active:
        raise PeopleError("Reactivate this person before inviting them.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.awaits_invitation:
            raise PeopleError(
                f"{person.display_name} has already signed in, so no invitation was sent. If "
                "they forgot their password, they can reset it from the sign-in page (their "
                "two-factor sign-in still applies)."
            )
        audit_record(actor=actor, action=INVITED, target=person, district=person.district)
        link = invitation_url(person)
        district_name = person.district.name
        inviter = actor.display_name if actor is not None else "The microcreds team"
        hours = settings.INVITATION_TIMEOUT // 3600
        text = (
            f"Hello {person.first_name or person.email},\n\n"
            f"{inviter} invited you to {district_name}'s micro-credential program "
            f"on microcreds.\n\nSet your password and sign in here:\n{link}\n\n"
            f"The link works once and for {hours} hours. "
            "If it has expired, ask your district admin to send a new invitation.\n"
        )
        mail_enqueue(
            to=[person.email],
            subject=f"Your invitation to {district_name}'s micro-credentials",
            text=text,
        )


@transaction.atomic
def invitation_accept(*, person: User, password: str) -> User:
    """Set the invited person's password; the link proved their e-mail address."""
    from allauth.account.models import EmailAddress

    person.set_password(password)
    person.save(update_fields=["password"])
    EmailAddress.objects.filter(user=person, email__iexact=person.email).update(verified=True)
    audit_record(actor=person, action="person.invitation_accepted", target=person)
    return person


# --- People -------------------------------------------------------------------------------------


def _roles(**flags: bool) -> dict[str, bool]:
    roles = {name: bool(flags.get(name)) for name in ROLE_FIELDS}
    if not any(roles.values()):
        raise PeopleError("Give the person at least one role.")
    return roles


def _address_taken_elsewhere(*, email: str, district: District) -> None:
    """An admin of ``district`` asked to add an address another district's person has: nothing
    is created, the admin is told exactly what a new address would tell them (so nothing about
    the other district reaches them), and the address's owner is told, who can sort it out:
    once a day at most for the same district, since a roster sync sends the same rows night
    after night."""
    subject = f"{district.name} tried to add you to its micro-credentials"
    told_lately = Mail.objects.filter(
        to=[email], subject=subject[:300], created_at__gte=timezone.now() - timedelta(days=1)
    )
    if told_lately.exists():
        return
    mail_enqueue(
        to=[email],
        subject=subject,
        text=(
            f"Hello,\n\n{district.name} tried to add {email} to its micro-credential program on "
            "microcreds, but this address already has an account there with another district, "
            "so nothing was changed.\n\nIf you are joining "
            f"{district.name}, ask its district admin to add you with another address, or ask "
            "your current district admin to move your account.\n"
        ),
    )


def invitation_sent_message(email: str) -> str:
    """What a district admin (on the page or through the API) is told after asking to add
    ``email``: the same words whether a person was invited or the address was another
    district's (``person_invite`` returned None), so nothing about other districts leaks."""
    return f"An invitation was sent to {email.strip().lower()}."


def person_invite(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    building: Building | None,
    is_educator: bool = False,
    is_reviewer: bool = False,
    is_district_admin: bool = False,
) -> User | None:
    """Add a person to the actor's district and e-mail them their invitation. Returns the person,
    or None when the address belongs to another district's person (see
    ``_address_taken_elsewhere``: the admin is answered as for a new address)."""
    district = actor.district
    roles = _roles(
        is_educator=is_educator, is_reviewer=is_reviewer, is_district_admin=is_district_admin
    )
    email = email.strip().lower()
    existing = address_owner(email)
    if existing is not None and existing.district_id == district.pk:
        raise PeopleError(f"{existing.display_name} already has this address in your district.")
    with transaction.atomic():
        if existing is not None:
            _address_taken_elsewhere(email=email, district=district)
            return None
        person = user_create(
            district=district,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            building=building,
            **roles,
        )
        audit_record(actor=actor, action="person.created", target=person, detail={"email": email})
        invitation_send(person=person, actor=actor)
    return person


def own_admin_role_problem(*, person_id: int | None, actor: User, roles: dict) -> str:
    """Why ``roles`` may not be given to person ``person_id`` by ``actor``; empty if they may.
    A district admin does not take away their own admin role, however they edit people (the
    person form, a roster file): the district could be left with no admin to give it back."""
    if person_id == actor.pk and not roles.get("is_district_admin"):
        return "You cannot remove your own district admin role."
    return ""


@transaction.atomic
def person_update(
    *,
    person: User,
    actor: User,
    first_name: str,
    last_name: str,
    building: Building | None,
    is_educator: bool,
    is_reviewer: bool,
    is_district_admin: bool,
    license_number: str | None = None,
) -> User:
    """Change a person of the actor's district: name, building, roles and (not None) their
    state educator license number."""
    if person.district_id != actor.district_id:
        raise PeopleError("This person belongs to another district.")
    if building is not None and building.district_id != actor.district_id:
        raise PeopleError("The building belongs to another district.")
    roles = _roles(
        is_educator=is_educator, is_reviewer=is_reviewer, is_district_admin=is_district_admin
    )
    problem = own_admin_role_problem(person_id=person.pk, actor=actor, roles=roles)
    if problem:
        raise PeopleError(problem)
    values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "building_id": building.pk if building else None,
        **roles,
    }
    changed = {k: v for k, v in values.items() if getattr(person, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(person, name, value)
        person.save(update_fields=[k.removesuffix("_id") for k in changed])
        membership_roles_sync(person=person)
        audit_record(
            actor=actor,
            action="person.updated",
            target=person,
            detail={k: str(v) for k, v in changed.items()},
        )
    if license_number is not None:
        try:
            person = license_number_set(person=person, number=license_number, actor=actor)
        except LicenseError as exc:
            raise PeopleError(str(exc)) from None
    return person


def person_set_active(*, person: User, actor: User, active: bool) -> User:
    """Deactivate (``person_deactivate``) or reactivate a person. Their plans, records and
    awards stay."""
    if not active:
        return person_deactivate(person=person, actor=actor).person
    if person.district_id != actor.district_id:
        raise PeopleError("This person belongs to another district.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return person
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="person.reactivated",
            target=person,
            from_status="inactive",
            to_status="active",
        )
    return person


@dataclass(frozen=True)
class Deactivation:
    person: User
    # What became of the reviews that waited for them (none: they were already inactive).
    reviews: HandBack


def person_deactivate(*, person: User, actor: User) -> Deactivation:
    """Deactivate a person: they can no longer sign in, and every session of theirs ends. Their
    plans, records and awards stay; the reviews waiting for them are handed on in the same
    transaction (``reviews.services.reviews_hand_back``), so none waits for someone who
    cannot sign in."""
    if person.district_id != actor.district_id:
        raise PeopleError("This person belongs to another district.")
    if person.pk == actor.pk:
        raise PeopleError("You cannot deactivate yourself.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return Deactivation(person=person, reviews=HandBack())
        person.is_active = False
        # Their sessions end with it: reactivated later, they sign in again, not an old browser
        # that was left signed in (accounts.models.User.session_generation).
        person.session_generation += 1
        person.save(update_fields=["is_active", "session_generation"])
        audit_record(
            actor=actor,
            action="person.deactivated",
            target=person,
            from_status="active",
            to_status="inactive",
        )
        handed_back = reviews_hand_back(reviewer=person, actor=actor)
    return Deactivation(person=person, reviews=handed_back)


def last_invited_subquery():
    from django.db.models import OuterRef, Subquery

    return Subquery(
        AuditEvent.objects.filter(
            target_type="accounts.user", target_id=OuterRef("pk"), action=INVITED
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )


# --- Roster import ------------------------------------------------------------------------------

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
RESULT_LABELS = {NEW: "New", UPDATED: "Updated", UNCHANGED: "Unchanged", ERROR: "Error"}


@dataclass
class RosterRow:
    line: int
    first_name: str
    last_name: str
    email: str
    building: str
    roles_text: str
    result: str = NEW
    # Every reason the row cannot be imported, not only the first: the admin fixes them at once.
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    roles: dict[str, bool] = field(default_factory=dict)
    building_id: int | None = None
    person_id: int | None = None
    # The address is another district's person's: the row reads as new (see _check_row).
    taken_elsewhere: bool = False

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]

    @property
    def refused(self) -> bool:
        """Not imported: the row has an error."""
        return self.result == ERROR


@dataclass
class RosterPreview:
    rows: list[RosterRow]

    def count(self, result: str) -> int:
        return sum(1 for r in self.rows if r.result == result)

    @property
    def counts(self) -> dict[str, int]:
        return {key: self.count(key) for key in RESULT_LABELS}

    @property
    def has_errors(self) -> bool:
        return any(r.refused for r in self.rows)

    @property
    def changes(self) -> int:
        return self.count(NEW) + self.count(UPDATED)


def roster_decode(content: bytes) -> str:
    """The file as text, or RosterError with what is wrong with it."""
    if len(content) > ROSTER_MAX_BYTES:
        raise RosterError(
            f"The file is too large ({len(content) // 1024} KB). The limit is "
            f"{ROSTER_MAX_BYTES // 1024} KB; split the roster into several files."
        )
    if not content.strip():
        raise RosterError("The file is empty.")
    if b"\x00" in content:
        raise RosterError("This is not a CSV text file. Save the roster as CSV (UTF-8).")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."
        ) from exc


def roster_preview(*, district: District, text: str, actor: User | None = None) -> RosterPreview:
    """Every row's result: new, updated, unchanged or error with the reason. Writes nothing."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if header is None:
            raise RosterError("The file is empty.")
        columns = [h.strip().lower().replace(" ", "_").replace("-", "") for h in header]
        columns = ["email" if c in ("email", "e_mail", "email_address") else c for c in columns]
        missing = [c for c in ROSTER_COLUMNS if c not in columns]
        if missing:
            raise RosterError(
                "The first line must name the columns "
                f"{', '.join(ROSTER_COLUMNS)}; missing: {', '.join(missing)}. "
                "Download the example file to see the layout."
            )
        index = {c: columns.index(c) for c in ROSTER_COLUMNS}
        raw_rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(raw_rows) >= ROSTER_MAX_ROWS:
                raise RosterError(
                    f"The file has more than {ROSTER_MAX_ROWS} people; split it into several files."
                )
            raw_rows.append((reader.line_num, record))
    except csv.Error as exc:
        raise RosterError(f"The file is not valid CSV: {exc}.") from exc
    if not raw_rows:
        raise RosterError("The file has a header but no people.")

    buildings = {
        name.lower(): pk
        for pk, name in Building.objects.filter(district=district).values_list("pk", "name")
    }
    rows: list[RosterRow] = []
    for line, record in raw_rows:
        cells = record + [""] * (len(columns) - len(record))
        rows.append(
            RosterRow(
                line=line,
                first_name=cells[index["first_name"]].strip(),
                last_name=cells[index["last_name"]].strip(),
                email=cells[index["email"]].strip().lower(),
                building=cells[index["building"]].strip(),
                roles_text=cells[index["roles"]].strip(),
            )
        )
    existing = address_owners(r.email for r in rows if r.email)
    seen: set[str] = set()
    for row in rows:
        _check_row(row, district=district, buildings=buildings, existing=existing, seen=seen)
        if actor is not None and row.result != ERROR:
            problem = own_admin_role_problem(person_id=row.person_id, actor=actor, roles=row.roles)
            if problem:
                row.reasons.append(f"{problem} Keep “admin” among your roles.")
                row.result = ERROR
    return RosterPreview(rows=rows)


def _check_row(row: RosterRow, *, district, buildings, existing, seen) -> None:
    reasons = row.reasons
    email_valid = False
    if not row.email:
        reasons.append("The e-mail address is missing.")
    else:
        try:
            validate_email(row.email)
            email_valid = True
        except ValidationError:
            reasons.append(f"“{row.email}” is not a valid e-mail address.")
    if email_valid:
        if row.email in seen:
            reasons.append("This e-mail address appears more than once in the file.")
        seen.add(row.email)
    if not row.first_name and not row.last_name:
        reasons.append("The name is missing.")
    if len(row.first_name) > 150 or len(row.last_name) > 150:
        reasons.append("The name is longer than 150 characters.")
    words = [w.strip().lower() for w in row.roles_text.replace("|", ";").split(";") if w.strip()]
    unknown = [w for w in words if w not in ROLE_WORDS]
    if unknown:
        named = ", ".join(f"“{w}”" for w in unknown)
        reasons.append(
            f"Unknown role{'s' if len(unknown) > 1 else ''} {named}: use educator, reviewer or "
            "admin, separated by “;”."
        )
    elif not words:
        reasons.append("Give at least one role: educator, reviewer or admin.")
    if row.building:
        row.building_id = buildings.get(row.building.lower())
        if row.building_id is None:
            reasons.append(f"There is no building “{row.building}”; add it under Buildings first.")
    if reasons:
        row.result = ERROR
        return None
    row.roles = {name: False for name in ROLE_FIELDS}
    for word in words:
        row.roles[ROLE_WORDS[word]] = True
    person = existing.get(row.email)
    if person is None:
        row.result = NEW
        return None
    if person.district_id != district.pk:
        # Nothing of another district may show here: the row reads as a new person, and
        # importing it tells the address's owner instead of creating anyone.
        row.result, row.taken_elsewhere = NEW, True
        return None
    row.person_id = person.pk
    values = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "building_id": row.building_id,
        **row.roles,
    }
    labels = {
        "first_name": "first name",
        "last_name": "last name",
        "building_id": "building",
        "is_educator": "educator role",
        "is_reviewer": "reviewer role",
        "is_district_admin": "admin role",
    }
    row.changes = [labels[k] for k, v in values.items() if getattr(person, k) != v]
    row.result = UPDATED if row.changes else UNCHANGED
    return None


def roster_import(
    *, actor: User, text: str, only_valid: bool = False, invite_new: bool = True
) -> RosterPreview:
    """Write the roster. With errors, nothing is written unless ``only_valid`` is chosen."""
    district = actor.district
    preview = roster_preview(district=district, text=text, actor=actor)
    if preview.has_errors and not only_valid:
        raise PeopleError(
            "The file has rows with errors, so nothing was imported. Fix them, or choose to "
            "import only the valid rows."
        )
    with transaction.atomic():
        people = {
            u.pk: u
            for u in User.objects.select_for_update().filter(
                pk__in=[r.person_id for r in preview.rows if r.person_id]
            )
        }
        for row in preview.rows:
            if row.result == NEW and row.taken_elsewhere:
                _address_taken_elsewhere(email=row.email, district=district)
            elif row.result == NEW:
                person = user_create(
                    district=district,
                    email=row.email,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    building=Building(pk=row.building_id, district_id=district.pk)
                    if row.building_id
                    else None,
                    **row.roles,
                )
                audit_record(
                    actor=actor,
                    action="person.imported",
                    target=person,
                    detail={"line": row.line},
                )
                if invite_new:
                    invitation_send(person=person, actor=actor)
            elif row.result == UPDATED:
                person = people[row.person_id]
                if person.district_id != district.pk:
                    raise PeopleError("A person of the file moved to another district; try again.")
                person.first_name, person.last_name = row.first_name, row.last_name
                person.building_id = row.building_id
                for name, value in row.roles.items():
                    setattr(person, name, value)
                person.save(update_fields=["first_name", "last_name", "building", *ROLE_FIELDS])
                membership_roles_sync(person=person)
                audit_record(
                    actor=actor,
                    action="person.updated",
                    target=person,
                    detail={"import_line": row.line, "changed": row.changes},
                )
        audit_record(
            actor=actor,
            action="roster.imported",
            target=district,
            district=district,
            detail={**preview.counts, "only_valid": only_valid},
        )
    return preview


def roster_example(*, district: District) -> str:
    """The example roster offered for download: three people in ``district``'s own buildings
    (none if it has no buildings yet), so the file shows the layout and imports as it is."""
    names = list(
        Building.objects.filter(district_id=district.pk)
        .order_by("name")
        .values_list("name", flat=True)[:2]
    )
    first, second = (names[0], names[-1]) if names else ("", "")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    writer.writerow(["Elena", "Martinez", "elena.martinez@example.org", first, "educator"])
    writer.writerow(["Ray", "Okafor", "ray.okafor@example.org", second, "educator; reviewer"])
    writer.writerow(["Ada", "Whitfield", "ada.whitfield@example.org", "", "admin"])
    return out.getvalue()


# --- Buildings and goals ------------------------------------------------------------------------


@transaction.atomic
def building_save(*, building: Building | None, name: str, actor: User) -> Building:
    """Add a building to the actor's district (``building`` None), or rename ``building``."""
    if building is None:
        building = Building(district=actor.district)
    if building.district_id != actor.district_id:
        raise PeopleError("This building belongs to another district.")
    name = name.strip()
    clash = Building.objects.filter(district_id=actor.district_id, name__iexact=name)
    if clash.exclude(pk=building.pk).exists():
        raise PeopleError("Another building has this name.")
    action = "building.updated" if building.pk else "building.created"
    building.name = name
    building.save()
    audit_record(actor=actor, action=action, target=building, detail={"name": building.name})
    return building


@transaction.atomic
def building_delete(*, building: Building, actor: User) -> None:
    """Delete a building; its people stay, without a building."""
    if building.district_id != actor.district_id:
        raise PeopleError("This building belongs to another district.")
    audit_record(
        actor=actor, action="building.deleted", target=building, detail={"name": building.name}
    )
    building.delete()


@transaction.atomic
def goal_save(
    *,
    goal: DistrictGoal | None,
    title: str,
    description: str,
    position: int,
    active: bool,
    actor: User,
) -> DistrictGoal:
    """Add a goal to the actor's district (``goal`` None), or change ``goal``."""
    if goal is None:
        goal = DistrictGoal(district=actor.district)
    if goal.district_id != actor.district_id:
        raise PeopleError("This goal belongs to another district.")
    action = "goal.updated" if goal.pk else "goal.created"
    goal.title = title
    goal.description = description
    goal.position = position
    goal.active = active
    goal.save()
    audit_record(
        actor=actor,
        action=action,
        target=goal,
        detail={"title": goal.title, "active": goal.active},
    )
    return goal


# --- Moving to another district of the state ----------------------------------------------------

MOVE_INVITED = "person.move_invited"
MOVED = "person.moved"
MOVE_INVITATION_DAYS = 14


def move_invite_sent_message(*, district: District, by_license: bool) -> str:
    """What the admin is told after a move invitation, whoever the address or number is (or is
    not): nothing about another district or state reaches them."""
    what = "license number" if by_license else "e-mail address"
    return (
        f"If an educator of another district of {district.state.name} has this {what}, they "
        f"were e-mailed an invitation to move to {district.name}. They appear in your people "
        "list once they accept."
    )


def _person_in_state(*, state_id: int, email: str, license_number: str) -> User | None:
    """The active person of a district of the state with this verified address (any of theirs)
    or license number; None for anyone else."""
    from allauth.account.models import EmailAddress

    people = User.objects.filter(is_active=True, district__state_id=state_id)
    if license_number:
        return people.filter(
            license_state_id=state_id, license_number__iexact=license_number.strip()
        ).first()
    owners = EmailAddress.objects.filter(email__iexact=email.strip(), verified=True).values(
        "user_id"
    )
    return people.filter(pk__in=owners).first()


def move_invite(
    *, actor: User, roles: list[str], email: str = "", license_number: str = ""
) -> MoveInvitation | None:
    """An admin of a district of a state invites an educator of another district of the same
    state, found by a verified e-mail address or license number, to move to theirs. Returns the
    invitation, or None when nobody of the state matches (the admin is answered alike:
    ``move_invite_sent_message``)."""
    district = actor.district
    if district is None or not actor.administers(district) or actor.district_id != district.pk:
        raise PermissionDenied("Only an admin of this district can invite people to move here.")
    if district.state_id is None:
        raise PeopleError(
            "Your district belongs to no state on microcreds: people move only between the "
            "districts of a state."
        )
    if bool(email.strip()) == bool(license_number.strip()):
        raise PeopleError("Give an e-mail address or a license number (one of them).")
    roles = [role for role in DISTRICT_ROLES if role in roles]
    if not roles:
        raise PeopleError("Give the person at least one role.")
    person = _person_in_state(
        state_id=district.state_id, email=email, license_number=license_number
    )
    if person is not None and person.district_id == district.pk:
        raise PeopleError(f"{person.display_name} is already in your district.")
    if person is None:
        return None
    with transaction.atomic():
        invitation = MoveInvitation.objects.create(
            district=district,
            person=person,
            roles=roles,
            token=secrets.token_urlsafe(32),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=MOVE_INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            action=MOVE_INVITED,
            target=invitation,
            district=district,
            detail={"roles": roles},
        )
        path = reverse("people:move_accept", kwargs={"token": invitation.token})
        mail_enqueue(
            to=[person.email],
            subject=f"{district.name} invites you to move your micro-credentials account",
            text=(
                f"Hello {person.first_name or person.email},\n\n"
                f"{actor.display_name} invited you to join {district.name} on microcreds. "
                "When you accept, your account moves there: your certificates, badges and "
                "portfolio stay yours, and your earlier district keeps its records of your "
                "plans.\n\n"
                f"Sign in and accept here:\n{settings.SITE_URL}{path}\n\n"
                f"The invitation is valid for {MOVE_INVITATION_DAYS} days. If you are not "
                "moving, ignore this message.\n"
            ),
        )
    return invitation


def move_invitation_for(*, person: User, token: str) -> MoveInvitation | None:
    """The open invitation of ``token`` addressed to ``person`` (anyone else's: None)."""
    return (
        MoveInvitation.objects.filter(token=token, person_id=person.pk, accepted_at__isnull=True)
        .select_related("district", "district__state", "invited_by")
        .first()
    )


def person_move(*, invitation: MoveInvitation, actor: User) -> Membership:
    """The invited person accepts: their membership of their district ends today, the next
    starts in the inviting district with the invited roles, and ``User.district`` follows.
    Everything they made stays with the district it was made in; their plans not finished
    there are closed (``submissions.services.submission_close_on_move``)."""
    if actor.pk != invitation.person_id:
        raise PermissionDenied("This invitation is for someone else.")
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        invitation = MoveInvitation.objects.select_for_update().get(pk=invitation.pk)
        person = (
            User.objects.select_for_update(of=("self",)).select_related("district").get(pk=actor.pk)
        )
        destination = District.objects.get(pk=invitation.district_id)
        origin = person.district
        if invitation.accepted_at is not None:
            raise PeopleError("You have already accepted this invitation.")
        if invitation.expires_at <= now:
            raise PeopleError(
                f"This invitation has expired. Ask {destination.name}'s admin for a new one."
            )
        if origin is None or origin.pk == destination.pk:
            raise PeopleError(f"You are already in {destination.name}.")
        if destination.state_id is None or origin.state_id != destination.state_id:
            raise PeopleError("You can move only to another district of your state.")
        if destination.is_suspended:
            raise PeopleError(f"{destination.name} is suspended on microcreds for now.")
        current = (
            Membership.objects.select_for_update()
            .filter(user_id=person.pk, ended_on__isnull=True)
            .first()
        )
        if current is None:
            # A person made before memberships existed, whose migration row is missing: theirs
            # started the day they joined, in the site's time zone (as ``today``), not UTC's
            # (an evening sign-up in Chicago is the next day in UTC, after ``today``).
            current = Membership(
                user=person,
                district=origin,
                started_on=min(timezone.localdate(person.date_joined), today),
            )
        current.roles = district_roles_of(person)
        current.ended_on = today
        current.save()
        membership = Membership.objects.create(
            user=person, district=destination, roles=invitation.roles, started_on=today
        )
        flags = role_flags(invitation.roles)
        for name, value in flags.items():
            setattr(person, name, value)
        person.district = destination
        person.building = None
        person.save(update_fields=["district", "building", *flags])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        # Plans under way stay with the district they were made in, closed there; the person
        # reads them from here and may start each again in their new district.
        unfinished = Submission.objects.filter(
            educator_id=person.pk, district_id=origin.pk
        ).exclude(status__in=list(FINAL_STATUSES))
        for submission_id in unfinished.values_list("pk", flat=True):
            submission_close_on_move(submission_id=submission_id, actor=person)
        for district in (origin, destination):
            audit_record(
                actor=actor,
                action=MOVED,
                target=person,
                district=district,
                from_status=origin.slug,
                to_status=destination.slug,
                detail={"membership": membership.pk, "invitation": invitation.pk},
            )
        # Receivers write in this transaction (the webhooks app records ``person.moved``).
        person_moved.send(
            sender=User, person=person, from_district=origin, to_district=destination, at=now
        )
        # Recorded in this transaction; the outbox delivers it once the move is committed.
        _move_confirmation_send(
            person_id=person.pk, origin_name=origin.name, destination_name=destination.name
        )
    return membership


def _move_confirmation_send(*, person_id: int, origin_name: str, destination_name: str) -> None:
    person = User.objects.get(pk=person_id)
    mail_enqueue(
        to=[person.email],
        subject=f"You have moved to {destination_name} on microcreds",
        text=(
            f"Hello {person.first_name or person.email},\n\n"
            f"Your account now belongs to {destination_name}. Your certificates, badges and "
            f"portfolio are still yours and still verifiable; {origin_name} keeps its records "
            "of your plans and evidence. Your re-licensure progress counts the awards of both.\n"
        ),
    )
