"""Writes of the organisation domain: orgs, hierarchy, tills, config, tenders, custom fields, locations."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from . import errors
from .configs import CONFIG_KEYS, coerce
from .models import Concept, CustomField, Location, OrgConfig, Organization, PaymentMode, Store, Till, Zone


@transaction.atomic
def organization_create(*, name: str, code: str, base_currency: str = "INR", timezone: str = "UTC",
                        default_locale: str = "en", **fields) -> Organization:
    """Create an organisation (platform operators only)."""
    org = Organization(name=name, code=code, base_currency=base_currency, timezone=timezone,
                       default_locale=default_locale, locales=fields.pop("locales", [default_locale]), **fields)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def zone_create(*, org: Organization, code: str, name: str, parent: Zone | None = None, description: str = "") -> Zone:
    zone = Zone(org=org, code=code, name=name, parent=parent, description=description)
    zone.full_clean()
    zone.save()
    return zone


@transaction.atomic
def concept_create(*, org: Organization, code: str, name: str, description: str = "") -> Concept:
    concept = Concept(org=org, code=code, name=name, description=description)
    concept.full_clean()
    concept.save()
    return concept


def _decimal_or_none(value, field: str):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        from apps.core.errors import InvalidInput

        raise InvalidInput(f"Invalid input. {field}: must be a number", field=field) from None


@transaction.atomic
def store_create(*, org: Organization, code: str, name: str, zone_id: int | None = None, concept_id: int | None = None,
                 external_ids: list[str] | None = None, latitude=None, longitude=None,
                 custom_fields: dict | None = None, **fields) -> Store:
    """Create a store under the org; parent zone and concept must be the org's own."""
    if Store.objects.for_org(org).filter(code=code).exists():
        raise errors.StoreCodeExists()
    if Store.objects.for_org(org).filter(name=name).exists():
        raise errors.StoreNameExists()
    zone = concept = None
    if zone_id not in (None, "", 0, -1):
        zone = Zone.objects.for_org(org).filter(pk=zone_id).first()
        if zone is None:
            raise errors.ParentZoneNotFound(value=zone_id)
    if concept_id not in (None, "", 0, -1):
        concept = Concept.objects.for_org(org).filter(pk=concept_id).first()
        if concept is None:
            raise errors.ParentConceptNotFound(value=concept_id)
    ids = [i for i in (external_ids or []) if i][:3]
    ids += [""] * (3 - len(ids))
    if ids[0] and Store.objects.for_org(org).filter(external_id=ids[0]).exists():
        raise errors.StoreExternalIdExists()
    known = set(_custom_field_names(org, "store"))
    unknown = sorted(set(custom_fields or {}) - known)
    if unknown:
        from apps.core.errors import InvalidInput

        raise InvalidInput(f"Invalid input. customFields: unknown store custom field(s) {', '.join(unknown)}",
                           field="customFields")
    store = Store(org=org, code=code, name=name, zone=zone, concept=concept, external_id=ids[0],
                  external_id_1=ids[1], external_id_2=ids[2], latitude=_decimal_or_none(latitude, "latitude"),
                  longitude=_decimal_or_none(longitude, "longitude"), custom_fields=custom_fields or {}, **fields)
    store.full_clean()
    store.save()
    return store


def _custom_field_names(org, scope: str) -> list[str]:
    return list(CustomField.objects.for_org(org).filter(scope=scope, is_disabled=False).values_list("name", flat=True))


@transaction.atomic
def till_create(*, org: Organization, store: Store, code: str, name: str = "", password: str | None = None,
                username: str | None = None, access_groups=(), **fields) -> Till:
    """Create a till of one of the org's stores, with Basic credentials when a password is given."""
    if store.org_id != org.pk:
        raise errors.StoreNotFound()
    username = username or code
    if Till.objects.filter(username=username).exists():
        raise errors.TillUsernameTaken()
    till = Till(org=org, store=store, code=code, name=name or code, username=username, **fields)
    if password:
        till.set_api_password(password)
    till.full_clean()
    till.save()
    if access_groups:
        till.access_groups.set(access_groups)
    return till


@transaction.atomic
def till_set_password(*, org: Organization, till: Till, password: str) -> Till:
    """Replace a till's Basic password; cached authentications of the old one stop working."""
    if till.org_id != org.pk:
        raise errors.TillNotFound()
    till.set_api_password(password)
    till.save(update_fields=["password", "updated_at"])
    return till


@transaction.atomic
def org_config_set(*, org: Organization, key: str, value, store: Store | None = None) -> OrgConfig:
    """Set one configuration value of the org (or of one of its stores), validated against the registry."""
    meta = CONFIG_KEYS.get(key)
    if meta is None:
        raise errors.ConfigKeyNotFound(key=key)
    if store is not None and (store.org_id != org.pk or not meta.store_scoped):
        raise errors.ConfigValueInvalid(f"Configuration '{key}' cannot be set per store")
    try:
        normalised = coerce(meta, value)
    except ValueError as exc:
        raise errors.ConfigValueInvalid(str(exc)) from None
    if meta.validate is not None:
        meta.validate(normalised)
    # The save signal moves the org's config token (apps.organizations.signals): every process reloads.
    config, _ = OrgConfig.objects.update_or_create(org=org, store=store, key=key, defaults={"value": normalised})
    return config


@transaction.atomic
def payment_mode_create(*, org: Organization, name: str, canonical_name: str, description: str = "",
                        attributes: dict | None = None, position: int = 0) -> PaymentMode:
    mode = PaymentMode(org=org, name=name, canonical_name=canonical_name, description=description,
                       attributes=attributes or {}, position=position)
    mode.full_clean()
    mode.save()
    return mode


@transaction.atomic
def custom_field_create(*, org: Organization, name: str, label: str, scope: str, **fields) -> CustomField:
    field = CustomField(org=org, name=name, label=label, scope=scope, **fields)
    field.full_clean()
    field.save()
    return field


@transaction.atomic
def location_create(*, org: Organization, code: str, label: str, tags: list[str] | None = None) -> Location:
    """Add a location; its code is unique within the org."""
    if Location.objects.for_org(org).filter(code=code).exists():
        raise errors.LocationCodeExists()
    location = Location(org=org, code=code, label=label, tags=list(tags or []))
    location.full_clean()
    location.save()
    return location
