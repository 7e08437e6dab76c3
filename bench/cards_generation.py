"""Card generation throughput and card lookups (PostgreSQL), through the services and selectors.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_cards \
     ../.venv/bin/python cards_generation.py [cards]
Prints the figures (paste them into docs/performance.md). Targets: 100,000 numbers generated in under 60 s
(chunks of 1,000 as the Celery job runs them); GET-by-number p99 < 10 ms; link (changeIdentifier service) p99 < 50 ms.
"""
from __future__ import annotations

import platform
import sys
import time

from _setup import django_with_test_db, percentiles, timed


def main(count: int) -> None:
    connection, _ = django_with_test_db()
    from apps.cards import selectors, services
    from apps.cards.choices import CardStatus, GenerationMethod
    from apps.cards.models import Card
    from apps.customers.models import Customer
    from apps.customers.services import customer_create, customer_identifiers_change
    from apps.organizations.services import organization_create, org_config_set

    org = organization_create(name="Bench cards", code="benchcards")
    org_config_set(org=org, key="CONF_MAX_CARDS_PER_ORG", value="0")
    series = services.series_create(org=org, code="BENCH", type="DIGITAL", prefix="8901", length=16,
                                    method=GenerationMethod.LUHN)
    start = time.perf_counter()
    log = services.card_generation_start(org=org, series=series, count=count, inline=True)
    seconds = time.perf_counter() - start
    assert log.generated == count, log.generated
    numbers = list(Card.objects.filter(generation=log).order_by("?").values_list("number", flat=True)[:2000])
    it = iter(numbers * 3)
    lookups = percentiles(timed(lambda: selectors.card_get(org=org, number=next(it)), 2000))
    customers = [customer_create(org=org, source="INSTORE", identifiers=[{"type": "mobile",
                                                                        "value": f"9198{n:08d}"}])[0]
                 for n in range(300)]
    free = iter(numbers)
    people = iter(customers)
    links = percentiles(timed(lambda: customer_identifiers_change(
        org=org, customer=next(people), add=[{"type": "cardnumber", "value": next(free)}]), 300))
    assert Card.objects.filter(org=org, status=CardStatus.ACTIVE).count() == 300
    assert Customer.objects.filter(org=org).count() == 300
    print(f"machine: {platform.processor() or platform.machine()}, {connection.vendor}")
    print(f"generate {count:,} numbers: {seconds:.1f} s ({count / seconds:,.0f} numbers/s)")
    print(f"GET card by number over {count:,} cards (ms): {lookups}")
    print(f"link a card through changeIdentifier (ms): {links}")


if __name__ == "__main__":
    from _setup import run_into_section

    run_into_section('Cards: generation, lookup, linking (`bench/cards_generation.py`)',
                     'cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_cards ../.venv/bin/python cards_generation.py',
                     main, int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
