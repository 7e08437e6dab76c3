"""Adding bills (sales, non-member bills, returns, exchanges), updating their fields, and simulating them."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from apps.core.errors import DomainError
from apps.core.rows import family_insert_unless_conflict, instance_new
from apps.organizations.selectors import org_config_flag
from apps.points.errors import ProgramInvalid
from apps.points.services import program_resolve

from .. import errors
from ..choices import FORWARD_TYPES, BillType, DeliveryStatus, LineType, OutlierStatus, ReturnType
from ..models import Bill, BillLine, BillTender
from . import intake
from ..selectors import EarnReadsPlan, earn_reads_plan
from .earning import CustomerEarnLookup, bill_award, bill_evaluate, bill_plan, earn_prepare
from .inputs import BillInput, LineInput
from .returns import parent_bill_get, return_apply

ZERO = Decimal(0)
# full_clean() validates fields; the foreign keys were resolved by the org-scoped lookups above it (no re-query).
_RESOLVED_FKS = ("org", "customer", "program", "store", "till", "parent", "bill", "product", "parent_line",
                 "payment_mode")
# What _bill_build's full_clean leaves out besides those: the columns no client value reaches when a bill is built
# (computed here, or their defaults until the bill is evaluated and stored).
_BILL_COMPUTED = ("id", "bill_date", "billing_time", "currency", "number_is_unique", "points", "bill_points",
                  "points_returned", "points_reversed", "returned_amount", "return_mode", "is_fully_returned",
                  "evaluation_log", "effects", "created_at", "updated_at")


class MasterDataRejected(Exception):
    """The bill failed master-data checks; nothing was written. The caller queues it (bill_submit)."""

    def __init__(self, payload: dict, prepared: intake.Prepared):
        self.payload, self.prepared = payload, prepared
        super().__init__("; ".join(r.error.message for r in prepared.rejections))


@dataclass
class BillResult:
    bill: Bill
    customer: object | None = None
    customer_registered: bool = False
    warnings: list[DomainError] = field(default_factory=list)
    points_awarded: Decimal = ZERO
    points_reversed: Decimal = ZERO
    effects: list[dict] = field(default_factory=list)


def program_of(*, org, customer, resolved=None):
    """The programme a loyalty customer's bill earns in (the org's default), or None. resolved: the org's default
    programme when the caller has it already."""
    if customer is None or not customer.is_loyalty:
        return None
    if resolved is not None:
        return resolved
    try:
        return program_resolve(org=org)
    except ProgramInvalid:
        return None


def bill_submit(*, org, data: BillInput, till, allow_register: bool = True) -> BillResult:
    """Add a bill; one failing master-data checks is queued as rejected (committed) and BillRejected is raised.

    Must not run inside an outer transaction that the caller rolls back on error (the queue row would go too).
    """
    from .rejections import rejected_bill_record

    try:
        return bill_add(org=org, data=data, till=till, allow_register=allow_register)
    except MasterDataRejected as exc:
        rejected = rejected_bill_record(org=org, payload=exc.payload, prepared=exc.prepared)
        raise errors.BillRejected(rejected=rejected, reasons=[r.error for r in exc.prepared.rejections]) from None


@transaction.atomic
def bill_add(*, org, data: BillInput, till, allow_register: bool = True) -> BillResult:
    """Store a bill with its lines and tenders, earn (REGULAR, MIXED) or take back points (returns).

    Raises MasterDataRejected (nothing written) when store, till, SKUs, mandatory extended fields or tenders fail.
    """
    prepared = intake.bill_prepare(org=org, data=data, till=till)
    if prepared.rejections:
        # Kept for a retrigger: the input with the figures lines_complete filled in, which it fills the same way.
        raise MasterDataRejected(data.to_payload(), prepared)
    intake.currency_convert(org=org, data=data, store=prepared.store, prepared=prepared)
    # What a member bill reads and locks before its rules run; on PostgreSQL the customer's lookup does it too.
    plan = _earn_reads_plan(org=org, data=data, prepared=prepared)
    lookup = CustomerEarnLookup(org=org, plan=plan) if plan is not None and connection.vendor == "postgresql" else None
    customer, registered, warnings = _customer_of(org=org, data=data, till=prepared.till, allow_register=allow_register,
                                                  query=lookup)
    number_is_unique = data.type in FORWARD_TYPES and prepared.store_flags["CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE"]
    bill = _bill_build(org=org, data=data, prepared=prepared, customer=customer, number_is_unique=number_is_unique,
                       program=plan.program if plan is not None else None)
    _redemptions_check(org=org, bill=bill, customer=customer)
    lines = _lines_build(bill=bill, data=data, prepared=prepared)
    tenders = _tenders_build(bill=bill, data=data, prepared=prepared)
    earns = data.type in (BillType.REGULAR, BillType.MIXED) and bill.program is not None
    # Evaluated before the insert (evaluation writes nothing), so the bill and its lines go in with their points.
    earning = None
    if earns:
        prep = earn_prepare(org=org, customer=customer, plan=plan, reads=lookup.reads_of(customer) if lookup else None)
        earning = bill_plan(bill=bill, lines=lines, tenders=tenders, customer=customer, program=bill.program, prep=prep)
    # The unique constraint on (org, store, number, date) where numbers are unique decides duplicates, also between
    # two tills sending the same bill at once: the later insert waits for the earlier and writes nothing.
    if not family_insert_unless_conflict(bill, lines, tenders):
        raise errors.DuplicateBillNumber(field="billNumber")
    result = BillResult(bill=bill, customer=customer, customer_registered=registered,
                        warnings=prepared.warnings + warnings)
    if data.type in (BillType.RETURN, BillType.NOT_INTERESTED_RETURN):
        _return_bill(org=org, data=data, bill=bill, customer=customer, till=prepared.till, result=result)
    if data.type == BillType.MIXED:
        _exchange_returns(org=org, data=data, bill=bill, customer=customer, till=prepared.till, result=result,
                          first_position=len(lines))
    if earning is not None:
        result.effects = bill_award(plan=earning, bill=bill, lines=lines, till=prepared.till)
        result.points_awarded = bill.points
    return result


def _customer_of(*, org, data: BillInput, till, allow_register: bool, query=None):
    if data.type in (BillType.NOT_INTERESTED, BillType.NOT_INTERESTED_RETURN):
        return None, False, []
    return intake.customer_resolve(org=org, data=data, till=till, query=query,
                                   allow_register=allow_register and data.type in (BillType.REGULAR, BillType.MIXED))


def _earn_reads_plan(*, org, data: BillInput, prepared: intake.Prepared) -> EarnReadsPlan | None:
    """The earn reads of a bill that earns (REGULAR, MIXED) in the org's programme; None for other bills. An
    exchange's returns move the account before its award: its credit locks the account itself."""
    if data.type not in (BillType.REGULAR, BillType.MIXED):
        return None
    try:
        program = program_resolve(org=org)
    except ProgramInvalid:
        return None
    return earn_reads_plan(org=org, program=program, occurred_at=prepared.billing_time, store=prepared.store,
                           lock_account=data.type == BillType.REGULAR)


def _bill_build(*, org, data: BillInput, prepared: intake.Prepared, customer, number_is_unique: bool,
                program=None) -> Bill:
    bill = instance_new(
        Bill, org=org, number=data.number, bill_date=prepared.bill_date, billing_time=prepared.billing_time,
        type=data.type, return_type=data.return_type, customer=customer,
        program=program_of(org=org, customer=customer, resolved=program), store=prepared.store, till=prepared.till,
        source=(data.source or "INSTORE").upper(),
        account_id=data.account_id or "", bill_client_id=data.bill_client_id or "", amount=data.amount,
        gross_amount=data.gross_amount, discount=data.discount, currency=org.base_currency,
        local_currency=prepared.local_currency, local_amount=prepared.local_amount,
        conversion_ratio=prepared.conversion_ratio, note=data.note or "",
        delivery_status=(data.delivery_status or DeliveryStatus.DELIVERED).upper(),
        outlier_status=(data.outlier_status or OutlierStatus.NORMAL).upper(),
        not_interested_reason=data.not_interested_reason or "", extended_fields=prepared.extended_fields,
        custom_fields=prepared.custom_fields, number_is_unique=number_is_unique,
        customer_identifiers=data.customer.as_reference() if customer is None else {},
        redemption_codes=[c for c in data.redemption_codes if c],
    )
    try:
        bill.full_clean(exclude=(*_RESOLVED_FKS, *_BILL_COMPUTED), validate_unique=False, validate_constraints=False)
    except Exception as exc:  # a value too long for its column: the platform's 685
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            field_name = next(iter(getattr(exc, "error_dict", {"bill": None})))
            raise errors.FieldTooLong(detail=f"{field_name}: {'; '.join(exc.messages)}", field=field_name) from None
        raise
    return bill


def _redemptions_check(*, org, bill: Bill, customer) -> None:
    if not bill.redemption_codes:
        return
    from apps.points.models import Redemption

    found = set(Redemption.objects.for_org(org).filter(code__in=bill.redemption_codes, customer=customer)
                .values_list("code", flat=True)) if customer is not None else set()
    for code in bill.redemption_codes:
        if code not in found:
            raise errors.RedemptionUnknown(code=code, field="redemptions.pointsRedemptions")


def _lines_build(*, bill: Bill, data: BillInput, prepared: intake.Prepared) -> list[BillLine]:
    """The bill's own lines: sold lines of any bill; returns record their lines against the parent later."""
    if data.type in (BillType.RETURN, BillType.NOT_INTERESTED_RETURN):
        return []
    lines = []
    for index, line in enumerate(data.lines):
        if line.type != LineType.REGULAR:
            continue
        product = prepared.products.get(line.item_code)
        lines.append(instance_new(
            BillLine, org_id=bill.org_id, bill=bill, position=len(lines), serial=str(line.serial or ""),
            type=LineType.REGULAR, product=product, item_code=line.item_code, description=line.description or (
                product.description if product else ""), qty=line.qty, rate=line.rate, value=line.value,
            discount=line.discount, amount=line.amount, category=line.category or (product.category if product else ""),
            brand=line.brand or (product.brand if product else ""), attributes=line.attributes or {},
            extended_fields=prepared.line_extended[index] if index < len(prepared.line_extended) else {},
            custom_fields=prepared.line_custom[index] if index < len(prepared.line_custom) else {},
            returnable=line.returnable, returnable_days=line.returnable_days,
        ))
    return lines


def _tenders_build(*, bill: Bill, data: BillInput, prepared: intake.Prepared) -> list[BillTender]:
    return [instance_new(BillTender, org_id=bill.org_id, bill=bill, mode=t.mode, value=t.value, notes=t.notes or "",
                         attributes=t.attributes or {}, payment_mode=prepared.payment_modes.get(t.mode.upper()))
            for t in data.tenders if t.mode]


def _return_bill(*, org, data: BillInput, bill: Bill, customer, till, result: BillResult) -> None:
    """A RETURN / NOT_INTERESTED_RETURN bill: find the parent (locked) and apply the return to it."""
    parent_types = (BillType.REGULAR, BillType.MIXED) if data.type == BillType.RETURN else (BillType.NOT_INTERESTED,)
    try:
        parent = parent_bill_get(org=org, number=data.parent_number or data.number, parent_id=data.parent_id,
                                 customer=customer, bill_types=parent_types, purchase_time=data.purchase_time)
    except errors.ParentBillNotFound:
        if not org_config_flag(org=org, key="CONF_ALLOW_NOT_EXISTING_BILL_RETURN"):
            raise
        result.warnings.append(errors.ParentBillNotFound(field="billNumber"))
        return
    outcome = return_apply(parent=parent, return_bill=bill, return_type=data.return_type, requested=data.lines,
                           amount=data.amount, till=till)
    bill.parent, bill.points_reversed = parent, outcome.points
    if data.return_type != ReturnType.AMOUNT:
        bill.amount = outcome.amount
    bill.program = parent.program
    bill.save(update_fields=["parent", "points_reversed", "amount", "program", "updated_at"])
    result.points_reversed, result.warnings = outcome.points, result.warnings + outcome.warnings


def _exchange_returns(*, org, data: BillInput, bill: Bill, customer, till, result: BillResult,
                      first_position: int) -> None:
    """The return lines of a MIXED bill, grouped by the bill they return, each group a LINE_ITEM return."""
    groups: OrderedDict[tuple[str, str], list[LineInput]] = OrderedDict()
    for line in data.lines:
        if line.type == LineType.RETURN:
            groups.setdefault((line.parent_number, line.return_type), []).append(line)
    position, reversed_points = first_position, ZERO
    for (number, return_type), lines in groups.items():
        parent = parent_bill_get(org=org, number=number, parent_id=None, customer=customer,
                                 bill_types=(BillType.REGULAR, BillType.MIXED), purchase_time=lines[0].purchase_time)
        if parent.pk == bill.pk:
            raise errors.ParentBillNotFound("An exchange cannot return its own lines", field="lineItems")
        outcome = return_apply(parent=parent, return_bill=bill, return_type=return_type, requested=lines,
                               amount=None, till=till, line_start=position)
        position = BillLine.objects.filter(bill=bill).count()
        reversed_points += outcome.points
        result.warnings.extend(outcome.warnings)
    if reversed_points:
        bill.points_reversed = reversed_points
        bill.save(update_fields=["points_reversed", "updated_at"])
    result.points_reversed = reversed_points


# -- updates -----------------------------------------------------------------------------------------------------
@transaction.atomic
def bill_update(*, org, bill: Bill, extended_fields: dict | None = None, custom_fields: dict | None = None,
                delivery_status: str | None = None, note: str | None = None) -> tuple[Bill, list[DomainError]]:
    """Change a bill's delivery status, note, extended and custom fields (merged; empty values clear a field)."""
    from apps.fields.services import custom_fields_validate, extended_fields_validate

    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    warnings: list[DomainError] = []
    if delivery_status not in (None, ""):
        status = str(delivery_status).upper()
        if status not in DeliveryStatus.values:
            raise errors.TransactionNotUpdated(detail=f"deliveryStatus must be one of {', '.join(DeliveryStatus.values)}",
                                               field="deliveryStatus")
        bill.delivery_status = status
    if extended_fields:
        cleaned = extended_fields_validate(org=org, entity="TRANSACTION", values=extended_fields, partial=True)
        merged = {**bill.extended_fields, **cleaned}
        bill.extended_fields = {k: v for k, v in merged.items() if v is not None}
    if custom_fields:
        cleaned, warnings = custom_fields_validate(org=org, scope=intake.CUSTOM_FIELD_SCOPE, values=custom_fields,
                                                   partial=True)
        merged = {**bill.custom_fields, **cleaned}
        bill.custom_fields = {k: v for k, v in merged.items() if v not in (None, "")}
    if note is not None:
        bill.note = note
    bill.full_clean(exclude=_RESOLVED_FKS, validate_unique=False, validate_constraints=False)
    bill.save(update_fields=["delivery_status", "extended_fields", "custom_fields", "note", "updated_at"])
    return bill, list(warnings)


# -- simulation --------------------------------------------------------------------------------------------------
@dataclass
class SimulationResult:
    bill: Bill
    lines: list[BillLine]
    tenders: list[BillTender]
    customer: object | None
    program: object | None
    evaluation: object | None
    points_by_line: dict[int, Decimal]
    points: Decimal
    bill_points: Decimal
    warnings: list[DomainError]


def bill_simulate(*, org, data: BillInput, till, rules=None) -> SimulationResult:
    """Evaluate a bill as if it were added, writing nothing: no bill, no customer, no points, no queue row."""
    prepared = intake.bill_prepare(org=org, data=data, till=till)
    if prepared.rejections:
        raise prepared.rejections[0].error
    intake.currency_convert(org=org, data=data, store=prepared.store, prepared=prepared)
    customer, _, warnings = intake.customer_resolve(org=org, data=data, till=prepared.till, allow_register=False)
    bill = _bill_build(org=org, data=data, prepared=prepared, customer=customer, number_is_unique=False)
    lines = _lines_build(bill=bill, data=data, prepared=prepared)
    tenders = _tenders_build(bill=bill, data=data, prepared=prepared)
    program = bill.program
    evaluation, split = None, None
    if program is not None and data.type in (BillType.REGULAR, BillType.MIXED):
        _, evaluation, split = bill_evaluate(bill=bill, lines=lines, tenders=tenders, customer=customer,
                                             program=program, rules=rules)
    return SimulationResult(bill=bill, lines=lines, tenders=tenders, customer=customer, program=program, evaluation=evaluation,
                            points_by_line=dict(split.lines) if split else {}, points=split.total if split else ZERO,
                            bill_points=split.bill if split else ZERO, warnings=prepared.warnings + warnings)
