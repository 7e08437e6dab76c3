"""Registering and updating customers, across source accounts (v2 add/update/upsert, v1.1 add/update)."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.fields.services import custom_fields_validate, extended_fields_validate
from apps.organizations.models import Till

from .. import errors, events, hooks
from ..choices import LoyaltyType, Source
from ..identifiers import account_id_check, identifiers_parse, source_parse
from ..models import Customer, CustomerCommChannel, CustomerIdentifier, CustomerProfile, CustomerSubscription
from ..selectors import customer_default_status, customer_status_label_resolve
from ._common import (
    CHANNELS_OF_COMM_CHANNEL, CHANNELS_OF_IDENTIFIER, PRIORITIES, as_date, as_datetime, comm_channels_parse,
    mandatory_identifiers_check, mirror_extended_fields,
)

CUSTOM_FIELD_SCOPE = "loyalty_registration"
EXTENDED_FIELD_ENTITY = "CUSTOMER"
# Registrations may be back-dated freely but not dated in the future beyond clock skew.
REGISTRATION_FUTURE_SKEW = timedelta(days=1)


def _source_and_account(source, account_id) -> tuple[str, str]:
    if source in (None, ""):
        raise errors.SourceMissing(field="source")
    parsed = source_parse(source, error=errors.RegistrationSourceInvalid)
    return parsed, account_id_check(source=parsed, account_id=account_id)


def _loyalty_type(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip().upper()
    if text not in LoyaltyType.values:
        raise errors.CustomerError(f"Invalid input. loyaltyType: one of loyalty, non_loyalty", field="loyaltyType")
    return text


def _validated_fields(*, org, extended_fields, custom_fields, partial: bool) -> tuple[dict, dict, list]:
    extended = extended_fields_validate(org=org, entity=EXTENDED_FIELD_ENTITY, values=extended_fields or {},
                                        partial=partial)
    custom, warnings = custom_fields_validate(org=org, scope=CUSTOM_FIELD_SCOPE, values=custom_fields or {},
                                              partial=partial)
    return extended, custom, list(warnings)


def _registration_till(*, org, till, associated_with, warnings: list):
    if associated_with in (None, ""):
        return till
    other = Till.objects.for_org(org).select_related("store").filter(code=str(associated_with).strip()).first()
    if other is None:
        warnings.append(errors.AssociatedWithInvalid())
        return till
    return other


def _owners_of(*, org, identifiers: list[dict]) -> dict[tuple[str, str], CustomerIdentifier]:
    condition = Q()
    for item in identifiers:
        condition |= Q(type=item["type"], value=item["value"])
    rows = CustomerIdentifier.objects.for_org(org).filter(condition).select_related("customer")
    return {(row.type, row.value): row for row in rows}


def profile_ensure(*, customer: Customer, source: str, account_id: str, till=None, user=None
                   ) -> tuple[CustomerProfile, bool]:
    """The customer's profile for a source account, created (and logged) when missing. Caller is in a transaction."""
    profile = CustomerProfile.objects.filter(customer=customer, source=source, account_id=account_id).first()
    if profile is not None:
        return profile, False
    profile = CustomerProfile(org_id=customer.org_id, customer=customer, source=source, account_id=account_id,
                              created_by_till=till, modified_by_till=till)
    profile.full_clean(validate_unique=False)
    profile.save()
    events.customer_profile_added_event(customer, source=source, account_id=account_id, till=till, user=user)
    return profile, True


def identifier_attach(*, customer: Customer, profile: CustomerProfile, type: str, value: str,
                      attributes: dict | None = None, till=None, user=None) -> CustomerIdentifier:
    """Attach one normalised identifier (known to be free) to the customer; logged."""
    row = CustomerIdentifier(org_id=customer.org_id, customer=customer, profile=profile, type=type, value=value,
                             source=profile.source, account_id=profile.account_id, attributes=attributes or {})
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    events.customer_identifier_added_event(customer, type=type, value=value, source=profile.source,
                                           account_id=profile.account_id, till=till, user=user)
    hooks.identifier_added(customer=customer, type=type, value=value, attributes=attributes, till=till, user=user)
    return row


def _comm_channels_upsert(*, customer: Customer, profile: CustomerProfile | None, channels: list[dict]) -> None:
    for item in channels:
        CustomerCommChannel.objects.update_or_create(
            org_id=customer.org_id, customer=customer, type=item["type"], value=item["value"],
            defaults={"profile": profile, "is_primary": item["is_primary"], "is_verified": item["is_verified"],
                      "meta": item["meta"], "attributes": item["attributes"]})


def default_subscriptions_create(*, customer: Customer, identifiers: list[dict], channels: list[dict],
                                 source: str = Source.INSTORE, account_id: str = "") -> None:
    """Opt the customer in (TRANS and BULK) on every channel their identifiers and contact points open."""
    opened: list[str] = []
    for item in identifiers:
        opened += CHANNELS_OF_IDENTIFIER.get(item["type"], ())
    for item in channels:
        opened += CHANNELS_OF_COMM_CHANNEL.get(item["type"], ())
    existing = set(CustomerSubscription.objects.filter(customer=customer, source=source, account_id=account_id)
                   .values_list("channel", "priority"))
    rows = [CustomerSubscription(org_id=customer.org_id, customer=customer, channel=channel, priority=priority,
                                 source=source, account_id=account_id, is_subscribed=True)
            for channel in dict.fromkeys(opened) for priority in PRIORITIES if (channel, priority) not in existing]
    CustomerSubscription.objects.bulk_create(rows)


@transaction.atomic
def customer_create(*, org, source, identifiers: list[dict], till=None, user=None, account_id: str = "",
                    first_name: str = "", last_name: str = "", loyalty_type=LoyaltyType.LOYALTY, gender: str = "",
                    birth_date=None, anniversary_date=None, language: str = "", comm_channels=None,
                    extended_fields=None, custom_fields=None, registered_on=None, associated_with: str = "",
                    status_label: str | None = None, referred_by_code: str = "") -> tuple[Customer, list]:
    """Register a customer in a source account; returns (customer, warnings).

    An identifier already known from another source adds this source account to that SAME customer (warning 8050)
    and attaches the new identifiers; details of the existing customer are not changed. Known in the same source
    account: CustomerExistsSameSource (8006). Identifiers of two different customers: ConflictingCustomers (8052).
    """
    source, account_id = _source_and_account(source, account_id)
    parsed = identifiers_parse(org=org, items=identifiers)
    if not parsed:
        raise errors.NoValidIdentifiers(field="identifiers")
    mandatory_identifiers_check(org=org, types={item["type"] for item in parsed})
    channels = comm_channels_parse(comm_channels)
    warnings: list = []
    extended, custom, field_warnings = _validated_fields(org=org, extended_fields=extended_fields,
                                                         custom_fields=custom_fields, partial=False)
    warnings += field_warnings
    owners = _owners_of(org=org, identifiers=parsed)
    owner_ids = {row.customer_id for row in owners.values()}
    if len(owner_ids) > 1:
        raise errors.ConflictingCustomers(field="identifiers")
    if owner_ids:
        existing = next(iter(owners.values())).customer
        return _combine_into(customer=existing, source=source, account_id=account_id, parsed=parsed, owners=owners,
                             channels=channels, till=till, user=user, warnings=warnings)
    loyalty = _loyalty_type(loyalty_type) or LoyaltyType.LOYALTY
    registered_at = as_datetime(registered_on, field="registeredOn") or timezone.now()
    if registered_at > timezone.now() + REGISTRATION_FUTURE_SKEW:
        raise errors.RegistrationDateInvalid(field="registeredOn")
    if status_label not in (None, ""):
        status, label = customer_status_label_resolve(org=org, label=status_label)
    else:
        status, label, configured = customer_default_status(org=org)
        if not configured:
            warnings.append(errors.DefaultStatusLabelNotSet())
    registration_till = _registration_till(org=org, till=till, associated_with=associated_with, warnings=warnings)
    columns = {"gender": gender or "", "birth_date": as_date(birth_date, field="birthDate"),
               "anniversary_date": as_date(anniversary_date, field="anniversaryDate"), "language": language or ""}
    columns.update({k: v for k, v in mirror_extended_fields(extended).items() if not columns.get(k)})
    customer = Customer(
        org=org, first_name=(first_name or "").strip()[:100], last_name=(last_name or "").strip()[:100],
        loyalty_type=loyalty, status=status, status_label=label, registered_on=registered_at,
        registered_source=source, registered_till=registration_till,
        registered_store=registration_till.store if registration_till else None, modified_by_till=till,
        extended_fields={k: v for k, v in extended.items() if v is not None}, custom_fields=custom,
        referred_by_code=(referred_by_code or "").strip()[:64], **columns)
    customer.full_clean()
    customer.save()
    profile = CustomerProfile(org=org, customer=customer, source=source, account_id=account_id,
                              created_by_till=till, modified_by_till=till)
    profile.save()
    CustomerIdentifier.objects.bulk_create([
        CustomerIdentifier(org=org, customer=customer, profile=profile, type=item["type"], value=item["value"],
                           source=source, account_id=account_id, attributes=item["attributes"]) for item in parsed])
    for item in parsed:
        hooks.identifier_added(customer=customer, type=item["type"], value=item["value"],
                               attributes=item["attributes"], till=till, user=user)
    _comm_channels_upsert(customer=customer, profile=profile, channels=channels)
    default_subscriptions_create(customer=customer, identifiers=parsed, channels=channels)
    events.customer_registered_event(customer, source=source, account_id=account_id, till=till, user=user)
    events.customer_status_changed_event(customer, previous_status=None, previous_label=None, reason="Registered",
                                         till=till, user=user)
    if customer.referred_by_code:
        _referral_record(org=org, customer=customer, till=till, warnings=warnings)
    return customer, warnings


def _referral_record(*, org, customer: Customer, till, warnings: list) -> None:
    """Credit the referrer; a bad referral code is a warning, never a reason to refuse the registration."""
    from apps.core.errors import DomainError
    from apps.referrals.services import referral_registration_record  # referrals builds on customers

    try:
        with transaction.atomic():
            referral_registration_record(org=org, referee=customer, code=customer.referred_by_code, till=till)
    except DomainError as exc:
        warnings.append(exc)


def _combine_into(*, customer: Customer, source: str, account_id: str, parsed: list[dict], owners: dict,
                  channels: list[dict], till, user, warnings: list) -> tuple[Customer, list]:
    """Add a source account (and its new identifiers) to an existing customer."""
    profile, created = profile_ensure(customer=customer, source=source, account_id=account_id, till=till, user=user)
    if not created:
        raise errors.CustomerExistsSameSource(customer_id=customer.pk)
    taken_types = set(customer.identifiers.values_list("type", flat=True))
    for item in parsed:
        if (item["type"], item["value"]) in owners:
            continue
        if item["type"] in taken_types:
            warnings.append(errors.IdentifierUpdateIgnored(name=item["type"]))
            continue
        identifier_attach(customer=customer, profile=profile, type=item["type"], value=item["value"],
                          attributes=item["attributes"], till=till, user=user)
    _comm_channels_upsert(customer=customer, profile=profile, channels=channels)
    default_subscriptions_create(customer=customer, identifiers=parsed, channels=channels, source=source,
                                 account_id=account_id)
    warnings.insert(0, errors.CombinedWithOtherSource())
    return customer, warnings


def _identifiers_fill(*, customer: Customer, profile: CustomerProfile, parsed: list[dict], till, user,
                      warnings: list) -> list[str]:
    """Update's identifier rule: new types are added, known values ignored, other values are refused or ignored."""
    owners = _owners_of(org=customer.org, identifiers=parsed) if parsed else {}
    mine = {(row.type, row.value) for row in customer.identifiers.all()}
    types = {kind for kind, _ in mine}
    changed = []
    for item in parsed:
        key = (item["type"], item["value"])
        if key in mine:
            continue
        owner = owners.get(key)
        if owner is not None and owner.customer_id != customer.pk:
            raise errors.IdentifierOwnedByOther(field="identifiers")
        if item["type"] in types:
            warnings.append(errors.IdentifierUpdateIgnored(name=item["type"]))
            continue
        identifier_attach(customer=customer, profile=profile, type=item["type"], value=item["value"],
                          attributes=item["attributes"], till=till, user=user)
        types.add(item["type"])
        changed.append(f"identifier:{item['type']}")
    return changed


@transaction.atomic
def customer_update(*, org, customer: Customer, till=None, user=None, source=None, account_id: str = "",
                    first_name: str | None = None, last_name: str | None = None, gender: str | None = None,
                    birth_date=None, anniversary_date=None, language: str | None = None, loyalty_type=None,
                    extended_fields=None, custom_fields=None, comm_channels=None, identifiers=None,
                    associated_with: str | None = None, status_label: str | None = None,
                    status_reason: str = "") -> tuple[Customer, list]:
    """Update profile details (None leaves a field as it is); returns (customer, warnings).

    Identifiers are not changed here (use customer_identifiers_change): a new identifier type is added, a known
    value is ignored, a value of another customer is refused (8008). Loyalty -> non-loyalty is refused (8018).
    """
    if customer.org_id != org.pk:
        raise errors.CustomerNotFound()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    warnings: list = []
    changed: list[str] = []
    profile = None
    if source not in (None, ""):
        parsed_source, parsed_account = _source_and_account(source, account_id)
        profile, _ = profile_ensure(customer=customer, source=parsed_source, account_id=parsed_account, till=till,
                                    user=user)
    extended, custom, field_warnings = _validated_fields(org=org, extended_fields=extended_fields,
                                                         custom_fields=custom_fields, partial=True)
    warnings += field_warnings
    for name, value in (("first_name", first_name), ("last_name", last_name), ("gender", gender),
                        ("language", language)):
        if value is not None and getattr(customer, name) != str(value).strip()[:100]:
            setattr(customer, name, str(value).strip()[:100])
            changed.append(name)
    for name, value in (("birth_date", birth_date), ("anniversary_date", anniversary_date)):
        if value is not None:
            setattr(customer, name, as_date(value, field=name))
            changed.append(name)
    if extended:
        merged = {**customer.extended_fields, **extended}
        customer.extended_fields = {k: v for k, v in merged.items() if v is not None}
        for column, value in mirror_extended_fields(extended).items():
            setattr(customer, column, value if value is not None else (None if column.endswith("date") else ""))
        changed.append("extendedFields")
    if custom:
        customer.custom_fields = {**customer.custom_fields, **custom}
        changed.append("customFields")
    previous_loyalty = customer.loyalty_type
    new_loyalty = _loyalty_type(loyalty_type)
    if new_loyalty and new_loyalty != previous_loyalty:
        if previous_loyalty == LoyaltyType.LOYALTY:
            raise errors.LoyaltyDowngradeRefused(field="loyaltyType")
        customer.loyalty_type = new_loyalty
    if associated_with not in (None, ""):
        other = _registration_till(org=org, till=None, associated_with=associated_with, warnings=warnings)
        if other is not None:
            customer.registered_till, customer.registered_store = other, other.store
            changed.append("associatedWith")
    if identifiers:
        profile = profile or customer.profiles.order_by("id").first()
        changed += _identifiers_fill(customer=customer, profile=profile,
                                     parsed=identifiers_parse(org=org, items=identifiers), till=till, user=user,
                                     warnings=warnings)
    channels = comm_channels_parse(comm_channels)
    if channels:
        _comm_channels_upsert(customer=customer, profile=profile, channels=channels)
        changed.append("commChannels")
    customer.modified_by_till = till or customer.modified_by_till
    customer.full_clean()
    customer.save()
    if profile is not None:
        CustomerProfile.objects.filter(pk=profile.pk).update(modified_by_till=till or profile.modified_by_till,
                                                              updated_at=timezone.now())
    if customer.loyalty_type != previous_loyalty:
        events.customer_loyalty_type_changed_event(customer, previous=previous_loyalty, till=till, user=user)
    if changed:
        events.customer_updated_event(customer, changed=changed, till=till, user=user)
    if status_label not in (None, ""):
        from .lifecycle import customer_status_change

        customer = customer_status_change(org=org, customer=customer, label=status_label, reason=status_reason,
                                          till=till, user=user)
    return customer, warnings
