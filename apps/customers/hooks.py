"""Identifier listeners: other apps take part in identifier changes without the customer services knowing them.

A listener has `added(*, customer, type, value, attributes, till, user)` and `removed(...)` with the same
arguments; apps register one from AppConfig.ready() with `identifier_listener_register`. Listeners run inside the
customer service's transaction after the identifier row is written (added) or deleted (removed): raising a
DomainError refuses the whole change and nothing is written.
"""
from __future__ import annotations

IDENTIFIER_LISTENERS: list = []


def identifier_listener_register(listener) -> None:
    if listener not in IDENTIFIER_LISTENERS:
        IDENTIFIER_LISTENERS.append(listener)


def identifier_added(*, customer, type: str, value: str, attributes: dict | None = None, till=None, user=None):
    for listener in IDENTIFIER_LISTENERS:
        listener.added(customer=customer, type=type, value=value, attributes=attributes or {}, till=till, user=user)


def identifier_removed(*, customer, type: str, value: str, attributes: dict | None = None, till=None, user=None):
    for listener in IDENTIFIER_LISTENERS:
        listener.removed(customer=customer, type=type, value=value, attributes=attributes or {}, till=till,
                         user=user)
