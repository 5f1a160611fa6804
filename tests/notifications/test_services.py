"""Notification mail: recorded in the app, e-mailed after the commit by the
``deliver_notification`` task, once per notification."""

import pytest

from notifications import services
from notifications.models import Notification
from notifications.tasks import deliver_notification

from .factories import note_for

pytestmark = pytest.mark.django_db


def test_notify_mails_through_the_task_after_the_commit(
    educator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = note_for(educator)
    assert mailoutbox == [] and notification.emailed_at is None
    for callback in callbacks:
        callback()
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    [mail] = mailoutbox
    assert mail.to == [educator.email] and mail.subject == notification.title
    assert "http://testserver/reviews/feedback/1/" in mail.body
    assert "&lt;b&gt;now&lt;/b&gt;" in mail.alternatives[0][0]


def test_the_same_event_is_recorded_and_mailed_once(
    educator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert note_for(educator) is not None
        assert note_for(educator) is None
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_task_is_safe_to_run_twice(educator, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False):
        notification = note_for(educator)
    assert deliver_notification.delay(notification.pk).get() is True
    assert deliver_notification.delay(notification.pk).get() is False
    assert len(mailoutbox) == 1
    assert deliver_notification.delay(notification.pk + 1000).get() is False


def test_a_failed_send_leaves_the_notification_to_retry(
    educator, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = note_for(educator)

    def mail_server_down(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "email_send", mail_server_down)
    with pytest.raises(OSError):
        services.notification_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert services.notification_email(notification_id=notification.pk) is True
    assert len(mailoutbox) == 1
