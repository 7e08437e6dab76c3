"""Extension point of the points domain: listeners told when a manual adjustment moved a customer's balance.

The tiers domain registers one (an adjustment is a qualifying event for tier upgrades). Listeners run inside the
adjustment's transaction, once per posted entry (a replayed adjustment does not call them), and must not raise for
ordinary outcomes.
"""
from __future__ import annotations

from collections.abc import Callable

_adjust_listeners: list[Callable] = []


def register_adjust_listener(fn: Callable) -> Callable:
    """fn(*, org, customer, program, entry) after a manual adjustment; registering the same function twice keeps one."""
    if fn not in _adjust_listeners:
        _adjust_listeners.append(fn)
    return fn


def unregister_adjust_listener(fn: Callable) -> None:
    if fn in _adjust_listeners:
        _adjust_listeners.remove(fn)


def adjust_listeners_run(*, org, customer, program, entry) -> None:
    for listener in list(_adjust_listeners):
        listener(org=org, customer=customer, program=program, entry=entry)
