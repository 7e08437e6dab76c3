"""Identifier changes, status and fraud status, subscriptions, referral codes and status labels."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.organizations.selectors import org_config_flag

from .. import errors, events, hooks
from ..choices import FraudStatus, IdentifierType, SubscriptionType
from ..identifiers import (
    account_id_check, channel_parse, identifier_normalise, identifier_type_parse, identifiers_parse, priority_parse,
    source_parse, truthy,
)
from ..models import Customer, CustomerIdentifier, CustomerStatusLabel, CustomerSubscription
from ..selectors import customer_status_label_resolve
from ._common import as_datetime, mandatory_identifiers_check
from .registration import identifier_attach, profile_ensure

ALREADY_ATTACHED = {IdentifierType.MOBILE: errors.MobileAlreadyAttached, IdentifierType.EMAIL: errors.EmailAlreadyAttached,
                    IdentifierType.EXTERNAL_ID: errors.ExternalIdAlreadyAttached}
UPDATE_CONFIG = {IdentifierType.MOBILE: "CONF_ALLOW_MOBILE_UPDATE", IdentifierType.EMAIL: "CONF_ALLOW_EMAIL_UPDATE",
                 IdentifierType.EXTERNAL_ID: "CONF_LOYALTY_ALLOW_EXTERNAL_ID_UPDATE"}


def _locked(org, customer: Customer) -> Customer:
    if customer.org_id != org.pk:
        raise errors.CustomerNotFound()
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _removals_parse(*, org, items) -> list[tuple[str, str, dict]]:
    out = []
    for item in items or []:
        if not isinstance(item, dict) or item.get("type") in (None, "") or item.get("value") in (None, ""):
            raise errors.NoValidIdentifiers(field="remove")
        kind = identifier_type_parse(item["type"])
        out.append((kind, identifier_normalise(org=org, type=kind, value=item["value"]),
                    {k: v for k, v in item.items() if k in ("seriesId", "seriesCode", "statusLabel")}))
    return out


@transaction.atomic
def customer_identifiers_change(*, org, customer: Customer, add=None, remove=None, source=None, account_id: str = "",
                                till=None, user=None) -> tuple[Customer, list]:
    """Add and/or remove identifiers of a customer (removals first, so a mobile can be swapped in one call).

    An identifier of another customer is refused (8007 when that customer registered it from the same source,
    8053 otherwise); accounts are never merged. Every change is logged. Returns (customer, warnings).
    """
    customer = _locked(org, customer)
    source = source_parse(source or "INSTORE")
    account_id = account_id_check(source=source, account_id=account_id)
    additions = identifiers_parse(org=org, items=add or [])
    removals = _removals_parse(org=org, items=remove)
    if not additions and not removals:
        raise errors.NoValidIdentifiers(field="add")
    warnings: list = []
    current = {(row.type, row.value): row for row in customer.identifiers.all()}
    for kind, value, extra in removals:
        row = current.pop((kind, value), None)
        if row is None:
            warnings.append(errors.NoValidChangeIdentifiers())
            continue
        if kind in UPDATE_CONFIG and not org_config_flag(org=org, key=UPDATE_CONFIG[kind]):
            raise errors.IdentifierUpdateNotAllowed(name=kind, field="remove")
        row.delete()
        events.customer_identifier_removed_event(customer, type=kind, value=value, source=row.source,
                                                 account_id=row.account_id, till=till, user=user)
        hooks.identifier_removed(customer=customer, type=kind, value=value, attributes=extra, till=till, user=user)
    owners = {(row.type, row.value): row for row in CustomerIdentifier.objects.for_org(org).filter(
        value__in=[item["value"] for item in additions]).exclude(customer=customer)} if additions else {}
    profile = None
    for item in additions:
        key = (item["type"], item["value"])
        if key in current:
            warnings.append(ALREADY_ATTACHED.get(item["type"], errors.NoValidChangeIdentifiers)())
            continue
        other = owners.get(key)
        if other is not None:
            raise (errors.IdentifierExistsSameSource(field="add") if other.source == source
                   else errors.UpdateConflictingCustomers(field="add"))
        if profile is None:
            profile, _ = profile_ensure(customer=customer, source=source, account_id=account_id, till=till, user=user)
        current[key] = identifier_attach(customer=customer, profile=profile, type=item["type"], value=item["value"],
                                         attributes=item["attributes"], till=till, user=user)
    if not current:
        raise errors.LastIdentifierRemoval(field="remove")
    mandatory_identifiers_check(org=org, types={kind for kind, _ in current})
    customer.modified_by_till = till or customer.modified_by_till
    customer.save(update_fields=["modified_by_till", "updated_at"])
    return customer, warnings


def _iso_or_none(value) -> str | None:
    parsed = as_datetime(value, field="createdOn")
    return parsed.isoformat() if parsed else None


@transaction.atomic
def customer_status_change(*, org, customer: Customer, label: str, reason: str = "", till=None, user=None,
                           created_on=None) -> Customer:
    """Move the customer to the status an org label (or a built-in status name) stands for; logged."""
    customer = _locked(org, customer)
    status, resolved_label = customer_status_label_resolve(org=org, label=label)
    previous_status, previous_label = customer.status, customer.status_label
    customer.status, customer.status_label = status, resolved_label
    customer.status_reason = (reason or "")[:255]
    customer.modified_by_till = till or customer.modified_by_till
    customer.save(update_fields=["status", "status_label", "status_reason", "modified_by_till", "updated_at"])
    events.customer_status_changed_event(customer, previous_status=previous_status, previous_label=previous_label,
                                         reason=customer.status_reason, till=till, user=user,
                                         created_on=_iso_or_none(created_on))
    return customer


@transaction.atomic
def customer_fraud_status_change(*, org, customer: Customer, fraud_status: str, reason: str = "", till=None,
                                 user=None) -> Customer:
    """Mark (or clear) the customer as fraudulent; logged with who did it."""
    value = str(fraud_status or "").strip().upper()
    if value not in FraudStatus.values:
        raise errors.FraudStatusInvalid(choices=", ".join(FraudStatus.values), field="fraud_status")
    customer = _locked(org, customer)
    previous = customer.fraud_status
    if value == previous:
        return customer
    customer.fraud_status, customer.fraud_reason = value, (reason or "")[:255]
    customer.fraud_marked_by = (till.code if till else getattr(user, "username", "")) or ""
    customer.fraud_updated_at = timezone.now()
    customer.save(update_fields=["fraud_status", "fraud_reason", "fraud_marked_by", "fraud_updated_at", "updated_at"])
    events.customer_fraud_status_changed_event(customer, previous=previous, reason=customer.fraud_reason, till=till,
                                               user=user)
    return customer


def _subscription_parse(item) -> dict:
    if not isinstance(item, dict):
        raise errors.SubscriptionsMissing(field="subscriptions")
    if "type" in item and item["type"] not in (None, ""):
        kind = str(item["type"]).strip().upper()
        if kind not in SubscriptionType.values:
            raise errors.SubscriptionStatusInvalid(field="type")
        subscribed = kind == SubscriptionType.OPTIN
    elif item.get("is_subscribed") not in (None, ""):
        if str(item["is_subscribed"]).strip().lower() not in ("0", "1", "true", "false"):
            raise errors.SubscriptionStatusInvalid(field="is_subscribed")
        subscribed = truthy(item["is_subscribed"])
    else:
        raise errors.SubscriptionStatusInvalid(field="type")
    source = source_parse(item.get("sourceName") or item.get("source") or "INSTORE")
    return {"channel": channel_parse(item.get("channel")), "priority": priority_parse(item.get("priority")),
            "source": source, "account_id": str(item.get("accountId") or item.get("account_id") or "").strip(),
            "is_subscribed": subscribed}


@transaction.atomic
def customer_subscriptions_update(*, org, customer: Customer, subscriptions: list[dict], reason: str = "",
                                  till=None, user=None) -> list[CustomerSubscription]:
    """Opt the customer in or out per channel and priority; each real change is logged. All-or-nothing."""
    if not isinstance(subscriptions, list) or not subscriptions:
        raise errors.SubscriptionsMissing(field="subscriptions")
    parsed = [_subscription_parse(item) for item in subscriptions]
    customer = _locked(org, customer)
    rows = []
    for item in parsed:
        row, created = CustomerSubscription.objects.get_or_create(
            org=org, customer=customer, channel=item["channel"], priority=item["priority"], source=item["source"],
            account_id=item["account_id"], defaults={"is_subscribed": item["is_subscribed"], "reason": reason[:255]})
        if not created and row.is_subscribed == item["is_subscribed"]:
            rows.append(row)
            continue
        row.is_subscribed, row.reason, row.updated_at = item["is_subscribed"], (reason or "")[:255], timezone.now()
        row.save(update_fields=["is_subscribed", "reason", "updated_at"])
        events.customer_subscription_changed_event(customer, subscription=row, reason=row.reason, till=till, user=user)
        rows.append(row)
    return rows


@transaction.atomic
def customer_referral_code_set(*, org, customer: Customer, code: str) -> Customer:
    """Give the customer their own referral code (unique in the org); the referrals app calls this."""
    customer = _locked(org, customer)
    customer.referral_code = str(code or "").strip()[:64]
    if customer.referral_code and Customer.objects.for_org(org).filter(
            referral_code=customer.referral_code).exclude(pk=customer.pk).exists():
        raise errors.ReferralCodeTaken()
    customer.save(update_fields=["referral_code", "updated_at"])
    return customer


@transaction.atomic
def customer_status_label_create(*, org, label: str, status: str, description: str = "",
                                 is_default: bool = False) -> CustomerStatusLabel:
    """Define an org label for a lifecycle status; making it the default clears the previous default."""
    if is_default:
        CustomerStatusLabel.objects.for_org(org).filter(is_default=True).update(is_default=False)
    row = CustomerStatusLabel(org=org, label=label.strip(), status=status, description=description,
                              is_default=is_default)
    row.full_clean()
    row.save()
    return row
