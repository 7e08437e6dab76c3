"""Delivery backends. Settings name one per channel; SMS gateways plug in by implementing `send`."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("apps.communications")


class DeliveryFailed(Exception):
    """The gateway refused or could not be reached; the task retries."""


class BaseBackend(ABC):
    """A delivery channel; SMS gateways subclass this and implement send."""

    @abstractmethod
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        """Deliver one message or raise DeliveryFailed (the task retries)."""


class ConsoleBackend(BaseBackend):
    """Writes the message to the log: the default for SMS until a gateway is configured, and for the demo."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        logger.info("message to %s: %s %s", recipient, subject, body)


class EmailBackend(BaseBackend):
    """Sends through Django's email settings (EMAIL_BACKEND, EMAIL_HOST, ...)."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        send_mail(subject or "Message", body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


class LocmemBackend(BaseBackend):
    """Keeps messages in memory (tests)."""

    outbox: list[dict] = []

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        self.outbox.append({"recipient": recipient, "subject": subject, "body": body})


def backend_for(channel: str) -> BaseBackend:
    paths = getattr(settings, "COMMUNICATIONS_BACKENDS", {})
    default = "apps.communications.backends.EmailBackend" if channel == "EMAIL" else \
        "apps.communications.backends.ConsoleBackend"
    return import_string(paths.get(channel, default))()
