"""Reads of customer labels. Every function takes the caller's org; another org's rows are never returned."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from apps.organizations.selectors import org_config_value

from . import errors
from .models import CustomerLabel, CustomerLabelEvent, Label

# Lists without pagination in the platform's contract are still bounded: an org's catalogue is capped by
# ORG_MAX_LABEL_COUNT and a customer carries at most that many labels.
LABEL_LIST_MAX = 1000
SEARCH_MAX_QUERY_LENGTH = 150


def label_limit(*, org) -> int:
    """ORG_MAX_LABEL_COUNT as an int (0 when unset or not a number)."""
    try:
        return max(0, int(org_config_value(org=org, key="ORG_MAX_LABEL_COUNT") or 0))
    except ValueError:
        return 0


def label_list(*, org, active_only: bool = False) -> QuerySet[Label]:
    """The org's labels by name (case-insensitive), bounded."""
    qs = Label.objects.for_org(org)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by(Lower("name"), "id")[:LABEL_LIST_MAX]


def label_get(*, org, label_id) -> Label:
    """One label of the org by id; LabelNotFound for a missing, malformed or foreign id."""
    try:
        pk = int(label_id)
    except (TypeError, ValueError):
        pk = None
    label = Label.objects.for_org(org).filter(pk=pk).first() if pk else None
    if label is None:
        raise errors.LabelNotFound(name=label_id, field="labelId")
    return label


def labels_by_name(*, org, names: list[str], active_only: bool = True) -> dict[str, Label]:
    """The org's labels with these names, keyed by the lower-cased name (one query)."""
    wanted = {str(n).strip().lower() for n in names if str(n or "").strip()}
    if not wanted:
        return {}
    qs = Label.objects.for_org(org).annotate(_name=Lower("name")).filter(_name__in=sorted(wanted))
    if active_only:
        qs = qs.filter(is_active=True)
    return {label.name.lower(): label for label in qs}


def label_name_exists(*, org, name: str, exclude_pk: int | None = None) -> bool:
    qs = Label.objects.for_org(org).annotate(_name=Lower("name")).filter(_name=str(name).strip().lower())
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def customer_label_list(*, org, customer) -> QuerySet[CustomerLabel]:
    """Labels the customer carries now, by label name."""
    return (CustomerLabel.objects.for_org(org).filter(customer=customer, is_active=True, label__is_active=True)
            .select_related("label").order_by(Lower("label__name"), "id")[:LABEL_LIST_MAX])


def customer_label_names_query(*, org, customer_ref) -> QuerySet:
    """Names of the active labels a customer carries now, by name (a values queryset; customer_ref may be an
    OuterRef, to read them inside another query)."""
    return (CustomerLabel.objects.for_org(org).filter(customer=customer_ref, is_active=True, label__is_active=True)
            .order_by(Lower("label__name"), "id").values_list("label__name", flat=True)[:LABEL_LIST_MAX])


def label_names_array_sql(customer_column: str) -> str:
    """`ARRAY(...)` of the names of the active labels the customer in `customer_column` (a column of the caller's
    statement) carries now, by name, as customer_label_names_query orders them; takes one value: the org id. For a
    statement of the caller's own that reads the labels beside other things (the bill path's locks)."""
    return _label_names_array_sql().replace("{customer}", customer_column)


@lru_cache(maxsize=1)
def _label_names_array_sql() -> str:
    from django.db import connection

    q = connection.ops.quote_name
    links, labels = (q(m._meta.db_table) for m in (CustomerLabel, Label))
    return (f"ARRAY(SELECT {labels}.{q('name')} FROM {links} INNER JOIN {labels} "
            f"ON {labels}.{q('id')} = {links}.{q('label_id')} WHERE {links}.{q('org_id')} = %s "
            f"AND {links}.{q('customer_id')} = {{customer}} AND {links}.{q('is_active')} "
            f"AND {labels}.{q('is_active')} ORDER BY LOWER({labels}.{q('name')}), {links}.{q('id')} "
            f"LIMIT {LABEL_LIST_MAX})")


def label_search_customer_ids(*, org, q: str) -> QuerySet:
    """Ids of the customers carrying an active label whose name starts with q (any case), newest customer first.

    The matching labels come from the org's (bounded) catalogue; the customers from the link index.
    """
    needle = str(q or "").strip()[:SEARCH_MAX_QUERY_LENGTH].lower()
    label_ids = list(Label.objects.for_org(org).annotate(_name=Lower("name"))
                     .filter(_name__startswith=needle, is_active=True).values_list("pk", flat=True)[:LABEL_LIST_MAX])
    return (CustomerLabel.objects.for_org(org).filter(label_id__in=label_ids, is_active=True)
            .values_list("customer_id", flat=True).distinct().order_by("-customer_id"))


def label_search_links(*, org, q: str, customer_ids: list[int]) -> dict[int, list[CustomerLabel]]:
    """For a page of customers, their active links to labels matching q (one query), keyed by customer id."""
    needle = str(q or "").strip()[:SEARCH_MAX_QUERY_LENGTH].lower()
    links = (CustomerLabel.objects.for_org(org)
             .filter(customer_id__in=customer_ids, is_active=True, label__is_active=True)
             .annotate(_name=Lower("label__name")).filter(_name__startswith=needle)
             .select_related("label").order_by("customer_id", Lower("label__name"), "id"))
    grouped: dict[int, list[CustomerLabel]] = defaultdict(list)
    for link in links:
        grouped[link.customer_id].append(link)
    return grouped


def customer_ids_with_label(*, org, label_id) -> QuerySet:
    """Ids of the org's customers carrying the label now (for filters, segments and jobs), ascending."""
    return (CustomerLabel.objects.for_org(org).filter(label_id=label_id, is_active=True)
            .values_list("customer_id", flat=True).order_by("customer_id"))


def customers_with_label(queryset: QuerySet, *, label_id) -> QuerySet:
    """Narrow a Customer queryset to those carrying the label; the link must be in the customer's own org.

    An `Exists` subquery (no join, no distinct), so it composes with any other filter or ordering.
    """
    links = CustomerLabel.objects.filter(customer_id=OuterRef("pk"), org_id=OuterRef("org_id"), label_id=label_id,
                                         is_active=True)
    return queryset.filter(Exists(links))


def label_list_with_counts(queryset: QuerySet[Label]) -> QuerySet[Label]:
    """Labels annotated with how many customers carry each (one aggregate query, for the admin)."""
    return queryset.annotate(customer_count=Count("customer_links", filter=Q(customer_links__is_active=True)))


def customer_label_event_list(*, org, customer=None) -> QuerySet[CustomerLabelEvent]:
    qs = CustomerLabelEvent.objects.for_org(org).select_related("label", "till", "user")
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("-created_at", "-id")
