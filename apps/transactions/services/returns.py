"""Returns: take back what the returned goods earned, in the documented ratios, never more and never less.

- FULL: everything the bill earned that is not yet taken back.
- AMOUNT: all of the bill's points (line and bill level) in the ratio returned amount / bill amount.
- LINE_ITEM (and CANCELLED lines): each line's points in the ratio returned qty / bought qty; the bill-level
  points only once every line is fully returned.
Ratios apply to cumulative returns (target after this return − already taken back), rounded up to the ledger's
precision and capped by what was earned: several partial returns add up to exactly the earned points.
A bill is returned one way only (AMOUNT or lines or whole; codes 632/638/639), never beyond what was bought
(626/630) and never again once fully returned (633). The original bill's row is locked while a return runs.

Points redeemed on a bill (its `redemptions.pointsRedemptions`) are given back when the bill becomes fully returned,
if its programme allows redemption reversals (LoyaltyProgram.allow_redemption_reversal); partial returns leave them
redeemed (the store refunds the cash part). A programme-level choice (reverse / reissue / leave) is not modelled yet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from apps.core.errors import DomainError
from apps.organizations.selectors import org_config_flag
from apps.points.services import Actor, points_reverse_redemption, points_revoke

from .. import errors
from ..choices import LineType, ReturnMode, ReturnType
from ..models import Bill, BillLine
from .inputs import LineInput

ZERO = Decimal(0)
POINTS_QUANTUM = Decimal("0.001")
MONEY_QUANTUM = Decimal("0.0001")


@dataclass
class ReturnOutcome:
    points: Decimal = ZERO
    amount: Decimal = ZERO
    warnings: list[DomainError] = field(default_factory=list)


def _share(total: Decimal, part: Decimal, whole: Decimal, quantum: Decimal, rounding=ROUND_CEILING) -> Decimal:
    """total x part / whole, rounded (up by default: a return never leaves earned points behind), capped at total."""
    if whole <= 0 or part >= whole:
        return total
    return min(total, (total * part / whole).quantize(quantum, rounding=rounding))


def parent_bill_get(*, org, number: str, parent_id, customer, bill_types, purchase_time=None) -> Bill:
    """The bill a return cites (locked FOR UPDATE): by id when given, else by number (and purchase day)."""
    qs = Bill.objects.for_org(org).filter(type__in=list(bill_types))
    qs = qs.filter(customer=customer) if customer is not None else qs.filter(customer__isnull=True)
    if parent_id not in (None, "", 0):
        qs = qs.filter(pk=parent_id)
    else:
        qs = qs.filter(number=number)
        if purchase_time is not None:
            dated = qs.filter(bill_date=purchase_time.date())
            qs = dated if dated.exists() else qs
    candidates = list(qs.order_by("-billing_time", "-id").values_list("pk", flat=True)[:2])
    if not candidates:
        raise errors.ParentBillNotFound(field="billNumber")
    if len(candidates) > 1:
        raise errors.ParentBillAmbiguous(field="id")
    return Bill.objects.select_for_update(of=("self",)).select_related("customer", "program", "org").get(
        pk=candidates[0])


def _mode_check(parent: Bill, return_type: str) -> None:
    if parent.is_fully_returned:
        raise errors.AlreadyFullyReturned(field="billNumber")
    mode = parent.return_mode
    if return_type == ReturnType.FULL and mode:
        raise errors.FullReturnAfterPartial(field="returnType")
    if return_type == ReturnType.AMOUNT and mode == ReturnMode.LINE_ITEM:
        raise errors.ReturnAmountAfterLine(field="returnType")
    if return_type in (ReturnType.LINE_ITEM, ReturnType.CANCELLED) and mode == ReturnMode.AMOUNT:
        raise errors.ReturnLineAfterAmount(field="returnType")


def _return_line(return_bill: Bill, position: int, parent_line: BillLine, qty: Decimal, amount: Decimal,
                 return_type: str) -> BillLine:
    return BillLine(
        org_id=return_bill.org_id, bill=return_bill, position=position, serial=parent_line.serial,
        type=LineType.RETURN, return_type=return_type, parent_line=parent_line, product_id=parent_line.product_id,
        item_code=parent_line.item_code, description=parent_line.description, qty=qty, rate=parent_line.rate,
        value=(parent_line.rate * qty).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP), discount=ZERO, amount=amount,
        category=parent_line.category, brand=parent_line.brand, attributes=parent_line.attributes,
    )


def _take_line(line: BillLine, qty: Decimal) -> tuple[Decimal, Decimal]:
    """Return qty of a line: (amount returned, points to take back); updates the line in memory."""
    before_amount, after_qty = line.returned_amount, line.returned_qty + qty
    line.returned_amount = _share(line.amount, after_qty, line.qty, MONEY_QUANTUM, ROUND_HALF_UP) \
        if line.qty > 0 else line.amount
    line.returned_qty = after_qty
    target = _share(line.points, after_qty, line.qty, POINTS_QUANTUM) if line.qty > 0 else line.points
    points = target - line.points_returned
    line.points_returned = target
    return line.returned_amount - before_amount, points


def _lines_return(*, parent: Bill, parent_lines: list[BillLine], requested: list[LineInput], return_bill: Bill,
                  return_type: str, start_position: int) -> tuple[list[BillLine], Decimal, Decimal]:
    """Allocate requested lines to the parent's lines (by item code, then serial); (new lines, amount, points)."""
    if not requested:
        raise errors.ReturnLinesMissing(field="lineItems")
    created, amount, points, position = [], ZERO, ZERO, start_position
    for index, wanted in enumerate(requested):
        matches = [line for line in parent_lines if line.item_code == wanted.item_code
                   and (not wanted.serial or not line.serial or line.serial == wanted.serial)]
        if not matches:
            raise errors.ReturnLineNotFound(item_code=wanted.item_code or "(blank)",
                                            field=f"lineItems[{index}].itemCode")
        remaining = sum((line.remaining_qty for line in matches), ZERO)
        qty = wanted.qty if wanted.qty not in (None, ZERO) else remaining
        if qty > remaining or remaining <= 0:
            raise errors.ReturnQtyExceeded(item_code=wanted.item_code, remaining=remaining,
                                           field=f"lineItems[{index}].qty")
        for line in matches:
            take = min(qty, line.remaining_qty)
            if take <= 0:
                continue
            line_amount, line_points = _take_line(line, take)
            amount, points, qty = amount + line_amount, points + line_points, qty - take
            created.append(_return_line(return_bill, position, line, take, line_amount, return_type))
            position += 1
            if qty <= 0:
                break
    if all(line.remaining_qty <= 0 for line in parent_lines):
        points += parent.bill_points  # bill-level points go back only with the last line
    return created, amount, points


def _full_return(*, parent_lines: list[BillLine], return_bill: Bill, parent: Bill) -> tuple[list[BillLine], Decimal]:
    created = []
    for position, line in enumerate(parent_lines):
        if line.remaining_qty > 0 or line.qty == 0:
            qty, line_amount = line.remaining_qty, line.amount - line.returned_amount
            line.returned_qty, line.returned_amount, line.points_returned = line.qty, line.amount, line.points
            created.append(_return_line(return_bill, position, line, qty, line_amount, ReturnType.FULL))
    return created, parent.amount - parent.returned_amount


def return_apply(*, parent: Bill, return_bill: Bill, return_type: str, requested: list[LineInput],
                 amount: Decimal | None, till, line_start: int = 0) -> ReturnOutcome:
    """Record a return of `parent` (locked) by `return_bill` (saved) and take back its points."""
    if return_bill.billing_time < parent.billing_time:
        raise errors.ReturnBeforePurchase(field="billingDate")
    _mode_check(parent, return_type)
    parent_lines = list(BillLine.objects.select_for_update().filter(bill=parent, type=LineType.REGULAR)
                        .order_by("position"))
    new_lines: list[BillLine] = []
    if return_type == ReturnType.FULL:
        new_lines, returned = _full_return(parent_lines=parent_lines, return_bill=return_bill, parent=parent)
        points = parent.points - parent.points_returned
        parent.returned_amount, parent.return_mode = parent.amount, ReturnMode.FULL
    elif return_type == ReturnType.AMOUNT:
        returned = amount or ZERO
        remaining = parent.amount - parent.returned_amount
        if returned <= 0:
            raise errors.BillAmountInvalid(detail="the amount to return must be greater than zero", field="billAmount")
        if returned > remaining:
            raise errors.ReturnAmountExceeded(remaining=remaining, field="billAmount")
        after = parent.returned_amount + returned
        points = _share(parent.points, after, parent.amount, POINTS_QUANTUM) - parent.points_returned
        parent.returned_amount, parent.return_mode = after, ReturnMode.AMOUNT
    else:
        new_lines, returned, points = _lines_return(parent=parent, parent_lines=parent_lines, requested=requested,
                                                    return_bill=return_bill, return_type=return_type,
                                                    start_position=line_start)
        parent.returned_amount = min(parent.amount, parent.returned_amount + returned)
        parent.return_mode = ReturnMode.LINE_ITEM
    if return_type == ReturnType.FULL:
        fully = True
    elif return_type == ReturnType.AMOUNT:
        fully = parent.returned_amount >= parent.amount
    else:
        fully = all(line.remaining_qty <= 0 for line in parent_lines)
    if fully:
        parent.is_fully_returned, parent.returned_amount = True, parent.amount
    if parent_lines:
        BillLine.objects.bulk_update(parent_lines, ["returned_qty", "returned_amount", "points_returned"])
    if new_lines:
        BillLine.objects.bulk_create(new_lines)
    outcome = ReturnOutcome(amount=returned)
    outcome.points = _points_take_back(parent=parent, return_bill=return_bill, points=points, till=till, outcome=outcome)
    parent.points_returned += outcome.points
    parent.save(update_fields=["returned_amount", "return_mode", "is_fully_returned", "points_returned", "updated_at"])
    if parent.is_fully_returned:
        _redemptions_reverse(parent=parent, till=till, outcome=outcome)
    from apps.rules.hooks import return_listeners_run  # the tiers domain schedules its end-of-day check there

    return_listeners_run(org=parent.org, parent=parent, return_bill=return_bill)
    return outcome


def _points_take_back(*, parent: Bill, return_bill: Bill, points: Decimal, till, outcome: ReturnOutcome) -> Decimal:
    """Revoke through the ledger (promised points of the bill first; the programme's deficit policy applies)."""
    points = min(points, parent.points - parent.points_returned)
    if points <= 0 or parent.customer is None or parent.program is None:
        return ZERO
    if not org_config_flag(org=parent.org, key="CONF_POINTS_RETURN_ENABLED"):
        outcome.warnings.append(errors.ReturnPointsNotReversed(detail="CONF_POINTS_RETURN_ENABLED is off"))
        return ZERO
    actor = Actor.for_till(till) if till is not None else Actor()
    points_revoke(org=parent.org, customer=parent.customer, program=parent.program, points=points, source_type="BILL",
                  source_ref=str(parent.pk), reason=f"Return {return_bill.number} ({return_bill.return_type or 'MIXED'})",
                  actor=actor, idempotency_key=f"bill:{return_bill.pk}:return:{parent.pk}")
    return points


def _redemptions_reverse(*, parent: Bill, till, outcome: ReturnOutcome) -> None:
    """A fully returned bill gives back the points redeemed on it, when its programme allows reversals."""
    if not parent.redemption_codes or parent.program is None or not parent.program.allow_redemption_reversal:
        return
    from apps.points.models import Redemption
    from apps.points.choices import RedemptionStatus

    actor = Actor.for_till(till) if till is not None else Actor()
    open_codes = Redemption.objects.for_org(parent.org).filter(
        code__in=parent.redemption_codes).exclude(status=RedemptionStatus.REVERSED).values_list("code", flat=True)
    for code in sorted(open_codes):
        points_reverse_redemption(org=parent.org, redemption_code=code, reason=f"Bill {parent.number} returned",
                                  actor=actor, idempotency_key=f"bill:{parent.pk}:redemption:{code}")
