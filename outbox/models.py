"""What the app has decided to send, written in the same transaction as the decision.

A row here is the promise that the side effect goes out: the relay (``services.outbox_relay``)
hands it to the broker after the commit, and Celery beat hands on whatever is still pending
(the broker was down, the process died in between). Nothing is lost and nothing is sent twice.
"""

import uuid

from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """One Celery task to send once the transaction that wrote the row has committed."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # The Celery task id it is sent with: one message, one id, however often the relay runs.
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_pending")
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class Mail(models.Model):
    """One e-mail: it goes out once, after the transaction that asked for it, and waits while
    the mail server is down."""

    to = models.JSONField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.subject
