"""Reads of the customer domain. Every function takes the caller's org; another org's customer is "not found"."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import phonenumbers

from django.db import connection
from django.db import models
from django.db.models import F, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower

from apps.core.rows import row_query
from apps.organizations.selectors import org_config_flag

from . import errors
from .choices import IDENTIFIER_ID, CustomerEventType, CustomerStatus, IdentifierType
from .identifiers import identifier_normalise, identifier_type_parse, mobile_normalise, region_of, source_parse
from .models import (
    Customer, CustomerEvent, CustomerIdentifier, CustomerImage, CustomerInteraction, CustomerNote, CustomerPreference,
    CustomerProfile, CustomerStatusLabel, CustomerSubscription, CustomerTicket,
)

# A search looks at no more than this many matching customers per matched field (first names, last names,
# identifiers): the answer is bounded whatever the prefix, and `total` is capped accordingly.
SEARCH_MATCH_LIMIT = 500
SEARCH_MAX_QUERY_LENGTH = 100

DETAIL_PREFETCH = (
    Prefetch("profiles", queryset=CustomerProfile.objects.select_related("created_by_till", "modified_by_till")
             .order_by("id")),
    Prefetch("identifiers", queryset=CustomerIdentifier.objects.order_by("id")),
    "comm_channels",
)


def customer_queryset(*, org) -> QuerySet[Customer]:
    """The org's customers with their registration store and tills joined."""
    return Customer.objects.for_org(org).select_related("registered_till", "registered_store", "modified_by_till")


def _customer_pk(customer_id) -> int | None:
    try:
        pk = int(str(customer_id).strip())
    except (TypeError, ValueError):
        return None
    return pk if pk > 0 else None


def customer_get(*, org, customer_id) -> Customer:
    """One customer of the org by id; CustomerNotFound for a missing, malformed or foreign id."""
    pk = _customer_pk(customer_id)
    customer = customer_queryset(org=org).filter(pk=pk).first() if pk else None
    if customer is None:
        raise errors.CustomerNotFound(field="customerId")
    return customer


def customer_details_prefetch(customers: list[Customer]) -> list[Customer]:
    """Load profiles, identifiers and contact points of the given customers in three queries."""
    from django.db.models import prefetch_related_objects

    # The registration tills/store are joined already when the customer came from customer_get (then skipped).
    prefetch_related_objects(customers, "registered_till", "registered_store", "modified_by_till", *DETAIL_PREFETCH)
    return customers


def customer_detail_get(*, org, customer_id) -> Customer:
    """customer_get with everything the detail shapes (v2 profiles, v1.1 customer) need."""
    customer = customer_get(org=org, customer_id=customer_id)
    customer_details_prefetch([customer])
    return customer


def customer_lookup(*, org, identifier_type: str, value: str, source: str | None = None,
                    account_id: str | None = None, query=None) -> Customer:
    """The customer an identifier names (one indexed query); `id` names the customer directly.

    `source` is validated (SourceInvalid) but does not narrow the search: an identifier names one customer of
    the org whichever source account registered it, so a POS looking up with INSTORE finds app-registered members.
    query(tail, params) -> Customer | None runs the lookup instead of rows.row_query(Customer, tail, params): a
    statement of the caller's that reads more beside the customer (the bill path's locks and reads).
    """
    if source not in (None, ""):
        source_parse(source, allow_all=True)
    if value in (None, ""):
        raise errors.LookupIdentifierMissing(field="identifierValue")
    kind = identifier_type_parse(identifier_type, allow_id=True)
    if kind == IDENTIFIER_ID:
        return customer_get(org=org, customer_id=value)
    try:
        normalised = identifier_normalise(org=org, type=kind, value=value)
    except errors.CustomerError:
        raise errors.CustomerNotFound(field="identifierValue") from None
    # The unique (org, type, value) index answers it: one row, no sort (a statement built once: every API call that
    # names a customer comes through here).
    tail, params = _identifier_join_tail(), [org.pk, kind, normalised]
    customer = row_query(Customer, tail, params) if query is None else query(tail, params)
    if customer is None:
        raise errors.CustomerNotFound(field="identifierValue")
    return customer


@lru_cache(maxsize=1)
def _identifier_join_tail() -> str:
    """The join and filter of customer_lookup (built once, after the apps are loaded)."""
    quote = connection.ops.quote_name
    identifiers, customers = quote(CustomerIdentifier._meta.db_table), quote(Customer._meta.db_table)
    return (f"INNER JOIN {identifiers} ON {identifiers}.{quote('customer_id')} = {customers}.{quote('id')} "
            f"WHERE {identifiers}.{quote('org_id')} = %s AND {identifiers}.{quote('type')} = %s "
            f"AND {identifiers}.{quote('value')} = %s LIMIT 1")


def _primary_identifier_types(*, org) -> list[str]:
    """Identifier types the org registers customers by, most important first (dual-eligibility lookups)."""
    order = []
    if org_config_flag(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED"):
        order.append(IdentifierType.MOBILE)
    if org_config_flag(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED"):
        order.append(IdentifierType.EMAIL)
    if org_config_flag(org=org, key="CONF_USERS_IS_EXTERNAL_ID_REQUIRED"):
        order.append(IdentifierType.EXTERNAL_ID)
    return order or [IdentifierType.MOBILE, IdentifierType.EMAIL, IdentifierType.EXTERNAL_ID]


def customer_lookup_by_names(*, org, identifier_names: str, identifier_values: str, source: str | None = None,
                             account_id: str | None = None, query=None) -> Customer:
    """Lookup with `identifierName`/`identifierValue`, which may be comma-separated lists of the same length.

    With several identifiers (dual eligibility) only the org's primary identifier is used; when none of the
    given names is primary the answer is CustomerNotFound, as the platform documents.
    """
    names = [n.strip() for n in str(identifier_names or "").split(",")]
    values = [v.strip() for v in str(identifier_values or "").split(",")]
    if not any(names):
        raise errors.IdentifierNameInvalid(field="identifierName")
    if not any(values):
        raise errors.LookupIdentifierMissing(field="identifierValue")
    if len(names) == 1:
        return customer_lookup(org=org, identifier_type=names[0], value=values[0], source=source,
                               account_id=account_id, query=query)
    if len(names) != len(values):
        raise errors.IdentifierNameInvalid("Lookup, identifierName and identifierValue lists differ in length",
                                           field="identifierName")
    given = {identifier_type_parse(name, allow_id=True): value for name, value in zip(names, values)}
    for kind in _primary_identifier_types(org=org):
        if given.get(kind):
            return customer_lookup(org=org, identifier_type=kind, value=given[kind], source=source,
                                   account_id=account_id, query=query)
    raise errors.CustomerNotFound(field="identifierName")


V11_IDENTIFIER_KEYS = (("id", IDENTIFIER_ID), ("user_id", IDENTIFIER_ID), ("mobile", IdentifierType.MOBILE),
                       ("email", IdentifierType.EMAIL), ("external_id", IdentifierType.EXTERNAL_ID),
                       ("card_number", IdentifierType.CARD_NUMBER),
                       ("card_external_id", IdentifierType.CARD_EXTERNAL_ID))


def customer_find(*, org, identifiers: dict, query=None) -> Customer:
    """The customer named by the first identifier present in a v1.1-style dict (`id`, `mobile`, `email`, ...);
    query as customer_lookup's."""
    for key, kind in V11_IDENTIFIER_KEYS:
        value = identifiers.get(key)
        if value not in (None, ""):
            return customer_lookup(org=org, identifier_type=kind, value=str(value), query=query)
    raise errors.LookupIdentifierMissing()


# -- search --------------------------------------------------------------------------------------------
def _identifier_prefixes(org, q: str) -> set[str]:
    """Prefixes an identifier value may start with for q: as typed, lower-cased, digits only, as a normalised mobile."""
    values = {q, q.lower()}
    digits = "".join(ch for ch in q if ch.isdigit())
    if digits and not any(ch.isalpha() for ch in q):
        values.add(digits)  # "+91 98450" -> "9198450": a mobile prefix typed with punctuation
        if not q.lstrip().startswith("+"):
            # "98450" typed without the country code: mobiles are stored with it ("9198450...").
            values.add(f"{phonenumbers.country_code_for_region(region_of(org))}{digits.lstrip('0')}")
        phone = mobile_normalise(q, org=org)
        if phone:
            values.add(phone)
    return {v for v in values if v}


def _search_id_branches(org, q: str) -> list[QuerySet]:
    needle = q.lower()
    customers = Customer.objects.for_org(org)
    branches = [
        customers.annotate(_first=Lower("first_name")).filter(_first__startswith=needle).values_list("pk", flat=True),
        customers.annotate(_last=Lower("last_name")).filter(_last__startswith=needle).values_list("pk", flat=True),
    ]
    identifiers = CustomerIdentifier.objects.filter(org=org)
    for value in sorted(_identifier_prefixes(org, q)):
        branches.append(identifiers.filter(value__startswith=value).values_list("customer_id", flat=True))
    return [branch.order_by()[:SEARCH_MATCH_LIMIT] for branch in branches]


class SearchResultQuerySet(QuerySet):
    """A search answer whose size the search already knows; count() answers from it until the queryset is
    narrowed (any clone forgets it)."""

    known_count: int | None = None

    @classmethod
    def known(cls, qs: QuerySet, *, count: int) -> SearchResultQuerySet:
        result = cls(model=qs.model, query=qs.query.chain(), using=qs._db)
        result.known_count = count
        return result

    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count()


def _pk_in(ids: list[int]) -> Q | Func:
    """`id IN ids`; on PostgreSQL `id = ANY('{1,2,...}'::bigint[])` with ONE text parameter: a thousand-id IN list
    costs more to adapt and format client-side than the query costs to run."""
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    literal = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    return Func(F("pk"), Value(literal), template="%(expressions)s::bigint[])", arg_joiner=" = ANY(",
                output_field=models.BooleanField())


def customer_search(*, org, q: str | None = None, registered_from: date | datetime | None = None,
                    registered_to: date | datetime | None = None) -> QuerySet[Customer]:
    """Customers whose first name, last name or any identifier starts with q, optionally registered in a range.

    Each matched field contributes at most SEARCH_MATCH_LIMIT customers, read by index range scans that stop there
    on PostgreSQL (`text_pattern_ops` B-trees on (org, lower(name)) and (org, identifier value)); on SQLite the same
    LIKE 'q%' queries run without those indexes. Newest customers first.
    """
    qs = customer_queryset(org=org)
    text = (q or "").strip()[:SEARCH_MAX_QUERY_LENGTH]
    ids = None
    if text:
        branches = _search_id_branches(org, text)
        if connection.features.supports_slicing_ordering_in_compound:
            # One round trip: UNION of the capped index range scans (PostgreSQL).
            ids = set(branches[0].union(*branches[1:]))
        else:  # SQLite cannot LIMIT inside a compound statement: one query per branch
            ids = {pk for branch in branches for pk in branch}
        qs = qs.filter(_pk_in(sorted(ids)))
    if registered_from is not None:
        qs = qs.filter(registered_on__gte=registered_from)
    if registered_to is not None:
        qs = qs.filter(registered_on__lte=registered_to)
    qs = qs.order_by("-id")
    if ids is None or registered_from is not None or registered_to is not None:
        return qs
    # Every collected id is a customer of the org: the paginator need not count them again.
    return SearchResultQuerySet.known(qs, count=len(ids))


def customer_name_contains_ids(*, org, text: str) -> list[int]:
    """Ids of customers whose first or last name contains text (case-insensitive), at most SEARCH_MATCH_LIMIT.

    Three letters or more use the pg_trgm GIN indexes on PostgreSQL; shorter text is answered by the prefix search.
    """
    needle = (text or "").strip().lower()[:SEARCH_MAX_QUERY_LENGTH]
    if len(needle) < 3:
        return []
    qs = (Customer.objects.for_org(org).annotate(_first=Lower("first_name"), _last=Lower("last_name"))
          .filter(Q(_first__contains=needle) | Q(_last__contains=needle)).values_list("pk", flat=True).order_by())
    return list(qs[:SEARCH_MATCH_LIMIT])


def customer_search_matches(*, org, customer: Customer, q: str) -> list[dict]:
    """Which of a (prefetched) customer's fields matched q: `matchedIdentifiers` of the v2 search answer."""
    text = (q or "").strip()
    needle = text.lower()
    prefixes = _identifier_prefixes(org, text) if text else set()
    matches = []
    for name, value in (("firstName", customer.first_name), ("lastName", customer.last_name)):
        if needle and value.lower().startswith(needle):
            matches.append({"idType": name, "idValue": value, "source": customer.registered_source, "accountId": ""})
    for ident in customer.identifiers.all():
        if any(ident.value.startswith(prefix) for prefix in prefixes):
            matches.append({"idType": ident.type, "idValue": ident.value, "source": ident.source,
                            "accountId": ident.account_id})
    return matches


# -- status ---------------------------------------------------------------------------------------------
def customer_status_label_resolve(*, org, label: str) -> tuple[str, str]:
    """(status, label) for an org label, or a built-in status name when the org has no label by that name."""
    text = str(label or "").strip()
    if not text:
        raise errors.StatusLabelInvalid(field="label")
    row = CustomerStatusLabel.objects.for_org(org).filter(label__iexact=text).first()
    if row is not None:
        return row.status, row.label
    for status in CustomerStatus:
        if text.upper().replace(" ", "_") == status.value or text.lower() == status.label.lower():
            return status.value, status.label
    raise errors.StatusLabelInvalid(field="label")


def customer_default_status(*, org) -> tuple[str, str, bool]:
    """(status, label, label_configured): the org's default label, else ACTIVE/"Active" (warning 8107 if the org
    defines labels but none is the default)."""
    labels = list(CustomerStatusLabel.objects.for_org(org).order_by("-is_default", "id")[:1])
    if labels and labels[0].is_default:
        return labels[0].status, labels[0].label, True
    return CustomerStatus.ACTIVE, CustomerStatus.ACTIVE.label, not labels


def customer_status_label_list(*, org) -> QuerySet[CustomerStatusLabel]:
    return CustomerStatusLabel.objects.for_org(org).order_by("label", "id")


def customer_status_log(*, org, customer: Customer) -> QuerySet[CustomerEvent]:
    """Status changes of the customer, oldest first (the last one is the status in force)."""
    return (CustomerEvent.objects.for_org(org).filter(customer=customer, type=CustomerEventType.STATUS_CHANGED)
            .select_related("till", "user").order_by("created_at", "id"))


# -- subscriptions -------------------------------------------------------------------------------------
def customer_subscription_list(*, org, customer: Customer) -> QuerySet[CustomerSubscription]:
    return CustomerSubscription.objects.for_org(org).filter(customer=customer).order_by(
        "source", "account_id", "channel", "priority", "id")


def customer_subscription_log(*, org, customer: Customer) -> QuerySet[CustomerEvent]:
    """Opt-in / opt-out changes of the customer, oldest first."""
    return (CustomerEvent.objects.for_org(org)
            .filter(customer=customer, type=CustomerEventType.SUBSCRIPTION_CHANGED)
            .select_related("till", "user").order_by("created_at", "id"))


# -- notes, preferences, tickets, interactions, images -------------------------------------------------
def customer_note_list(*, org, customer: Customer) -> QuerySet[CustomerNote]:
    return CustomerNote.objects.for_org(org).filter(customer=customer).order_by("-note_date", "-id")


def customer_preference_list(*, org, customer: Customer) -> QuerySet[CustomerPreference]:
    return CustomerPreference.objects.for_org(org).filter(customer=customer).select_related("store").order_by(
        "name", "id")


def customer_ticket_list(*, org, customer: Customer, code: str | None = None) -> QuerySet[CustomerTicket]:
    qs = CustomerTicket.objects.for_org(org).filter(customer=customer)
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-created_at", "-id")


def customer_interaction_list(*, org, customer: Customer, network: str | None = None, type: str | None = None,
                              start: datetime | None = None, end: datetime | None = None
                              ) -> QuerySet[CustomerInteraction]:
    qs = CustomerInteraction.objects.for_org(org).filter(customer=customer)
    if network:
        qs = qs.filter(network=network)
    if type:
        qs = qs.filter(type=type)
    if start:
        qs = qs.filter(occurred_at__gte=start)
    if end:
        qs = qs.filter(occurred_at__lte=end)
    return qs.order_by("-occurred_at", "-id")


def customer_image_list(*, org, customer: Customer) -> QuerySet[CustomerImage]:
    return CustomerImage.objects.for_org(org).filter(customer=customer).order_by("id")


def customer_image_get(*, org, customer: Customer, image_id) -> CustomerImage:
    pk = _customer_pk(image_id)
    image = customer_image_list(org=org, customer=customer).filter(pk=pk).first() if pk else None
    if image is None:
        raise errors.ImageNotFound()
    return image


def customer_by_referral_code(*, org, code: str) -> Customer:
    """The customer owning a referral code (the referrals app builds on this)."""
    customer = customer_queryset(org=org).filter(referral_code=str(code or "").strip()).exclude(
        referral_code="").first()
    if customer is None:
        raise errors.CustomerNotFound(field="referralCode")
    return customer


def customer_list(*, org, filters: dict | None = None) -> QuerySet[Customer]:
    """The org's customers, newest first, optionally narrowed by status / loyalty type / source / store."""
    qs = customer_queryset(org=org)
    filters = filters or {}
    conditions = Q()
    for key, field in (("status", "status"), ("loyalty_type", "loyalty_type"), ("source", "registered_source"),
                       ("store_id", "registered_store_id")):
        if filters.get(key) not in (None, ""):
            conditions &= Q(**{field: filters[key]})
    return qs.filter(conditions).order_by("-id")
