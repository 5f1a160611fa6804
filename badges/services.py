"""Writes of the badges app: issuing an award, revoking it, an educator's portfolio settings,
giving and withdrawing an endorsement."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import District, Role, State, User
from accounts.services import audit_record
from notifications.models import Notification, notice_reaches
from notifications.services import notify
from outbox.services import mail_enqueue, outbox_enqueue
from submissions import services as submission_services
from submissions.models import Submission
from submissions.selectors import CLOSED_STATUSES

from . import certificates, images, keys, open_badges, selectors
from .models import (
    ISSUANCE_LONG_WAIT,
    ISSUANCE_RETRY_AFTER,
    RENEWAL_OPENS_BEFORE,
    RENEWAL_REMINDER_DAYS,
    STATUS_LIST_SIZE,
    Award,
    Endorsement,
    IssuanceRecovery,
    Portfolio,
    PublicEvidence,
    RenewalReminder,
    StatusList,
)
from .signals import award_issued, award_revoked


class AwardNotIssuable(Exception):
    """The submission is not earned, so there is nothing to issue."""


class AwardError(Exception):
    """A request about an award that cannot be done; the message is for the user."""


# --- Status list ------------------------------------------------------------------------------


def _endorsements_given(issuer: keys.Issuer):
    if isinstance(issuer, State):
        return Endorsement.objects.filter(endorser_state=issuer)
    return Endorsement.objects.filter(endorser_district=issuer)


def _revoked_indexes(issuer: keys.Issuer) -> set[int]:
    """The positions marked in the issuer's list: its revoked awards (a district's) and the
    endorsements it withdrew."""
    withdrawn = _endorsements_given(issuer).filter(withdrawn_at__isnull=False)
    indexes = set(withdrawn.values_list("status_list_index", flat=True))
    if isinstance(issuer, District):
        indexes |= set(
            Award.objects.filter(district=issuer, revoked_at__isnull=False).values_list(
                "status_list_index", flat=True
            )
        )
    return indexes


def _free_status_index(issuer: keys.Issuer) -> int:
    """A random unused position: neighbours in the list say nothing about each other.

    Call with the issuer's status list locked."""
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        taken = _endorsements_given(issuer).filter(status_list_index=index).exists() or (
            isinstance(issuer, District)
            and Award.objects.filter(district=issuer, status_list_index=index).exists()
        )
        if not taken:
            return index


def status_list_locked(issuer: keys.Issuer) -> StatusList:
    """The status list of a district (or a state office), row-locked; created and signed on
    first use.

    Call inside a transaction."""
    owner = {"state": issuer} if isinstance(issuer, State) else {"district": issuer}
    status_list, created = StatusList.objects.select_for_update().get_or_create(**owner)
    if created or not status_list.credential:
        status_list_resign(status_list)
    return status_list


def status_list_resign(status_list: StatusList) -> None:
    """Sign the list again from what its issuer revoked (after a revocation or withdrawal)."""
    issuer = status_list.issuer
    status_list.credential = open_badges.status_list_credential(
        issuer, _revoked_indexes(issuer), now=timezone.now()
    )
    status_list.save(update_fields=["credential", "updated_at"])


# --- Issuance ---------------------------------------------------------------------------------


def _award_record(submission_id: int) -> Award:
    """Create the award row and its signed credential once; later calls return the same row."""
    with transaction.atomic():
        # Lock the submission row only ("self"): a plain FOR UPDATE would also lock the joined
        # district, educator, plan and micro-credential rows, so every award of a district
        # would wait for the one being issued.
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("district", "educator", "plan__microcredential__rubric")
            .get(pk=submission_id)
        )
        existing = Award.objects.filter(submission_id=submission.pk).first()
        if existing is not None:
            return existing
        if submission.status != Submission.Status.EARNED:
            raise AwardNotIssuable(f"Submission {submission.pk} is not earned.")
        district = submission.district
        microcredential = submission.plan.microcredential
        status_list = status_list_locked(district)
        if status_list.allocated >= STATUS_LIST_SIZE:
            raise AwardError(f"The status list of {district.name} is full.")
        index = _free_status_index(district)
        status_list.allocated += 1
        status_list.save(update_fields=["allocated", "updated_at"])
        issued_at = (submission.decided_at or timezone.now()).replace(microsecond=0)
        expires_at = None
        if microcredential.valid_for_days:
            expires_at = issued_at + timedelta(days=microcredential.valid_for_days)
        award = Award(
            district=district,
            submission=submission,
            educator=submission.educator,
            microcredential=microcredential,
            issued_at=issued_at,
            expires_at=expires_at,
            status_list_index=index,
            recipient_salt=secrets.token_hex(16),
            # A renewal names the award it renews (the credential says so too).
            renews=Award.objects.filter(submission_id=submission.renews_id).first()
            if submission.renews_id
            else None,
        )
        # Signed before the row is written (its uuid is made with the instance), so the
        # award is inserted once, credential included.
        award.credential = open_badges.sign_for_district(
            district, open_badges.open_badge_credential(award), created=issued_at
        )
        award.save(force_insert=True)
        audit_record(
            actor=None,
            action="award.created",
            target=award,
            district=district,
            to_status=award.state,
            detail={"submission": submission.pk, "renews": award.renews_id},
        )
    return award


def _store_once(key: str, content: bytes) -> str:
    """Write ``content`` at exactly ``key`` unless it is already there (safe to run twice)."""
    if not default_storage.exists(key):
        saved = default_storage.save(key, ContentFile(content))
        if saved != key:
            raise RuntimeError(f"Storage wrote {saved} instead of {key}.")
    return key


def _award_files(award: Award) -> list[str]:
    """Render and store the certificate and the baked badges; returns the fields it set."""
    import json

    changed = []
    if not award.certificate_key:
        award.certificate_key = _store_once(
            award.storage_key("certificate.pdf"), certificates.certificate_pdf(award)
        )
        changed.append("certificate_key")
    if not award.badge_png_key:
        payload = json.dumps(award.credential, ensure_ascii=False)
        award.badge_png_key = _store_once(
            award.storage_key("badge.png"),
            images.baked_png(
                images.badge_png(award.microcredential),
                keyword="openbadgecredential",
                payload=payload,
            ),
        )
        changed.append("badge_png_key")
    if not award.badge_svg_key:
        award.badge_svg_key = _store_once(
            award.storage_key("badge.svg"),
            images.baked_svg(award.microcredential, award.credential).encode(),
        )
        changed.append("badge_svg_key")
    if not award.ob2_png_key:
        assertion = json.dumps(open_badges.ob2_assertion(award), ensure_ascii=False)
        award.ob2_png_key = _store_once(
            award.storage_key("badge-ob2.png"),
            images.baked_png(
                images.badge_png(award.microcredential), keyword="openbadges", payload=assertion
            ),
        )
        changed.append("ob2_png_key")
    return changed


def _award_notice(award: Award) -> None:
    """Tell the educator their award is issued: in the app and by e-mail, even once they are
    deactivated (``notifications.models.REACHES_THE_DEACTIVATED``: the credential stays
    theirs)."""
    verify_url = open_badges.absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    title = award.microcredential.title
    notify(
        recipient=award.educator,
        kind=Notification.Kind.AWARD_ISSUED,
        title=f"Your certificate and badge for “{title}” are ready",
        body=(
            f"You have earned the micro-credential “{title}” from {award.district.name}. "
            "Your certificate (PDF) and your verifiable badge are in your portfolio.\n\n"
            f"Anyone can check it at:\n{verify_url}"
        ),
        url=reverse("badges:portfolio"),
        event_key=f"award-issued:{award.pk}",
    )


def award_issue_for_submission(*, submission_id: int) -> Award:
    """Issue the award of an earned submission: one row, one set of files, one e-mail.

    Every step checks what is already done, so a task that is redelivered after its worker
    died (or simply runs twice) completes the award instead of making a second one.
    """
    award = _award_record(submission_id)
    if award.state == Award.State.ISSUED:
        return award
    with transaction.atomic():
        # The row lock makes concurrent deliveries of the same task take turns.
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related(
                "district", "educator", "microcredential__district", "microcredential__stack"
            )
            .get(pk=award.pk)
        )
        if award.state == Award.State.ISSUED:
            return award
        changed = _award_files(award)
        award.state = Award.State.ISSUED
        changed.append("state")
        if award.emailed_at is None:
            award.emailed_at = timezone.now()
            changed.append("emailed_at")
            _award_notice(award)
        award.save(update_fields=changed)
        audit_record(
            actor=None,
            action="award.issued",
            target=award,
            district=award.district,
            from_status=Award.State.PREPARING,
            to_status=Award.State.ISSUED,
        )
        award_issued.send(sender=Award, award=award)
    return award


# --- Recovery of stuck issuance ---------------------------------------------------------------

# Submissions handed back per sweep, oldest first; the next sweep takes the rest.
RECOVERY_BATCH = 200


def _hand_to_issuance(submission_id: int) -> None:
    """Queue the issuance of ``submission_id``'s award for after the commit (the outbox)."""
    from .tasks import issue_award

    outbox_enqueue(task=issue_award, args=[submission_id])


def _tell_district_admins(submission: Submission, *, waited: timedelta) -> bool:
    """E-mail the district's admins that a certificate is late; False if it has none."""
    admins = list(
        User.objects.filter(
            district_id=submission.district_id, is_district_admin=True, is_active=True
        ).values_list("email", flat=True)
    )
    if not admins:
        return False
    title = submission.plan.microcredential.title
    educator = submission.educator.display_name
    awards_url = open_badges.absolute(reverse("badges:district_awards"))
    every = int(ISSUANCE_RETRY_AFTER.total_seconds() // 60)
    mail_enqueue(
        to=admins,
        subject=f"A certificate is late: {educator}, “{title}”",
        text=(
            f"{educator} earned “{title}” {int(waited.total_seconds() // 60)} minutes ago, "
            "and their certificate and badge have not been issued yet.\n\n"
            f"Issuance is tried again by itself every {every} minutes. If it keeps failing, "
            "the badge worker, its broker, the file storage or the district's signing key "
            "needs a look. The educator's page says you have been told.\n\n"
            f"Certificates still being prepared: {awards_url}\n"
        ),
    )
    return True


def award_issuance_recover(*, now: datetime | None = None) -> list[int]:
    """Hand issuance back to the worker for every earned submission still without an issued
    award ``ISSUANCE_RETRY_AFTER`` after its decision: its award stuck in preparing (retries
    spent) or never created (the hand-off lost while the broker was down). The task is safe to
    run twice, so a hand-off that meets a task still retrying does no harm. After
    ``ISSUANCE_LONG_WAIT`` the district's admins are told, once. Returns the submission ids."""
    now = now or timezone.now()
    handed = []
    overdue = selectors.issuance_overdue(decided_before=now - ISSUANCE_RETRY_AFTER)
    for submission in overdue[:RECOVERY_BATCH]:
        with transaction.atomic():
            recovery, created = IssuanceRecovery.objects.select_for_update().get_or_create(
                submission=submission, defaults={"requeued_at": now}
            )
            if not created and recovery.requeued_at > now - ISSUANCE_RETRY_AFTER:
                continue
            recovery.requeued_at = now
            recovery.requeues += 1
            recovery.save(update_fields=["requeued_at", "requeues"])
            audit_record(
                actor=None,
                action="award.issuance_requeued",
                target=submission,
                district=submission.district,
                detail={"requeues": recovery.requeues},
            )
            _hand_to_issuance(submission.pk)
            waited = now - submission.decided_at
            if (
                recovery.district_told_at is None
                and waited >= ISSUANCE_LONG_WAIT
                and _tell_district_admins(submission, waited=waited)
            ):
                recovery.district_told_at = now
                recovery.save(update_fields=["district_told_at"])
        handed.append(submission.pk)
    return handed


def award_issuance_retry(*, submission: Submission, actor: User) -> IssuanceRecovery:
    """A district admin hands a late certificate back to issuance now, from the Awards page,
    instead of waiting for the next sweep. Audited; the task it queues is safe to run twice, so
    a retry that meets issuance already under way (or a second click) does no harm."""
    if not actor.has_role(Role.DISTRICT_ADMIN) or actor.district_id != submission.district_id:
        raise PermissionDenied("Only a district admin of this district can retry a certificate.")
    now = timezone.now()
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
        if locked.status != Submission.Status.EARNED:
            raise AwardError("This micro-credential is not earned, so there is no certificate.")
        if Award.objects.filter(submission=locked, state=Award.State.ISSUED).exists():
            raise AwardError("This certificate has been issued already; nothing to retry.")
        recovery, _ = IssuanceRecovery.objects.select_for_update().get_or_create(
            submission=locked, defaults={"requeued_at": now}
        )
        recovery.requeued_at = now
        recovery.requeues += 1
        recovery.save(update_fields=["requeued_at", "requeues"])
        audit_record(
            actor=actor,
            action="award.issuance_retried",
            target=locked,
            district=locked.district,
            detail={"requeues": recovery.requeues},
        )
        # Through the outbox: sent once this commits, and kept while the broker is down.
        _hand_to_issuance(locked.pk)
    return recovery


# --- Revocation -------------------------------------------------------------------------------


def already_revoked_message(award: Award) -> str:
    """What an admin reads who asks to revoke an award someone already revoked."""
    by = award.revoked_by.display_name if award.revoked_by else "an administrator"
    return (
        f"This award was already revoked on {date_format(timezone.localtime(award.revoked_at))} "
        f"by {by}; nothing was changed."
    )


def award_revoke(*, award: Award, reason: str, actor: User) -> Award:
    """Revoke an award (district admin of its district), re-signing the status list."""
    if not actor.has_role(Role.DISTRICT_ADMIN) or actor.district_id != award.district_id:
        raise PermissionDenied("Only a district admin of this district can revoke an award.")
    reason = reason.strip()
    if not reason:
        raise AwardError("Give the reason for revoking; the verification page shows it.")
    with transaction.atomic():
        locked = (
            Award.objects.select_for_update(of=("self",))
            .select_related("educator", "district", "microcredential")
            .get(pk=award.pk)
        )
        if not locked.is_revocable:
            raise AwardError(already_revoked_message(locked))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        status_list_resign(status_list_locked(locked.district))
        audit_record(
            actor=actor,
            action="award.revoked",
            target=locked,
            district=locked.district,
            from_status="valid",
            to_status="revoked",
            detail={"reason": reason},
        )
        award_revoked.send(sender=Award, award=locked)
        _revocation_notice(locked)
    return locked


def _revocation_notice(award: Award) -> None:
    """Tell the educator their award was revoked, and why: in the app and by e-mail, even once
    they are deactivated (the credential stays theirs). The link is its verification page,
    which anyone, signed in or not, can open."""
    title = award.microcredential.title
    notify(
        recipient=award.educator,
        kind=Notification.Kind.AWARD_REVOKED,
        title=f"Your award “{title}” was revoked",
        body=(
            f"{award.district.name} revoked your micro-credential “{title}” on "
            f"{date_format(timezone.localtime(award.revoked_at))}. The reason:\n\n"
            f"{award.revocation_reason}\n\nIts verification page now says it is revoked."
        ),
        url=reverse("badges:verify", kwargs={"award_uuid": award.uuid}),
        event_key=f"award-revoked:{award.pk}",
    )


# --- Renewal ----------------------------------------------------------------------------------


def award_renewal_start(*, award: Award, actor: User) -> tuple[Submission, bool]:
    """The educator starts the renewal of their award (``Award.is_renewable`` says when);
    returns (the renewal's submission, created). A renewal under way is returned as it is."""
    if actor.pk != award.educator_id:
        raise PermissionDenied("Only the educator who holds this award can renew it.")
    with transaction.atomic():
        locked = Award.objects.select_for_update(of=("self",)).get(pk=award.pk)
        under_way = locked.submission.renewals.exclude(status__in=list(CLOSED_STATUSES)).first()
        if under_way is not None:
            return under_way, False
        if not locked.is_renewable:
            raise AwardError(_not_renewable_reason(locked))
        try:
            renewal, created = submission_services.submission_renewal_start(
                earned=locked.submission, actor=actor
            )
        except submission_services.PlanError as error:
            raise AwardError(str(error)) from error
        audit_record(
            actor=actor,
            action="award.renewal_started",
            target=locked,
            district=locked.district,
            detail={"renewal": renewal.pk},
        )
    return renewal, created


def _not_renewable_reason(award: Award) -> str:
    if award.renewal_opens_at is None:
        return "This micro-credential does not expire, so it needs no renewal."
    if award.is_revoked:
        return "This award was revoked; a revoked award cannot be renewed."
    if award.renewal is not None:
        return "This award has been renewed already."
    if award.is_preparing:
        return "This award is still being issued."
    return (
        "Renewal opens on "
        f"{date_format(timezone.localtime(award.renewal_opens_at))}, "
        f"{RENEWAL_OPENS_BEFORE.days} days before the award expires."
    )


def renewal_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each educator 60, 30 and 7 days (``RENEWAL_REMINDER_DAYS``) before an award of
    theirs expires, once each: in the app and by e-mail, with the link to renew it. Only the
    nearest reminder due is sent (an award found 20 days before its date gets the 30-day one,
    not three at once). A ``RenewalReminder`` row per award and day, inserted under its unique
    constraint, makes a re-run (or two runs at once) send nothing twice. Returns how many."""
    now = now or timezone.now()
    sent = 0
    widest = max(RENEWAL_REMINDER_DAYS)
    due = (
        Award.objects.filter(
            state=Award.State.ISSUED,
            revoked_at__isnull=True,
            renewed_by__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=widest),
        )
        .select_related("educator", "microcredential", "district")
        .order_by("expires_at", "pk")
    )
    for award in due:
        # Renewing is a plan in the district, which a deactivated educator cannot start: none is
        # recorded as sent, so one reactivated is reminded at the next run.
        if not notice_reaches(recipient=award.educator, kind=Notification.Kind.RENEWAL_DUE):
            continue
        left = award.expires_at - now
        days = min(d for d in RENEWAL_REMINDER_DAYS if left <= timedelta(days=d))
        if RenewalReminder.objects.filter(award=award, days_before__lte=days).exists():
            continue
        with transaction.atomic():
            _, created = RenewalReminder.objects.get_or_create(
                award=award, days_before=days, defaults={"sent_at": now}
            )
            if not created:
                continue
            title = award.microcredential.title
            expires = date_format(timezone.localtime(award.expires_at))
            notify(
                recipient=award.educator,
                kind=Notification.Kind.RENEWAL_DUE,
                title=f"Renew “{title}” before {expires}",
                body=(
                    f"Your micro-credential “{title}” from {award.district.name} expires on "
                    f"{expires}. You can renew it now. "
                    f"How: {award.microcredential.get_renewal_plan_display()}."
                ),
                url=reverse("badges:renew", kwargs={"award_uuid": award.uuid}),
                event_key=f"renewal-due:{award.pk}:{days}",
            )
            audit_record(
                actor=None,
                action="award.renewal_reminded",
                target=award,
                district=award.district,
                detail={"days_before": days},
            )
        sent += 1
    return sent


# --- Public evidence --------------------------------------------------------------------------

# How many pieces of evidence an educator may put on a badge.
PUBLIC_EVIDENCE_SLOTS = 3


def public_evidence_open(submission: Submission, *, has_award: bool) -> bool:
    """The educator may still choose the badge's public evidence: until the award's credential
    is made and signed (it never changes after), and never on a closed plan."""
    return not has_award and submission.status not in CLOSED_STATUSES


def public_evidence_set(
    *, submission: Submission, entries: list[tuple[str, str]], actor: User
) -> list[PublicEvidence]:
    """Replace the evidence (title, narrative) the educator shows on the badge of
    ``submission``. Refused once the award exists: its credential is signed."""
    if actor.pk != submission.educator_id:
        raise PermissionDenied("Only the educator chooses the evidence shown on their badge.")
    with transaction.atomic():
        # The same row lock issuance takes before it signs: either these entries are in the
        # credential, or the educator is told the badge is issued already.
        locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
        has_award = Award.objects.filter(submission=locked).exists()
        if not public_evidence_open(locked, has_award=has_award):
            raise AwardError(
                "The badge of this plan is issued (or the plan is closed): a signed credential "
                "never changes, so its evidence cannot be changed now."
            )
        PublicEvidence.objects.filter(submission=locked).delete()
        chosen = PublicEvidence.objects.bulk_create(
            PublicEvidence(
                submission=locked, position=position, title=title.strip(), narrative=text.strip()
            )
            for position, (title, text) in enumerate(entries[:PUBLIC_EVIDENCE_SLOTS], start=1)
        )
        audit_record(
            actor=actor,
            action="badge.public_evidence_set",
            target=locked,
            district=locked.district,
            detail={"entries": len(chosen)},
        )
    return chosen


# --- Portfolio --------------------------------------------------------------------------------


def portfolio_update(*, educator: User, published: bool, headline: str, actor: User) -> Portfolio:
    if actor.pk != educator.pk:
        raise PermissionDenied("Only the educator can change their portfolio.")
    portfolio, _ = Portfolio.objects.get_or_create(educator=educator)
    portfolio.published = published
    portfolio.headline = headline.strip()[:200]
    portfolio.save(update_fields=["published", "headline", "updated_at"])
    audit_record(
        actor=actor,
        action="portfolio.published" if published else "portfolio.unpublished",
        target=portfolio,
        district=educator.district,
    )
    return portfolio


# --- Endorsements -----------------------------------------------------------------------------


class EndorsementError(Exception):
    """An endorsement that cannot be given or withdrawn; the message is for the user."""


def endorsement_give(*, microcredential, comment: str, actor: User) -> Endorsement:
    """``actor``'s state office (or district) endorses ``microcredential`` as meeting its rule:
    a signed EndorsementCredential, which awards of the entry issued from now on carry."""
    endorser = selectors.endorser_of(actor)
    if (
        endorser is None
        or not selectors.endorsable_entries(actor).filter(pk=microcredential.pk).exists()
    ):
        raise PermissionDenied("You cannot endorse this micro-credential.")
    comment = comment.strip()
    if not comment:
        raise EndorsementError("Say what the endorsement means: the rule it meets, and why.")
    with transaction.atomic():
        # The endorser's status list lock makes two endorsements of one endorser take turns.
        status_list = status_list_locked(endorser)
        if (
            _endorsements_given(endorser)
            .filter(microcredential=microcredential, withdrawn_at__isnull=True)
            .exists()
        ):
            raise EndorsementError(
                f"{endorser.name} already endorses “{microcredential.title}”. Withdraw that "
                "endorsement first to give another."
            )
        if status_list.allocated >= STATUS_LIST_SIZE:
            raise EndorsementError(f"The status list of {endorser.name} is full.")
        index = _free_status_index(endorser)
        status_list.allocated += 1
        status_list.save(update_fields=["allocated", "updated_at"])
        endorsement = Endorsement(
            microcredential=microcredential,
            comment=comment,
            issued_at=timezone.now().replace(microsecond=0),
            issued_by=actor,
            status_list_index=index,
            **(
                {"endorser_state": endorser}
                if isinstance(endorser, State)
                else {"endorser_district": endorser}
            ),
        )
        endorsement.credential = open_badges.sign_for_district(
            endorser,
            open_badges.endorsement_credential(endorsement),
            created=endorsement.issued_at,
        )
        endorsement.save(force_insert=True)
        audit_record(
            actor=actor,
            action="endorsement.given",
            target=endorsement,
            district=microcredential.district,
            to_status="standing",
            detail={"endorser": endorser.name, "microcredential": microcredential.pk},
        )
    return endorsement


def endorsement_withdraw(*, endorsement: Endorsement, reason: str, actor: User) -> Endorsement:
    """The endorser withdraws its endorsement: marked in its signed status list, so every copy
    (the awards that carry one included) verifies as revoked from now on."""
    if selectors.endorser_of(actor) != endorsement.endorser:
        raise PermissionDenied("Only the endorser can withdraw its endorsement.")
    reason = reason.strip()
    if not reason:
        raise EndorsementError("Give the reason for withdrawing; the endorsement's page shows it.")
    with transaction.atomic():
        locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
        if locked.withdrawn_at is not None:
            raise EndorsementError("This endorsement is already withdrawn.")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        status_list_resign(status_list_locked(locked.endorser))
        audit_record(
            actor=actor,
            action="endorsement.withdrawn",
            target=locked,
            district=locked.microcredential.district,
            from_status="standing",
            to_status="withdrawn",
            detail={"reason": reason},
        )
    return locked
