"""Reads of the organisation domain. Every function takes the caller's org and never leaves it."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.orgcache import org_data, org_data_changed

from . import errors
from .configs import CONFIG_KEYS
from .models import Concept, CustomField, Location, OrgConfig, PaymentMode, Store, Till, Zone

ORG_CONFIGS_DATA = "org-configs"


def org_config_map(*, org) -> dict[str, str]:
    """All org-level config values (explicit ones over registry defaults): the process's copy (apps.core.orgcache),
    reloaded after any change to the org's configs. Shared: read-only for callers."""
    def load() -> dict[str, str]:
        values = {k: c.default for k, c in CONFIG_KEYS.items()}
        values.update(dict(OrgConfig.objects.for_org(org).filter(store__isnull=True).values_list("key", "value")))
        return values

    return org_data(org.pk, ORG_CONFIGS_DATA, ("map",), load)


def org_config_cache_clear(*, org) -> None:
    """Every process reloads the org's config values on its next read."""
    org_data_changed(org.pk, ORG_CONFIGS_DATA)


def org_config_value(*, org, key: str, store=None) -> str | None:
    """One config value: the store's override when a store is given and has one, else the org's, else the default."""
    if store is not None:
        override = OrgConfig.objects.for_org(org).filter(store=store, key=key).values_list("value", flat=True).first()
        if override is not None:
            return override
    return org_config_map(org=org).get(key)


def org_config_flag(*, org, key: str, store=None) -> bool:
    return org_config_value(org=org, key=key, store=store) in ("1", "true", "True")


def org_config_list(*, org) -> list[dict]:
    """Every known key with its effective org value, scope and type, sorted by key."""
    values = org_config_map(org=org)
    rows = []
    for key in sorted(set(values) | set(CONFIG_KEYS)):
        meta = CONFIG_KEYS.get(key)
        rows.append({"key": key, "value": values.get(key, ""), "value_type": meta.value_type if meta else "STRING",
                     "module": meta.module if meta else "LOYALTY", "scope": "ORG"})
    return rows


def store_config_list(*, org, store) -> list[dict]:
    """The store-scoped keys with the value in force at this store."""
    overrides = dict(OrgConfig.objects.for_org(org).filter(store=store).values_list("key", "value"))
    values = org_config_map(org=org)
    rows = []
    for key, meta in sorted(CONFIG_KEYS.items()):
        if meta.store_scoped:
            rows.append({"key": key, "value": overrides.get(key, values.get(key, meta.default)),
                         "value_type": meta.value_type, "module": meta.module,
                         "scope": "STORE" if key in overrides else "ORG"})
    return rows


def store_list(*, org) -> QuerySet[Store]:
    return Store.objects.for_org(org).select_related("zone", "concept").order_by("code", "id")


def store_get(*, org, store_id=None, external_id: str | None = None, code: str | None = None) -> Store:
    """One store by id, code or external id; StoreNotFound for a missing or foreign one."""
    qs = store_list(org=org)
    if code not in (None, ""):
        store = qs.filter(code=code).first()
    elif store_id not in (None, ""):
        try:
            store = qs.filter(pk=int(store_id)).first()
        except (TypeError, ValueError):
            store = None
    elif external_id not in (None, ""):
        store = qs.filter(Q(external_id=external_id) | Q(external_id_1=external_id) | Q(external_id_2=external_id)).first()
    else:
        raise errors.StoreIdentifierMissing()
    if store is None:
        raise errors.StoreNotFound()
    return store


def till_list(*, org) -> QuerySet[Till]:
    return Till.objects.for_org(org).select_related("store").order_by("code", "id")


def till_get(*, org, till_id=None, code: str | None = None, name: str | None = None, active_only: bool = False) -> Till:
    """One till by id, code or name; TillNotFound for a missing or foreign one."""
    qs = till_list(org=org)
    if active_only:
        qs = qs.filter(is_active=True)
    if till_id not in (None, ""):
        try:
            till = qs.filter(pk=int(till_id)).first()
        except (TypeError, ValueError):
            till = None
    elif code:
        till = qs.filter(code=code).first()
    elif name:
        till = qs.filter(name=name).first()
    else:
        raise errors.TillIdentifierMissing()
    if till is None:
        raise errors.TillNotFound()
    return till


def zone_list(*, org) -> QuerySet[Zone]:
    return Zone.objects.for_org(org).select_related("parent").order_by("code", "id")


def concept_list(*, org) -> QuerySet[Concept]:
    return Concept.objects.for_org(org).order_by("code", "id")


def payment_mode_list(*, org, attribute_name: str | None = None) -> QuerySet[PaymentMode]:
    qs = PaymentMode.objects.for_org(org).filter(is_active=True).order_by("position", "name", "id")
    if attribute_name:
        qs = qs.filter(attributes__has_key=attribute_name)
    return qs


def custom_field_list(*, org, scope: str | None = None) -> QuerySet[CustomField]:
    qs = CustomField.objects.for_org(org).order_by("scope", "position", "name", "id")
    if scope:
        qs = qs.filter(scope=scope)
    return qs


CUSTOM_FIELDS_DATA = "custom-fields"
STORE_CONFIGS_DATA = "store-configs"
TENDERS_DATA = "tenders"


def custom_field_definitions(*, org, scope: str) -> tuple[CustomField, ...]:
    """The scope's custom fields, from the process's copy while none changed (read-only; apps.core.orgcache)."""
    return org_data(org.pk, CUSTOM_FIELDS_DATA, (scope,), lambda: tuple(custom_field_list(org=org, scope=scope)))


def payment_modes_active(*, org) -> tuple[PaymentMode, ...]:
    """The org's active tenders, from the process's copy while none changed (read-only)."""
    return org_data(org.pk, TENDERS_DATA, ("active",),
                    lambda: tuple(PaymentMode.objects.for_org(org).filter(is_active=True).order_by("position", "id")))


def location_list(*, org, codes: list[str] | None = None) -> QuerySet[Location]:
    qs = Location.objects.for_org(org).order_by("code", "id")
    if codes:
        qs = qs.filter(code__in=codes)
    return qs


ENTITY_PARENT_FILTERS = {
    # parent_identifier_type -> {child entity type: lookup}
    "STORE_CODE": {"TILL": "store__code", "STR_SERVER": "store__code"},
    "STORE_ID": {"TILL": "store_id", "STR_SERVER": "store_id"},
    "STORE_EXTERNAL_ID": {"TILL": "store__external_id", "STR_SERVER": "store__external_id"},
    "CONCEPT_CODE": {"STORE": "concept__code", "TILL": "store__concept__code", "STR_SERVER": "store__concept__code"},
    "CONCEPT_ID": {"STORE": "concept_id", "TILL": "store__concept_id", "STR_SERVER": "store__concept_id"},
    "ZONE_CODE": {"STORE": "zone__code", "ZONE": "parent__code", "TILL": "store__zone__code"},
    "ZONE_ID": {"STORE": "zone_id", "ZONE": "parent_id", "TILL": "store__zone_id"},
}


def entity_queryset(*, org, entity_type: str):
    """The org's entities of one platform type (STORE, TILL, STR_SERVER, ZONE, CONCEPT), ordered by id."""
    from .choices import EntityType

    if entity_type == EntityType.STORE:
        return Store.objects.for_org(org).select_related("org").order_by("id")
    if entity_type in (EntityType.TILL, EntityType.STR_SERVER):
        return Till.objects.for_org(org).filter(type=entity_type).select_related("store", "org").order_by("id")
    if entity_type == EntityType.ZONE:
        return Zone.objects.for_org(org).order_by("id")
    return Concept.objects.for_org(org).order_by("id")


def entity_list(*, org, entity_type: str, ids: list[int] | None = None, parent_type: str | None = None,
                parent_value: str | None = None, active_only: bool = False, start_id: int | None = None,
                modified_since=None, limit: int = 500):
    """A page of org entities with the total that matched: (rows, total)."""
    qs = entity_queryset(org=org, entity_type=entity_type)
    if ids:
        qs = qs.filter(pk__in=ids)
    if parent_type:
        lookup = ENTITY_PARENT_FILTERS.get(parent_type, {}).get(entity_type)
        if lookup is None:
            from apps.core.errors import InvalidInput

            raise InvalidInput(f"Invalid input. parent_identifier_type {parent_type} is not a parent of {entity_type}",
                               field="parent_identifier_type")
        if lookup.endswith("_id") and not str(parent_value or "").isdigit():
            return [], 0
        qs = qs.filter(**{lookup: parent_value})
    if active_only:
        qs = qs.filter(is_active=True)
    if modified_since:
        qs = qs.filter(updated_at__date__gte=modified_since)
    total = qs.count()
    if start_id:
        qs = qs.filter(pk__gt=start_id)
    return list(qs[:limit]), total
