"""Queueing and delivering messages. Delivery happens after the surrounding transaction commits."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.core.events import after_commit

from .backends import DeliveryFailed, backend_for
from .choices import MessageStatus
from .models import Message


def message_queue(*, org, channel: str, recipient: str, purpose: str, body: str, subject: str = "", customer=None,
                  dedupe_key: str = "", store_body: bool = True) -> Message:
    """Record a message and deliver it once committed. A repeated dedupe_key returns the first message (no resend).

    Secrets (validation codes) are passed with store_body=False: they go to the backend but never into the table.
    """
    message = Message(org=org, customer=customer, channel=channel, recipient=recipient, purpose=purpose,
                      subject=subject, body=body if store_body else "", dedupe_key=dedupe_key)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(org=org, dedupe_key=dedupe_key)
    from .tasks import message_deliver_task

    after_commit(lambda: message_deliver_task.delay(org_id=org.pk, message_id=message.pk,
                                                    body=None if store_body else body))
    return message


def message_deliver(*, org_id: int, message_id: int, body: str | None = None) -> bool:
    """Send a queued message through its channel's backend; safe to call twice (a sent message is not resent)."""
    message = Message.objects.filter(org_id=org_id, pk=message_id).first()
    if message is None or message.status == MessageStatus.SENT:
        return False
    Message.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
    try:
        backend_for(message.channel).send(recipient=message.recipient, subject=message.subject,
                                          body=body if body is not None else message.body)
    except DeliveryFailed as exc:
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, error=str(exc)[:500])
        raise
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=timezone.now(), error="")
    return True
