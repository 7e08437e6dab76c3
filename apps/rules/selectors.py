"""Reads of the rules domain."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from apps.core.orgcache import org_data
from apps.core.rows import hot_cursor

from .choices import RuleStatus
from .errors import RuleNotFound
from .models import Backtest, Rule, RuleAward, RuleCustomerTally, RuleTally

ZERO = Decimal("0")


RULES_DATA = "rules"


def rules_for_event(*, org, program, event_type: str) -> list[Rule]:
    """The org's RUNNING rules for this event and programme, in evaluation order.

    Served from the process's copy (apps.core.orgcache) while no rule of the org changed; a reload costs 3 queries
    (rules, stores, zones). The rules are shared: read-only for callers.
    """
    def load() -> tuple[Rule, ...]:
        return tuple(Rule.objects.for_org(org).filter(event_type=event_type, status=RuleStatus.RUNNING,
                                                      program=program)
                     .prefetch_related("stores", "zones").order_by("priority", "id"))

    return list(org_data(org.pk, RULES_DATA, (program.pk, event_type), load))


def rule_list(*, org, status: str | None = None, event_type: str | None = None) -> QuerySet[Rule]:
    """The org's rules, optionally by status and event, in evaluation order."""
    qs = Rule.objects.for_org(org).select_related("program")
    if status:
        qs = qs.filter(status=status)
    if event_type:
        qs = qs.filter(event_type=event_type)
    return qs.order_by("priority", "id")


def rule_get(*, org, rule_id) -> Rule:
    """One of the org's rules; RuleNotFound for missing, foreign or malformed ids."""
    try:
        return Rule.objects.for_org(org).select_related("program").prefetch_related("stores", "zones").get(
            pk=int(rule_id))
    except (Rule.DoesNotExist, TypeError, ValueError):
        raise RuleNotFound() from None


def rules_by_ids(*, org, rule_ids: list[int]) -> list[Rule]:
    """The org's rules with these ids, ready for the engine (stores and zones prefetched), in evaluation order."""
    return list(Rule.objects.for_org(org).filter(pk__in=rule_ids).prefetch_related("stores", "zones")
                .order_by("priority", "id"))


def rule_customer_awarded(*, org_id: int, rule_id: int, customer_id: int, since: datetime | None,
                          until: datetime | None) -> Decimal:
    """Points the rule awarded the customer for events in [since, until) (all time when both are None)."""
    window = (rule_id, since, until)
    return rules_customer_awarded(org_id=org_id, customer_id=customer_id, windows=[window])[window]


def cap_period_key(since: datetime | str | None, until: datetime | str | None) -> str:
    """The key of a per-customer cap period in RuleCustomerTally: its bounds as ISO text, or LIFETIME."""
    if since is None and until is None:
        return "LIFETIME"
    text = [bound.isoformat() if isinstance(bound, datetime) else (bound or "") for bound in (since, until)]
    return "/".join(text)


def rules_customer_awarded(*, org_id: int, customer_id: int, windows: list[tuple[int, datetime | None, datetime | None]]
                            ) -> dict[tuple[int, datetime | None, datetime | None], Decimal]:
    """rule_customer_awarded for several (rule id, since, until) windows, keyed by the window.

    Each window is one row of RuleCustomerTally, read by its unique key (one prepared statement for all windows). A
    window without a row (no award in the period yet since tallies exist, or the cap's period changed) is summed
    from the award history instead (customer_tallies_complete)."""
    if not windows:
        return {}
    lookups, params = customer_tally_lookups(org_id=org_id, customer=customer_id, windows=windows)
    with hot_cursor(connection) as cursor:
        cursor.execute(f"SELECT {', '.join(lookups)}", params)
        tallied = cursor.fetchone()
    return customer_tallies_complete(org_id=org_id, customer_id=customer_id, windows=windows, tallied=tallied)


def customer_tally_lookups(*, org_id: int, customer, windows: list[tuple], lock: bool = False,
                           ) -> tuple[list[str], list]:
    """One scalar subquery per window reading the customer's tally row (NULL where there is none), and their values
    in order. `customer` is the customer's id, or a column of the caller's statement holding it (a str, taken as
    SQL). lock: each row read is locked FOR NO KEY UPDATE, which returns its latest committed version even to a
    statement whose snapshot is older (one that waited for the customer's row lock); a row committed since that
    snapshot reads NULL and is summed from the history, in a statement of its own."""
    quote = connection.ops.quote_name
    table = quote(RuleCustomerTally._meta.db_table)
    given = not isinstance(customer, str)
    customer_sql = "%s" if given else customer
    suffix = " FOR NO KEY UPDATE" if lock else ""
    lookups, params = [], []
    for rule_id, since, until in windows:
        lookups.append(f"(SELECT {quote('points')} FROM {table} WHERE {quote('org_id')} = %s AND "
                       f"{quote('rule_id')} = %s AND {quote('customer_id')} = {customer_sql} AND "
                       f"{quote('period_key')} = %s{suffix})")
        params += [org_id, rule_id, *([customer] if given else []), cap_period_key(since, until)]
    return lookups, params


def customer_tallies_complete(*, org_id: int, customer_id: int, windows: list[tuple], tallied) -> dict:
    """The windows' points from customer_tally_lookups' values (in window order); windows without a tally row are
    summed from the award history, each sum a range of the (customer, awarded_at) index. The award that follows
    starts the window's row from that sum."""
    found = {window: _decimal(total) for window, total in zip(windows, tallied, strict=True) if total is not None}
    missing = [window for window in windows if window not in found]
    if missing:
        found.update(_awards_summed(org_id=org_id, customer_id=customer_id, windows=missing))
    return found


def _decimal(value) -> Decimal:
    return value if type(value) is Decimal else Decimal(str(value))


def _awards_summed(*, org_id: int, customer_id: int, windows: list[tuple]) -> dict[tuple, Decimal]:
    """The customer's awards per window, summed from the award history (one row per credit; each rule's share is
    in its `rules`): a range of the (customer, awarded_at) index per window."""
    found = {}
    for window in windows:
        rule_id, since, until = window
        rows = RuleAward.objects.filter(org_id=org_id, customer_id=customer_id, rules__has_key=str(rule_id))
        if since is not None:
            rows = rows.filter(awarded_at__gte=since)
        if until is not None:
            rows = rows.filter(awarded_at__lt=until)
        found[window] = _rule_total(rows, rule_id)[0]
    return found


def _rule_total(rows, rule_id: int, *, many: bool = False) -> tuple[Decimal, int]:
    """(points, rows) of one rule's shares in these award rows, read from their `rules` JSON (summed here: the
    ORM's JSON key transforms take a key of digits for an array index). many: read them in chunks."""
    total, count = ZERO, 0
    shares_of = rows.values_list("rules", flat=True)
    for shares in (shares_of.iterator(chunk_size=2000) if many else shares_of):
        total += RuleAward.shares_of(shares)[rule_id]
        count += 1
    return total, count


def rule_budget_used(*, rule_id: int) -> Decimal:
    """Points a budgeted rule has awarded so far (its tally)."""
    return RuleTally.objects.filter(rule_id=rule_id).values_list("awarded_points", flat=True).first() or ZERO


def rule_awards_by_source(*, org, source_type: str, source_refs: list[str]) -> dict[int, Decimal]:
    """Points each rule actually awarded for these sources (e.g. bills), keyed by rule id."""
    totals: dict[int, Decimal] = {}
    for shares in (RuleAward.objects.for_org(org).filter(source_type=source_type, source_ref__in=source_refs)
                   .values_list("rules", flat=True)):
        for rule_id, points in RuleAward.shares_of(shares).items():
            totals[rule_id] = totals.get(rule_id, ZERO) + points
    return dict(sorted(totals.items()))


def rule_awarded_history(*, org, rule_id: int) -> tuple[Decimal, int]:
    """(points, credits) a rule has awarded in the org's whole award history (a budget's starting tally)."""
    return _rule_total(RuleAward.objects.for_org(org).filter(rules__has_key=str(rule_id)), rule_id, many=True)


def backtest_get(*, org, backtest_id) -> Backtest:
    return Backtest.objects.for_org(org).select_related("job_run").get(pk=backtest_id)
