"""Product recommendations for a customer, computed from the org's purchase history (apps.transactions).

The model is "bought together": the items other customers of the same org bought in the same bills as the items
this customer bought, scored by the number of such bills, excluding what the customer already bought. When that
gives fewer items than asked for, the org's top sellers (by number of bills) fill the list.

Every scan is bounded twice: to the org's last `CONF_RECOMMENDATION_WINDOW_DAYS` days of sales (REGULAR and
MIXED bills) and to at most `SCAN_BILLS` of the most recent such bills (the org's bill-ordering index serves both).
All counting happens in PostgreSQL: one query for the co-purchases, one for the top sellers, one for the product
master, whatever the size of the history. Ties are broken by item code, so the answer is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from apps.core.errors import LimitTooLarge, LimitTooSmall, OffsetNegative
from apps.organizations.selectors import org_config_value
from apps.transactions.choices import EARNING_TYPES
from apps.transactions.models import Bill, BillLine, Product

WINDOW_CONFIG = "CONF_RECOMMENDATION_WINDOW_DAYS"
DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 730
SCAN_BILLS = 20_000
MAX_LIMIT = 50
MAX_OFFSET = 200
BOUGHT_TOGETHER = "BOUGHT_TOGETHER"
TOP_SELLER = "TOP_SELLER"


@dataclass(frozen=True)
class Recommendation:
    item_code: str
    score: int
    rank: int
    basis: str
    product: Product | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.product.description if self.product else ""


def window_days(*, org) -> int:
    """The org's history window in days (config, clamped to 1..MAX_WINDOW_DAYS)."""
    raw = org_config_value(org=org, key=WINDOW_CONFIG)
    try:
        days = int(raw) if raw not in (None, "") else DEFAULT_WINDOW_DAYS
    except (TypeError, ValueError):
        days = DEFAULT_WINDOW_DAYS
    return min(max(days, 1), MAX_WINDOW_DAYS)


def _check_page(limit: int, offset: int) -> None:
    if limit <= 0:
        raise LimitTooSmall(field="limit")
    if limit > MAX_LIMIT:
        raise LimitTooLarge(field="limit", maximum=MAX_LIMIT)
    if offset < 0:
        raise OffsetNegative(field="offset")
    if offset > MAX_OFFSET:
        raise LimitTooLarge(f"Offset cannot be greater than {MAX_OFFSET}", field="offset")


def _recent_bill_ids(*, org, since) -> QuerySet:
    """Ids of the org's most recent sales bills in the window (at most SCAN_BILLS), as a subquery."""
    return (Bill.objects.for_org(org).filter(type__in=list(EARNING_TYPES), billing_time__gte=since)
            .order_by("-billing_time", "-id").values("id")[:SCAN_BILLS])


def _kept_lines(*, org) -> QuerySet[BillLine]:
    """The org's named sale lines that were not entirely returned."""
    return BillLine.objects.for_org(org).exclude(item_code="").filter(qty__gt=F("returned_qty"))


def _inactive_codes(*, org) -> QuerySet:
    return Product.objects.for_org(org).filter(is_active=False).values("item_code")


def _ranked(lines: QuerySet[BillLine], *, count: int) -> list[tuple[str, int]]:
    """(item_code, number of bills) of the most frequent items of these lines, most frequent first."""
    rows = (lines.values("item_code").annotate(score=Count("bill_id", distinct=True))
            .order_by("-score", "item_code")[:count])
    return [(row["item_code"], row["score"]) for row in rows]


def customer_recommendations(*, org, customer, limit: int = 10, offset: int = 0, now=None) -> list[Recommendation]:
    """Up to `limit` products to recommend to the customer (after skipping `offset`), best first.

    Three queries (co-purchases, top sellers, product master) plus the config read, independent of history size.
    """
    _check_page(limit, offset)
    wanted = offset + limit
    since = (now or timezone.now()) - timedelta(days=window_days(org=org))
    recent = _recent_bill_ids(org=org, since=since)
    in_window = _kept_lines(org=org).filter(bill_id__in=recent)
    # What the customer bought in the window: the seed of "bought together" and what is never recommended.
    own_codes = in_window.filter(bill__customer=customer).values("item_code")
    excluded = in_window.exclude(item_code__in=own_codes).exclude(item_code__in=_inactive_codes(org=org))

    baskets = (in_window.filter(item_code__in=own_codes, bill__customer__isnull=False)
               .exclude(bill__customer=customer).values("bill_id"))
    together = _ranked(excluded.filter(bill_id__in=baskets), count=wanted)
    # Top sellers are always fetched (bounded by `wanted`), so the query count does not depend on the data.
    sellers = _ranked(excluded, count=wanted + len(together))

    chosen: list[tuple[str, int, str]] = [(code, score, BOUGHT_TOGETHER) for code, score in together]
    seen = {code for code, _ in together}
    for code, score in sellers:
        if len(chosen) >= wanted:
            break
        if code not in seen:
            chosen.append((code, score, TOP_SELLER))
            seen.add(code)

    page = chosen[offset:wanted]
    products = {p.item_code: p for p in Product.objects.for_org(org).filter(item_code__in=[c for c, _, _ in page])}
    return [Recommendation(item_code=code, score=score, rank=offset + index, basis=basis, product=products.get(code))
            for index, (code, score, basis) in enumerate(page, start=1)]
