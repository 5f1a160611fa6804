"""The outbox: a task queued in a transaction is written with it, sent after its commit, once;
while the broker is down it waits (the request that queued it succeeds) and the beat relay sends
it when the broker is back. Every task dispatch and every e-mail of the app goes through it."""

import re
import socket
import subprocess
from pathlib import Path

import pytest
from django.db import transaction

from microcreds.celery import app
from outbox import services
from outbox.models import Mail, OutboxMessage
from outbox.services import mail_deliver, mail_enqueue, outbox_relay
from outbox.tasks import mail_deliver as mail_deliver_task
from outbox.tasks import outbox_relay_pending

ROOT = Path(__file__).resolve().parent.parent.parent


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    """Tasks really sent, to a broker that does not answer."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    previous = (app.conf.task_always_eager, app.conf.broker_url)

    def forget_connections() -> None:
        # The app keeps its connection pools; the next publish takes them for the broker URL
        # set now. (Closing them instead would close kombu's pools of the suite's own broker.)
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    app.conf.broker_url = url
    forget_connections()
    yield url
    app.conf.task_always_eager, app.conf.broker_url = previous
    forget_connections()
    services._broker_down_until = 0.0


@pytest.fixture
def sent(monkeypatch) -> list:
    """What reaches the broker (apply_async), recorded instead of sent."""
    calls: list = []
    task = app.tasks[mail_deliver_task.name]

    def record(args=None, kwargs=None, task_id=None, **options):
        calls.append((task.name, list(args or []), task_id))

    monkeypatch.setattr(task, "apply_async", record)
    monkeypatch.setattr(services, "_broker_down_until", 0.0)
    app.conf.task_always_eager = False
    yield calls
    app.conf.task_always_eager = True


@pytest.mark.django_db
def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            mail_enqueue(to=["a@example.org"], subject="Never", text="Never sent.")
            raise RuntimeError
    assert not OutboxMessage.objects.exists() and not Mail.objects.exists()
    assert sent == []


@pytest.mark.django_db
def test_a_message_is_sent_after_the_commit_and_once(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        mail = mail_enqueue(to=["a@example.org"], subject="Hello", text="Once.")
    message = OutboxMessage.objects.get()
    assert sent == [(mail_deliver_task.name, [mail.pk], str(message.task_id))]
    assert message.sent_at is not None
    assert outbox_relay() == 0 and outbox_relay(message_ids=[message.pk]) == 0
    assert len(sent) == 1


@pytest.mark.django_db
def test_while_the_broker_is_down_the_message_waits_and_the_beat_relay_sends_it(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(to=["a@example.org"], subject="Waiting", text="For the broker.")
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert "Error" in message.last_error
    assert outbox_relay() == 0  # still down

    published = []
    monkeypatch.setattr(
        app.tasks[mail_deliver_task.name],
        "apply_async",
        lambda args=None, kwargs=None, task_id=None, **o: published.append(task_id),
    )
    assert outbox_relay_pending.run() == 1
    message.refresh_from_db()
    assert message.sent_at is not None and published == [str(message.task_id)]
    assert outbox_relay_pending.run() == 0


@pytest.mark.django_db
def test_a_request_that_queues_many_while_the_broker_is_down_waits_on_it_once(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(50):
            mail_enqueue(to=[f"p{n}@example.org"], subject="Invitation", text="Welcome.")
    attempts = list(OutboxMessage.objects.values_list("attempts", flat=True))
    assert sorted(attempts) == [0] * 49 + [1], "one try, then the rest left to the beat relay"
    assert not OutboxMessage.objects.filter(sent_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_relay_that_meets_a_message_held_by_another_skips_it(sent):
    # Left pending, as after a broker that was down.
    message = OutboxMessage.objects.create(task=mail_deliver_task.name, args=[1])
    with transaction.atomic():
        OutboxMessage.objects.select_for_update().get(pk=message.pk)
        # Another connection holds the row: this relay must not send it.
        from concurrent.futures import ThreadPoolExecutor

        from django.db import connection

        def other_relay():
            try:
                return outbox_relay()
            finally:
                connection.close()

        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(other_relay).result(timeout=30) == 0
    assert sent == []
    assert outbox_relay() == 1 and len(sent) == 1


@pytest.mark.django_db
def test_a_mail_is_delivered_once(mailoutbox):
    mail = Mail.objects.create(to=["a@example.org"], subject="Once", text="Only once.")
    assert mail_deliver(mail_id=mail.pk) is True
    assert mail_deliver(mail_id=mail.pk) is False
    assert len(mailoutbox) == 1


def test_every_task_dispatch_and_every_mail_goes_through_the_outbox():
    """One home: no app calls .delay/.apply_async or sends mail itself (outbox does)."""
    from tests.test_layering import LAYERS

    apps = [app for app in LAYERS if app != "outbox"]
    found = subprocess.run(
        [
            "git",
            "grep",
            "-n",
            "-E",
            r"\.delay\(|\.apply_async\(|send_mail\(|EmailMultiAlt|"
            r"email_send\(|transaction\.on_commit\(",
            "--",
            *[f"{a}/*.py" for a in apps],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    allowed = [
        # Not task dispatches: a file deleted and a cache entry set once the change is final.
        r"accounts/services\.py:.*on_commit\(lambda: default_storage\.delete",
        r"artifacts/services\.py:.*on_commit\(lambda: \[storage\.delete",
        r"submissions/services\.py:.*on_commit\(lambda: cache\.set",
        # A notification's delivery records what it sent, as outbox.mail_deliver does.
        r"notifications/services\.py:.*email_send\(",
    ]
    stray = [line for line in found if not any(re.match(a, line) for a in allowed)]
    assert not stray, "\n".join(stray)
