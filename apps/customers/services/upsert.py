"""Upsert: update the customer an identifier names, or register one (v2 integrations bulk upsert)."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from .. import errors
from ..identifiers import identifiers_parse
from ..models import Customer, CustomerIdentifier
from .lifecycle import customer_identifiers_change, customer_subscriptions_update
from .registration import customer_create, customer_update

UPDATE_KEYS = ("first_name", "last_name", "gender", "birth_date", "anniversary_date", "language", "loyalty_type",
               "extended_fields", "custom_fields", "comm_channels", "associated_with", "status_label")


def _owner(*, org, parsed: list[dict]) -> Customer | None:
    condition = Q()
    for item in parsed:
        condition |= Q(type=item["type"], value=item["value"])
    owners = {row.customer_id: row.customer
              for row in CustomerIdentifier.objects.for_org(org).filter(condition).select_related("customer")}
    if len(owners) > 1:
        raise errors.UpdateConflictingCustomers(field="identifiers")
    return next(iter(owners.values()), None)


@transaction.atomic
def customer_upsert(*, org, source, identifiers: list[dict], till=None, user=None, account_id: str = "",
                    skip_change_identifier: bool = True, subscriptions: list[dict] | None = None,
                    **details) -> tuple[Customer, bool, list]:
    """Update the customer named by any of the identifiers, or register a new one: (customer, created, warnings).

    With skip_change_identifier=False an identifier whose type the customer already has with another value
    replaces that value (through customer_identifiers_change, so the change is checked and logged).
    """
    parsed = identifiers_parse(org=org, items=identifiers)
    if not parsed:
        raise errors.NoValidIdentifiers(field="identifiers")
    customer = _owner(org=org, parsed=parsed)
    if customer is None:
        customer, warnings = customer_create(org=org, source=source, identifiers=identifiers, till=till, user=user,
                                             account_id=account_id, **details)
        created = True
    else:
        created = False
        warnings = []
        if not skip_change_identifier:
            current = {row.type: row.value for row in customer.identifiers.all()}
            swaps = [item for item in parsed if item["type"] in current and current[item["type"]] != item["value"]]
            if swaps:
                customer, change_warnings = customer_identifiers_change(
                    org=org, customer=customer, source=source or "INSTORE", account_id=account_id, till=till,
                    user=user, add=[{"type": s["type"], "value": s["value"], **s["attributes"]} for s in swaps],
                    remove=[{"type": s["type"], "value": current[s["type"]]} for s in swaps])
                warnings += change_warnings
        kwargs = {key: details[key] for key in UPDATE_KEYS if key in details}
        customer, update_warnings = customer_update(org=org, customer=customer, till=till, user=user,
                                                    source=source or None, account_id=account_id,
                                                    identifiers=identifiers, **kwargs)
        warnings += update_warnings
    if subscriptions:
        customer_subscriptions_update(org=org, customer=customer, subscriptions=subscriptions, till=till, user=user)
    return customer, created, warnings
