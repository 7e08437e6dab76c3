"""The card side of customer identifier changes: a card number added to a customer links the card, removed delinks."""
from __future__ import annotations

from apps.customers.choices import IdentifierType

from . import services


class CardIdentifierListener:
    """Registered into apps.customers.hooks by CardsConfig.ready()."""

    def added(self, *, customer, type, value, attributes, till=None, user=None) -> None:
        if type == IdentifierType.CARD_NUMBER:
            services.card_link(org=customer.org, customer=customer, number=value, attributes=attributes, till=till,
                               user=user)

    def removed(self, *, customer, type, value, attributes, till=None, user=None) -> None:
        if type == IdentifierType.CARD_NUMBER:
            services.card_delink(org=customer.org, customer=customer, number=value, attributes=attributes, till=till,
                                 user=user)

    def __eq__(self, other) -> bool:  # one registration however often ready() runs
        return isinstance(other, CardIdentifierListener)

    def __hash__(self) -> int:
        return hash(CardIdentifierListener)
