"""Deterministic demo cards: one digital series with a Luhn check digit, generated numbers, some issued to demo
customers through the customer identifier service (so linking runs exactly as in production)."""
from __future__ import annotations

import random

from apps.customers.choices import IdentifierType
from apps.customers.models import Customer
from apps.customers.services import customer_identifiers_change

from . import services
from .choices import CardStatus, CardType, GenerationMethod
from .models import Card, CardSeries

DEMO_SERIES_CODE = "DEMODIGITAL"
DEMO_CARD_COUNT = 200
DEMO_LINKED_COUNT = 60


def demo_cards_load(*, org, seed: int = 42, count: int = DEMO_CARD_COUNT, linked: int = DEMO_LINKED_COUNT) -> int:
    """Create the demo series, generate its cards and link some to demo customers. Idempotent: a second run adds
    nothing. Returns how many cards were linked in this run."""
    series = CardSeries.objects.for_org(org).filter(code=DEMO_SERIES_CODE).first()
    if series is None:
        series = services.series_create(org=org, code=DEMO_SERIES_CODE, name="Demo digital card", type=CardType.DIGITAL,
                                        prefix="8901", length=16, method=GenerationMethod.LUHN, expiry_days=730,
                                        is_default=True)
    missing = count - Card.objects.for_org(org).filter(series=series, generation__isnull=False).count()
    if missing > 0:
        services.card_generation_start(org=org, series=series, count=missing, description="Demo cards", inline=True)
    if Card.objects.for_org(org).filter(series=series, customer__isnull=False).exists():
        return 0
    rng = random.Random(seed)
    holders = set(Card.objects.for_org(org).filter(customer__isnull=False).values_list("customer_id", flat=True))
    customer_ids = [pk for pk in Customer.objects.for_org(org).order_by("id").values_list("pk", flat=True)[:2000]
                    if pk not in holders]
    chosen = sorted(rng.sample(customer_ids, min(linked, len(customer_ids))))
    free = list(Card.objects.for_org(org).filter(series=series, status=CardStatus.NOT_ISSUED, customer__isnull=True)
                .order_by("id").values_list("number", flat=True)[:len(chosen)])
    done = 0
    for customer in Customer.objects.for_org(org).filter(pk__in=chosen).order_by("id"):
        if done >= len(free):
            break
        customer_identifiers_change(org=org, customer=customer,
                                    add=[{"type": IdentifierType.CARD_NUMBER, "value": free[done],
                                          "seriesCode": series.code, "statusLabel": CardStatus.ACTIVE}])
        done += 1
    return done
