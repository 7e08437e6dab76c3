"""Bulk reads of customers: several customers named by one identifier type in a constant number of queries.

The v1.1 reads take comma-separated identifier lists (`customer/get?mobile=a,b,c`); these selectors keep such a
request at the same query count whether it names one customer or a hundred.
"""
from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from . import errors
from .choices import IDENTIFIER_ID, Source
from .identifiers import identifier_normalise, identifier_type_parse
from .models import Customer, CustomerIdentifier, CustomerPreference, CustomerSubscription
from .selectors import customer_queryset


def _positive_int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def customers_lookup_many(*, org, identifier_type: str, values: list[str]) -> dict[str, Customer]:
    """The org's customers named by values of one identifier type (or `id`), keyed by the value as given.

    One indexed query whatever the number of values. Values that are malformed or name no customer of the org are
    absent from the answer (the caller reports them as not found). IdentifierNameInvalid for an unknown type.
    """
    kind = identifier_type_parse(identifier_type, allow_id=True)
    if kind == IDENTIFIER_ID:
        pks = {value: _positive_int(value) for value in values}
        wanted = {pk for pk in pks.values() if pk}
        by_pk = {c.pk: c for c in customer_queryset(org=org).filter(pk__in=wanted)} if wanted else {}
        return {value: by_pk[pk] for value, pk in pks.items() if pk in by_pk}
    normalised = {}
    for value in values:
        try:
            normalised[value] = identifier_normalise(org=org, type=kind, value=value)
        except errors.CustomerError:
            continue
    if not normalised:
        return {}
    rows = (CustomerIdentifier.objects.filter(org=org, type=kind, value__in=set(normalised.values()))
            .select_related("customer__registered_till", "customer__registered_store", "customer__modified_by_till"))
    by_value = {row.value: row.customer for row in rows}
    return {value: by_value[stored] for value, stored in normalised.items() if stored in by_value}


def customers_subscriptions_prefetch(customers: list[Customer], *, source: str = Source.INSTORE) -> list[Customer]:
    """Load each customer's subscriptions of one source account into `customer.source_subscriptions` (one query)."""
    prefetch_related_objects(customers, Prefetch(
        "subscriptions", to_attr="source_subscriptions",
        queryset=CustomerSubscription.objects.filter(source=source, account_id="").order_by("channel", "priority",
                                                                                             "id")))
    return customers


def customers_preferences_prefetch(customers: list[Customer]) -> list[Customer]:
    """Load each customer's preferences into `customer.preference_list`, by name (one query)."""
    prefetch_related_objects(customers, Prefetch(
        "preferences", to_attr="preference_list",
        queryset=CustomerPreference.objects.select_related("store").order_by("name", "id")))
    return customers
