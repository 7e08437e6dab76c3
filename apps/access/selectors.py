"""Reads of the access domain: who a credential is and what it may do."""
from __future__ import annotations

import copy

from apps.core.orgcache import global_data
from apps.organizations.models import Store, Till

from .errors import AttributionInvalid
from .models import ApiClient
from .principal import Principal, merge_permissions


def _share_org(till: Till | None, org) -> None:
    """The till's store belongs to the same org: give it the org already loaded (store.org is read on every bill,
    e.g. for the store's time zone), instead of a query of its own."""
    if till is not None and till.store_id and till.store.org_id == org.pk:
        till.store.org = org
        till.org = org


CREDENTIALS_DATA = "credentials"


def till_for_login(*, username: str) -> Till | None:
    """The till with this Basic username, with its store, org and access groups: private copies of the process's
    cached ones (apps.core.orgcache; two queries when any till, store, org or access group changed since)."""
    def load() -> Till | None:
        till = (Till.objects.select_related("store", "org").prefetch_related("access_groups")
                .filter(username=username).first())
        if till is not None:
            _share_org(till, till.org)
        return till

    cached = global_data(CREDENTIALS_DATA, (username,), load)
    if cached is None:
        return None
    till, org, store = copy.copy(cached), copy.copy(cached.org), copy.copy(cached.store)
    store.org = org
    till.org, till.store = org, store
    return till


def client_for_token(*, client_id: int) -> ApiClient | None:
    client = (ApiClient.objects.select_related("till", "till__store", "org")
              .prefetch_related("access_groups", "till__access_groups").filter(pk=client_id).first())
    if client is not None:
        _share_org(client.till, client.org)
    return client


def principal_for_till(till: Till) -> Principal:
    return Principal(org=till.org, till=till, store=till.store, kind="till", credential=f"till:{till.pk}",
                     permissions=merge_permissions(till.access_groups.all()))


def principal_for_client(client: ApiClient, *, till: Till | None = None) -> Principal:
    groups = list(client.access_groups.all()) or list(client.till.access_groups.all())
    acting = till or client.till
    return Principal(org=client.org, till=acting, store=acting.store, kind="client",
                     credential=f"client:{client.pk}", permissions=merge_permissions(groups), client=client)


ATTRIBUTION_STORE_FIELDS = {
    "STORE_CODE": "code", "STORE_NAME": "name", "STORE_EXTERNAL_ID": "external_id",
    "STORE_EXTERNAL_ID_1": "external_id_1", "STORE_EXTERNAL_ID_2": "external_id_2",
}


def attributed_till(*, org, entity_type: str, entity_code: str) -> Till:
    """The till an OAuth call is attributed to by the X-CAP-API-ATTRIBUTION-ENTITY-* headers."""
    entity_type = (entity_type or "TILL").upper()
    tills = Till.objects.for_org(org).filter(is_active=True).select_related("store")
    if entity_type == "TILL":
        till = tills.filter(code=entity_code).first()
    elif entity_type in ATTRIBUTION_STORE_FIELDS:
        store = Store.objects.for_org(org).filter(**{ATTRIBUTION_STORE_FIELDS[entity_type]: entity_code},
                                                  is_active=True).first()
        till = tills.filter(store=store).order_by("-is_default", "id").first() if store else None
    else:
        till = None
    if till is None:
        raise AttributionInvalid()
    return till
