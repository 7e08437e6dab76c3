"""Checking a bill before it is stored: shape, master data (store, till, SKUs, fields, tenders), currency, customer.

Nothing here writes, except auto-registration of an unknown customer (inside the caller's transaction).
Master-data failures are collected, not raised one by one, so a rejected bill carries every reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.orgcache import org_data
from apps.customers import errors as customer_errors
from apps.customers.choices import IDENTIFIER_ID, Source
from apps.customers.selectors import customer_find, customer_lookup_by_names
from apps.fields import errors as field_errors
from apps.fields.choices import ExtendedFieldEntity
from apps.fields.selectors import extended_definitions
from apps.fields.services import custom_fields_validate, extended_fields_clean
from apps.organizations.models import OrgConfig, Store, Till
from apps.organizations.selectors import (STORE_CONFIGS_DATA, org_config_flag, org_config_map, org_config_value,
                                         payment_modes_active)

from .. import errors
from ..choices import (FORWARD_TYPES, RETURN_TYPES, BillSource, BillType, DeliveryStatus, LineType, OutlierStatus,
                       RejectionReason, ReturnType)
from ..selectors import products_by_code
from .inputs import BillInput, LineInput

CUSTOM_FIELD_SCOPE = "loyalty_transaction"
MONEY_QUANTUM = Decimal("0.0001")
ZERO = Decimal(0)
NUMBER_MAX_LENGTH = 50
# Choices' .values builds its list on every read; the checks below run for every bill and line.
_BILL_TYPES, _RETURN_TYPES, _LINE_TYPES = (frozenset(c.values) for c in (BillType, ReturnType, LineType))
_SOURCES, _BILL_SOURCES = frozenset(Source.values), frozenset(BillSource.values)
_DELIVERY, _OUTLIER = frozenset(DeliveryStatus.values), frozenset(OutlierStatus.values)


@dataclass
class Rejection:
    """One master-data failure: the queue's reason name and the error the client sees."""

    reason: str
    error: DomainError

    def as_dict(self) -> dict:
        return {"reason": self.reason, "code": self.error.code, "message": self.error.message}


@dataclass
class Prepared:
    """A bill that passed the shape checks, with everything resolved that saving it needs."""

    store: Store
    till: Till | None
    billing_time: datetime
    bill_date: date
    extended_fields: dict = field(default_factory=dict)
    custom_fields: dict = field(default_factory=dict)
    line_extended: list[dict] = field(default_factory=list)
    line_custom: list[dict] = field(default_factory=list)
    products: dict = field(default_factory=dict)
    payment_modes: dict = field(default_factory=dict)
    warnings: list[DomainError] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    store_flags: dict = field(default_factory=dict)
    local_currency: str = ""
    local_amount: Decimal | None = None
    conversion_ratio: Decimal | None = None


# -- shape -------------------------------------------------------------------------------------------------------
def _not_negative(value: Decimal | None, error: type[DomainError], field: str) -> None:
    if value is not None and value < 0:
        raise error(field=field)


def bill_shape_check(data: BillInput) -> None:
    """Refuse what no configuration could make valid (400): type, number, return type, negative figures."""
    data.type = (data.type or "").strip().upper()
    if data.type not in _BILL_TYPES:
        raise errors.BillTypeInvalid(field="type")
    data.number = (data.number or "").strip()
    if not data.number:
        raise errors.BillNumberInvalid(detail="billNumber is required", field="billNumber")
    if len(data.number) > NUMBER_MAX_LENGTH:
        raise errors.BillNumberInvalid(detail=f"at most {NUMBER_MAX_LENGTH} characters", field="billNumber")
    if data.type in RETURN_TYPES:
        data.return_type = (data.return_type or "").strip().upper()
        if data.return_type not in _RETURN_TYPES:
            raise errors.ReturnTypeInvalid(field="returnType")
    else:
        data.return_type = ""
    if data.source and data.source.upper() not in _BILL_SOURCES:
        raise customer_errors.SourceInvalid(field="source")
    if data.delivery_status and data.delivery_status.upper() not in _DELIVERY:
        raise DomainError(f"Invalid input. deliveryStatus: one of {', '.join(DeliveryStatus.values)}",
                          field="deliveryStatus")
    if data.outlier_status and data.outlier_status.upper() not in _OUTLIER:
        raise DomainError(f"Invalid input. outlierStatus: one of {', '.join(OutlierStatus.values)}",
                          field="outlierStatus")
    _not_negative(data.amount, errors.NegativeAmount, "billAmount")
    _not_negative(data.gross_amount, errors.NegativeGrossAmount, "grossAmount")
    _not_negative(data.discount, errors.NegativeDiscount, "discount")
    for index, line in enumerate(data.lines):
        _line_shape_check(line, index, bill_type=data.type)


def _line_shape_check(line: LineInput, index: int, *, bill_type: str) -> None:
    where = f"lineItems[{index}]"
    for name, code in (("amount", 661), ("value", 662), ("rate", 663), ("discount", 664), ("qty", 627)):
        value = getattr(line, name)
        if value is not None and value < 0:
            err = errors.NegativeLineValue(detail=name.capitalize(), field=f"{where}.{name}")
            err.code = code
            raise err
    if bill_type in RETURN_TYPES:  # every line of a return is a returned line, whatever its own `type` says
        line.type, line.return_type = LineType.REGULAR, ""
        return
    line.type = (line.type or LineType.REGULAR).strip().upper() or LineType.REGULAR
    if line.type not in _LINE_TYPES:
        raise DomainError(f"Invalid input. {where}.type: REGULAR or RETURN", field=f"{where}.type")
    if line.type == LineType.RETURN and bill_type != BillType.MIXED:
        raise DomainError(f"Invalid input. {where}.type: return lines belong to MIXED bills", field=f"{where}.type")
    if line.type == LineType.RETURN:
        line.return_type = (line.return_type or ReturnType.LINE_ITEM).strip().upper()
        if line.return_type not in (ReturnType.LINE_ITEM, ReturnType.CANCELLED):
            raise errors.ReturnTypeInvalid(field=f"{where}.returnType")
        if not line.parent_number:
            raise errors.ParentBillNotFound("A return line needs the number of the bill it returns (parentBillNumber)",
                                            field=f"{where}.parentBillNumber")


def _money(value: Decimal) -> Decimal:
    return value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def lines_complete(data: BillInput) -> None:
    """Fill the figures a line leaves out (value = rate x qty, amount = value - discount) and the bill's amount."""
    for line in data.lines:
        is_return = data.type in RETURN_TYPES or line.type == LineType.RETURN
        if line.qty is None and not is_return:  # a returned line without qty returns all that is left of it
            line.qty = Decimal(1)
        if line.value is None:
            if line.rate is not None and line.qty is not None:
                line.value = _money(line.rate * line.qty)
            else:
                line.value = line.amount if line.amount is not None else ZERO
        if line.rate is None:
            line.rate = _money(line.value / line.qty) if line.qty else line.value
        if line.discount is None:
            line.discount = ZERO
        if line.amount is None:
            line.amount = line.value - line.discount
    sold = [line for line in data.lines if line.type == LineType.REGULAR]
    if data.amount is None:
        if not data.lines and data.type not in RETURN_TYPES:
            raise errors.BillAmountInvalid(detail="billAmount is required when no line items are sent",
                                           field="billAmount")
        data.amount = sum((line.amount for line in (sold if data.type == BillType.MIXED else data.lines)), ZERO)
    if data.discount is None:
        data.discount = ZERO
    if data.gross_amount is None:
        data.gross_amount = data.amount + data.discount


# -- time --------------------------------------------------------------------------------------------------------
def billing_time_resolve(*, org, data: BillInput, store: Store) -> tuple[datetime, date]:
    """The billing time (aware; naive times are in the store's zone) and the store-local billing day."""
    zone = ZoneInfo(store.effective_timezone)
    moment = data.billing_time or timezone.now()
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    try:
        tolerance = int(org_config_value(org=org, key="CONF_TRANSACTION_FUTURE_TOLERANCE_MINUTES") or 0)
    except ValueError:
        tolerance = 0
    if moment > timezone.now() + timedelta(minutes=tolerance):
        raise errors.BillDateInFuture(field="billingDate")
    return moment, moment.astimezone(zone).date()


# -- store-scoped configuration ------------------------------------------------------------------------------------
STORE_FLAGS = ("CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE", "CONF_TRANSACTION_REQUIRE_KNOWN_SKU")


def store_flags(*, org, store: Store) -> dict[str, bool]:
    """The store-scoped flags a bill needs, the store's overrides over the org's values, in one query."""
    overrides = org_data(org.pk, STORE_CONFIGS_DATA, ("flags", store.pk), lambda: dict(
        OrgConfig.objects.for_org(org).filter(store=store, key__in=STORE_FLAGS).values_list("key", "value")))
    values = org_config_map(org=org)
    return {key: overrides.get(key, values.get(key)) in ("1", "true", "True") for key in STORE_FLAGS}


# -- store and till ----------------------------------------------------------------------------------------------
def store_till_resolve(*, org, data: BillInput, till: Till | None) -> tuple[Store | None, Till | None, Rejection | None]:
    """The store and till the bill is attributed to: the caller's, or another of the org's named in the bill."""
    if data.till_code:
        other = Till.objects.for_org(org).select_related("store").filter(code=data.till_code, is_active=True).first()
        if other is None:
            return (till.store if till else None), till, Rejection(
                RejectionReason.UNKNOWN_STORE, errors.StoreOrTillInvalid(value=data.till_code, field="tillCode"))
        return other.store, other, None
    if data.store_code:
        store = Store.objects.for_org(org).filter(code=data.store_code, is_active=True).first()
        if store is None:
            return (till.store if till else None), till, Rejection(
                RejectionReason.UNKNOWN_STORE, errors.StoreOrTillInvalid(value=data.store_code, field="storeCode"))
        return store, (till if till is not None and till.store_id == store.pk else None), None
    if till is None:
        return None, None, Rejection(RejectionReason.UNKNOWN_STORE,
                                     errors.StoreOrTillInvalid(value="(none)", field="tillCode"))
    return till.store, till, None


# -- master data -------------------------------------------------------------------------------------------------
def _extended_check(*, org, entity: str, values: dict, where: str, prepared: Prepared, definitions) -> dict:
    """Clean extended fields: a missing mandatory field rejects the bill; other problems are item warnings."""
    if not values and not any(d.is_mandatory for d in definitions):
        return {}
    cleaned, problems = extended_fields_clean(org=org, entity=entity, values=values)
    for problem in problems:
        if isinstance(problem, field_errors.ExtendedFieldMandatoryMissing):
            problem.message = f"{where}{problem.message}"
            prepared.rejections.append(Rejection(RejectionReason.MISSING_EXTENDED_FIELD, problem))
        else:
            prepared.warnings.append(problem)
    return {k: v for k, v in cleaned.items() if v is not None}


def _custom_check(*, org, values: dict, prepared: Prepared, partial: bool) -> dict:
    if not values and partial:
        return {}
    cleaned, warnings = custom_fields_validate(org=org, scope=CUSTOM_FIELD_SCOPE, values=values, partial=partial)
    prepared.warnings.extend(warnings)
    return cleaned


def fields_check(*, org, data: BillInput, prepared: Prepared) -> None:
    """Extended fields (TRANSACTION, LINEITEM entities) and custom fields (loyalty_transaction scope)."""
    bill_defs = extended_definitions(org=org, entity=ExtendedFieldEntity.REGULAR_TRANSACTION)
    line_defs = extended_definitions(org=org, entity=ExtendedFieldEntity.REGULAR_LINEITEM)
    prepared.extended_fields = _extended_check(org=org, entity="TRANSACTION", values=data.extended_fields,
                                               where="", prepared=prepared, definitions=bill_defs)
    prepared.custom_fields = _custom_check(org=org, values=data.custom_fields, prepared=prepared,
                                           partial=data.type in RETURN_TYPES)
    for index, line in enumerate(data.lines):
        checked = line.type == LineType.REGULAR and data.type in FORWARD_TYPES
        prepared.line_extended.append(_extended_check(
            org=org, entity="LINEITEM", values=line.extended_fields, where=f"lineItems[{index}]: ",
            prepared=prepared, definitions=line_defs if checked else []) if (checked or line.extended_fields) else {})
        prepared.line_custom.append(_custom_check(org=org, values=line.custom_fields, prepared=prepared, partial=True))


def skus_check(*, org, data: BillInput, prepared: Prepared) -> None:
    """Link lines to the SKU master; unknown codes reject the bill where the org requires known SKUs."""
    codes = [line.item_code for line in data.lines if line.item_code and line.type == LineType.REGULAR]
    prepared.products = products_by_code(org=org, item_codes=codes)
    if data.type not in FORWARD_TYPES or not prepared.store_flags["CONF_TRANSACTION_REQUIRE_KNOWN_SKU"]:
        return
    for index, line in enumerate(data.lines):
        if line.type == LineType.REGULAR and line.item_code not in prepared.products:
            prepared.rejections.append(Rejection(RejectionReason.UNKNOWN_SKU, errors.ItemCodeUnknown(
                item_code=line.item_code or "(blank)", field=f"lineItems[{index}].itemCode")))


def tenders_check(*, org, data: BillInput, prepared: Prepared) -> None:
    """Match payment modes with the org's tenders (case-insensitive); unknown ones reject the bill."""
    modes = [t.mode for t in data.tenders if t.mode]
    if not modes:
        return
    known = {m.name.upper(): m for m in payment_modes_active(org=org)}
    known.update({m.canonical_name.upper(): m for m in known.values() if m.canonical_name})
    prepared.payment_modes = known
    if not org_config_flag(org=org, key="CONF_TRANSACTION_REQUIRE_KNOWN_TENDER"):
        return
    for index, tender in enumerate(data.tenders):
        if tender.mode and tender.mode.upper() not in known:
            prepared.rejections.append(Rejection(RejectionReason.INVALID_PAYMENT_MODE, errors.PaymentModeUnknown(
                mode=tender.mode, field=f"paymentModes[{index}].mode")))


def bill_prepare(*, org, data: BillInput, till: Till | None) -> Prepared:
    """Shape checks (raised), then master-data checks (collected in prepared.rejections)."""
    bill_shape_check(data)
    lines_complete(data)
    store, till, problem = store_till_resolve(org=org, data=data, till=till)
    if store is None:
        raise problem.error
    billing_time, bill_date = billing_time_resolve(org=org, data=data, store=store)
    prepared = Prepared(store=store, till=till, billing_time=billing_time, bill_date=bill_date,
                        store_flags=store_flags(org=org, store=store))
    if problem is not None:
        prepared.rejections.append(problem)
    fields_check(org=org, data=data, prepared=prepared)
    skus_check(org=org, data=data, prepared=prepared)
    tenders_check(org=org, data=data, prepared=prepared)
    return prepared


# -- currency ----------------------------------------------------------------------------------------------------
def conversion_ratios(*, org) -> dict[str, Decimal]:
    """CONF_CURRENCY_CONVERSION_RATIOS parsed: {"USD": Decimal("83.25"), ...} (malformed entries ignored)."""
    ratios = {}
    for part in str(org_config_value(org=org, key="CONF_CURRENCY_CONVERSION_RATIOS") or "").split(","):
        code, _, ratio = part.partition(":")
        try:
            value = Decimal(ratio.strip())
        except InvalidOperation:
            continue
        if code.strip() and value.is_finite() and value > 0:
            ratios[code.strip().upper()] = value
    return ratios


def currency_convert(*, org, data: BillInput, store: Store, prepared: Prepared) -> None:
    """Bills "added with local currency" are converted to the base currency at the org's ratio, in place."""
    if not data.add_with_local_currency:
        return
    if not org_config_flag(org=org, key="CONF_CURRENCY_CONVERSION_ENABLE"):
        raise errors.CurrencyConversionDisabled(field="addWithLocalCurrency")
    currency = (data.currency_code or store.currency or "").strip().upper()
    if not currency:
        raise errors.CurrencyMissing(field="currencyCode")
    base = org.base_currency.upper()
    ratio = Decimal(1) if currency == base else conversion_ratios(org=org).get(currency)
    if ratio is None:
        raise errors.CurrencyRatioInvalid(currency=currency, field="currencyCode")
    prepared.local_currency, prepared.conversion_ratio, prepared.local_amount = currency, ratio, data.amount
    data.amount = _money(data.amount * ratio)
    data.gross_amount = _money(data.gross_amount * ratio)
    data.discount = _money(data.discount * ratio)
    for line in data.lines:
        line.rate, line.value = _money(line.rate * ratio), _money(line.value * ratio)
        line.discount, line.amount = _money(line.discount * ratio), _money(line.amount * ratio)
    for tender in data.tenders:
        tender.value = _money(tender.value * ratio)
    data.currency_code = currency


# -- customer ----------------------------------------------------------------------------------------------------
def _customer_source(raw: str) -> str:
    text = (raw or "").strip().upper()
    return text if text in _SOURCES else Source.INSTORE


def customer_resolve(*, org, data: BillInput, till, allow_register: bool, query=None
                     ) -> tuple[object | None, bool, list]:
    """The bill's customer: (customer, registered_now, warnings). Unknown ones are registered when allowed. query:
    apps.customers.selectors.customer_lookup's (the statement that looks an identifier up)."""
    ref = data.customer
    if ref.is_empty:
        raise errors.CustomerIdentifierMissing(field="identifierValue")
    lookup_source = ref.source.upper() if ref.source and ref.source.upper() in _SOURCES else None
    try:
        if ref.identifier_value:
            return customer_lookup_by_names(org=org, identifier_names=ref.identifier_name or "mobile",
                                            identifier_values=ref.identifier_value, source=lookup_source,
                                            account_id=ref.account_id, query=query), False, []
        return customer_find(org=org, identifiers=ref.identifiers, query=query), False, []
    except customer_errors.CustomerNotFound:
        if not allow_register or not org_config_flag(org=org, key="CONF_TRANSACTION_AUTO_REGISTER"):
            raise errors.TransactionCustomerNotFound(field="identifierValue") from None
    return _customer_register(org=org, ref=ref, till=till)


def _customer_register(*, org, ref, till) -> tuple[object, bool, list]:
    from apps.customers.services import customer_create

    if ref.identifier_value:
        if ref.identifier_name.strip().lower() == IDENTIFIER_ID or "," in ref.identifier_name:
            raise errors.TransactionCustomerNotFound(field="identifierValue")
        identifiers = [{"type": ref.identifier_name.strip(), "value": ref.identifier_value}]
    else:
        mapping = {"mobile": "mobile", "email": "email", "external_id": "externalId", "card_number": "cardnumber"}
        identifiers = [{"type": kind, "value": str(ref.identifiers[key])} for key, kind in mapping.items()
                       if ref.identifiers.get(key) not in (None, "")]
        if not identifiers:
            raise errors.TransactionCustomerNotFound(field="customer")
    source = _customer_source(ref.source)
    customer, warnings = customer_create(org=org, source=source, account_id=ref.account_id, identifiers=identifiers,
                                         till=till, first_name=ref.first_name, last_name=ref.last_name)
    return customer, True, list(warnings)
