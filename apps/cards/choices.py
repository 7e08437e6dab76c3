"""Enumerations of the card domain."""
from django.db import models


class CardType(models.TextChoices):
    DIGITAL = "DIGITAL", "Digital"
    PHYSICAL = "PHYSICAL", "Physical"


class GenerationMethod(models.TextChoices):
    """How a series makes numbers: sequential or random digits, with an optional check digit (Luhn or mod 7)."""

    DEFAULT = "DEFAULT", "Sequential"
    LUHN = "LUHNALGO", "Sequential with a Luhn check digit"
    MOD7 = "MOD7_ALGO", "Sequential with a mod-7 check digit"
    RANDOM = "RANDOM", "Random"
    RANDOM_LUHN = "RANDOM_LUHN", "Random with a Luhn check digit"
    RANDOM_MOD7 = "RANDOM_MOD7", "Random with a mod-7 check digit"


RANDOM_METHODS = frozenset({GenerationMethod.RANDOM, GenerationMethod.RANDOM_LUHN, GenerationMethod.RANDOM_MOD7})
LUHN_METHODS = frozenset({GenerationMethod.LUHN, GenerationMethod.RANDOM_LUHN})
MOD7_METHODS = frozenset({GenerationMethod.MOD7, GenerationMethod.RANDOM_MOD7})


class SeriesTrigger(models.TextChoices):
    SERIES_ID = "SERIES_ID", "Series id"
    OU_ID = "OU_ID", "Org unit"
    REGISTRATION = "REGISTRATION", "Registration"


class CardStatus(models.TextChoices):
    """System statuses of a card. NOT_ISSUED is a generated (or added) card nobody holds yet."""

    NOT_ISSUED = "NOT_ISSUED", "Generated (not issued)"
    ISSUED = "ISSUED", "Issued"
    ACTIVE = "ACTIVE", "Active"
    SUSPENDED = "SUSPENDED", "Suspended"
    LOST = "LOST", "Lost"
    REPLACED = "REPLACED", "Replaced"
    EXPIRED = "EXPIRED", "Expired"
    DELETED = "DELETED", "Deleted"


# Labels clients send for a status (matched case-insensitively), beyond the status names themselves.
STATUS_LABEL_ALIASES = {
    "GENERATED": CardStatus.NOT_ISSUED,
    "CARD_GENERATED": CardStatus.NOT_ISSUED,
    "CARD GENERATED": CardStatus.NOT_ISSUED,
}

# Status changes a client may ask for through PUT v2/card (link and delink have their own rules, below).
MANUAL_TRANSITIONS: dict[str, frozenset[str]] = {
    CardStatus.NOT_ISSUED: frozenset(),  # a generated card moves only by being linked to a customer
    CardStatus.ISSUED: frozenset({CardStatus.ACTIVE, CardStatus.SUSPENDED, CardStatus.LOST, CardStatus.EXPIRED,
                                  CardStatus.DELETED}),
    CardStatus.ACTIVE: frozenset({CardStatus.ISSUED, CardStatus.SUSPENDED, CardStatus.LOST, CardStatus.REPLACED,
                                  CardStatus.EXPIRED, CardStatus.DELETED}),
    CardStatus.SUSPENDED: frozenset({CardStatus.ACTIVE, CardStatus.LOST, CardStatus.EXPIRED, CardStatus.DELETED}),
    CardStatus.LOST: frozenset({CardStatus.ACTIVE, CardStatus.REPLACED, CardStatus.DELETED}),
    CardStatus.REPLACED: frozenset({CardStatus.DELETED}),
    CardStatus.EXPIRED: frozenset(),  # an expired card cannot be deleted or revived
    CardStatus.DELETED: frozenset(),
}
# A card can be linked to a customer only from these statuses, and lands in one of LINK_TARGETS (default ACTIVE).
LINKABLE_STATUSES = frozenset({CardStatus.NOT_ISSUED, CardStatus.ISSUED})
LINK_TARGETS = frozenset({CardStatus.ACTIVE, CardStatus.ISSUED})
# Delinking a held card sends it to one of these (default NOT_ISSUED: back in the pool).
DELINK_TARGETS = frozenset({CardStatus.NOT_ISSUED, CardStatus.SUSPENDED, CardStatus.LOST, CardStatus.REPLACED,
                            CardStatus.EXPIRED, CardStatus.DELETED})
# Statuses in which a card still counts as held; delinking a card in another status keeps its status.
HELD_STATUSES = frozenset({CardStatus.ISSUED, CardStatus.ACTIVE, CardStatus.SUSPENDED})
# Statuses that need a customer holding the card.
NEEDS_CUSTOMER = frozenset({CardStatus.ISSUED, CardStatus.ACTIVE})
