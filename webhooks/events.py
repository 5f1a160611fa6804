"""What each event says: the Standard Webhooks envelope (``type``, ``timestamp``, ``data``)
and a thin ``data`` of identifiers, statuses and dates; never a plan's text, evidence or the
panel's words."""

from datetime import datetime
from typing import Any

from django.urls import reverse

from accounts.models import User
from badges.models import Award
from badges.open_badges import absolute
from submissions.models import Submission

from .models import EventType

Status = Submission.Status

# The submission moves that are events, and which (``submissions.transitions`` makes them all).
SUBMISSION_EVENTS: dict[str, EventType] = {
    Status.PLAN_SUBMITTED: EventType.PLAN_SUBMITTED,
    Status.PLAN_APPROVED: EventType.PLAN_DECIDED,
    Status.CHANGES_REQUESTED: EventType.PLAN_DECIDED,
    Status.DECLINED: EventType.PLAN_DECIDED,
    Status.EARNED: EventType.SUBMISSION_EARNED,
}


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "email": user.email, "name": user.display_name}


def envelope(*, event_type: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "timestamp": at.isoformat(), "data": data}


def submission_data(submission: Submission, *, from_status: str) -> dict[str, Any]:
    plan = submission.plan
    return {
        "submission": {
            "id": submission.pk,
            "status": submission.status,
            "previous_status": from_status,
            "educator": _person(submission.educator),
            "plan": {"id": plan.pk, "title": plan.title},
            "microcredential": {
                "id": plan.microcredential_id,
                "title": plan.microcredential.title,
            },
            "plan_submitted_at": _moment(submission.plan_submitted_at),
            "plan_decided_at": _moment(submission.plan_decided_at),
            "decided_at": _moment(submission.decided_at),
        }
    }


def award_data(award: Award) -> dict[str, Any]:
    return {
        "award": {
            "id": str(award.uuid),
            "submission_id": award.submission_id,
            "educator": _person(award.educator),
            "microcredential": {
                "id": award.microcredential_id,
                "title": award.microcredential.title,
            },
            "issued_at": _moment(award.issued_at),
            "expires_at": _moment(award.expires_at),
            "revoked_at": _moment(award.revoked_at),
            "revocation_reason": award.revocation_reason,
            # A renewal names the award it renews (that award stays valid until its date).
            "renews": str(award.renews.uuid) if award.renews_id else None,
            "verification_url": absolute(
                reverse("badges:verify", kwargs={"award_uuid": award.uuid})
            ),
        }
    }


def person_moved_data(person: User, *, from_district, to_district) -> dict[str, Any]:
    return {
        "person": _person(person),
        "from_district": {"id": from_district.pk, "slug": from_district.slug},
        "to_district": {"id": to_district.pk, "slug": to_district.slug},
    }
