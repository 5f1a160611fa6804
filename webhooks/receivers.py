"""What this app does when an app below it announces a change (``submissions.signals``,
``badges.signals``, ``people.signals``): record the event for the district's subscriptions,
inside the change's own transaction. Connected in ``apps.WebhooksConfig.ready``."""

from . import events, services
from .models import EventType


def submission_moved(sender, *, submission, from_status, to_status, **kwargs) -> None:
    event_type = events.SUBMISSION_EVENTS.get(to_status)
    if event_type is None:
        return
    services.event_publish(
        district_id=submission.district_id,
        event_type=event_type,
        at=submission.status_changed_at,
        data=lambda: events.submission_data(submission, from_status=from_status),
    )


def award_issued(sender, *, award, **kwargs) -> None:
    services.event_publish(
        district_id=award.district_id,
        event_type=EventType.AWARD_ISSUED,
        at=award.issued_at,
        data=lambda: events.award_data(award),
    )


def award_revoked(sender, *, award, **kwargs) -> None:
    services.event_publish(
        district_id=award.district_id,
        event_type=EventType.AWARD_REVOKED,
        at=award.revoked_at,
        data=lambda: events.award_data(award),
    )


def person_moved(sender, *, person, from_district, to_district, at, **kwargs) -> None:
    for district in (from_district, to_district):
        services.event_publish(
            district_id=district.pk,
            event_type=EventType.PERSON_MOVED,
            at=at,
            data=lambda: events.person_moved_data(
                person, from_district=from_district, to_district=to_district
            ),
        )
