"""Error and warning codes of the transaction domain (the platform's 6xx transaction status codes and friends).

v1.1 and v2 share the 6xx numbers; where v1.1 answers with another number the error carries it in `v11_code`
(re-coded in v1.1 views with apps.customers.errors.as_v11).
"""
from __future__ import annotations

from apps.core.errors import DomainError, NotFound, register_constraint_error


class TransactionError(DomainError):
    v11_code: int | None = None


# -- bad input ---------------------------------------------------------------------------------------------------
class BillAmountInvalid(TransactionError):
    code, status, template = 601, 400, "Invalid Bill Amount: {detail}"


class BillNumberInvalid(TransactionError):
    code, status, template = 602, 400, "Invalid transaction number: {detail}"


class BillTypeInvalid(TransactionError):
    code, status, template = 605, 400, ("Invalid transaction type passed. Only REGULAR, RETURN, NOT_INTERESTED, "
                                        "NOT_INTERESTED_RETURN and MIXED are supported")


class CustomerIdentifierMissing(TransactionError):
    code, status = 606, 400
    template = "Customer identifier is not passed. Please enter customer's mobile or email or external id to process"


class TransactionIdMissing(TransactionError):
    code, status, template = 670, 400, "Transaction id/number is not provided"


class ReturnTypeInvalid(TransactionError):
    code, status, template = 628, 400, "Invalid return transaction type"


class NegativeAmount(TransactionError):
    code, status, template = 631, 400, "Transaction amount cannot be negative"


class NegativeGrossAmount(TransactionError):
    code, status, template = 665, 400, "Gross amount of the transaction cannot be negative"


class NegativeDiscount(TransactionError):
    code, status, template = 666, 400, "Discount cannot be negative"


class NegativeLineValue(TransactionError):
    """661 amount, 662 value, 663 rate, 664 discount, 627 quantity: set per field."""

    code, status, template = 661, 400, "{detail} of a line item cannot be negative"


class BillDateInFuture(TransactionError):
    code, status, template = 643, 400, "Invalid transaction. The transaction date exceeds the accepted future date limit"


class FieldTooLong(TransactionError):
    code, status, template = 685, 400, "Field length too long: {detail}"


class CurrencyMissing(TransactionError):
    code, status, template = 9606, 400, "Currency not passed for the transaction"


class CurrencyConversionDisabled(TransactionError):
    code, status, template = 682, 422, "Currency conversion is disabled for the org"


class CurrencyRatioInvalid(TransactionError):
    code, status, template = 1102, 422, "Invalid currency conversion ratio passed: no ratio for {currency}"


class RedemptionUnknown(TransactionError):
    code, status, template = 642, 422, "Redemption failed. Points redemption {code} was not found for this customer"


# -- customer ----------------------------------------------------------------------------------------------------
class TransactionCustomerNotFound(NotFound):
    code, template = 8015, "Customer not found for the given identifiers"
    v11_code = 611


class CustomerNotEligible(TransactionError):
    code, status, template = 3045, 422, "Transaction is not allowed for the customer with ID {customer_id}: {detail}"


# -- duplicates and lookups --------------------------------------------------------------------------------------
class DuplicateBillNumber(TransactionError):
    code, status, template = 604, 409, "Duplicate transaction number: the bill number is already used at this store on that date"


class TransactionNotFound(NotFound):
    code, template = 620, "Invalid Transaction ID"


class TransactionNotFoundForCustomer(NotFound):
    code, template = 668, "Unable to find the transaction number for this customer"


class TransactionNotUpdated(TransactionError):
    code, status, template = 1118, 422, "Transaction could not be updated: {detail}"


class TooManyTransactions(TransactionError):
    code, status, template = 1109, 400, "Maximum {maximum} transactions can be fetched"


# -- returns -----------------------------------------------------------------------------------------------------
class ParentBillNotFound(TransactionError):
    code, status, template = 625, 422, "Parent Bill Number for the return transaction does not exist"


class ParentBillAmbiguous(TransactionError):
    code, status = 9614, 422
    template = "Multiple loyalty bills found to be returned; pass the transaction id to choose one"


class ReturnBeforePurchase(TransactionError):
    code, status = 624, 422
    template = "Invalid return transaction time, Return transaction should happen after add transaction"


class ReturnQtyExceeded(TransactionError):
    code, status, template = 626, 422, "Returned quantity of {item_code} is more than purchased ({remaining} left)"


class ReturnAmountExceeded(TransactionError):
    code, status, template = 630, 422, "Total returned amount is more than purchase amount ({remaining} left)"


class ReturnLineAfterAmount(TransactionError):
    code, status = 632, 422
    template = "Cannot return with type LINE_ITEM because the bill was already returned with type AMOUNT"


class AlreadyFullyReturned(TransactionError):
    code, status, template = 633, 422, "Transaction is already fully returned"


class ReturnAmountAfterLine(TransactionError):
    code, status = 638, 422
    template = "Transaction is already returned with type LINE_ITEM, you cannot use the type AMOUNT"


class FullReturnAfterPartial(TransactionError):
    code, status, template = 639, 422, "Transaction is already partly returned, it cannot be returned in full again"


class ReturnLineNotFound(TransactionError):
    code, status, template = 688, 422, "No matching line-item found for return: {item_code}"


class ReturnLinesMissing(TransactionError):
    code, status, template = 679, 400, "Line-item(s) to be returned is not specified"


class ReturnNotAllowedForType(TransactionError):
    code, status, template = 673, 422, "Returning of transactions is not allowed: {detail}"


# -- master data (rejection queue) -------------------------------------------------------------------------------
class StoreOrTillInvalid(TransactionError):
    code, status, template = 671, 422, "Invalid Store or TILL code: {value}"


class ItemCodeUnknown(TransactionError):
    code, status, template = 622, 422, "Unable to add line-item: item code {item_code} is not in the product master"


class PaymentModeUnknown(TransactionError):
    code, status, template = 9607, 422, "Payment tender not found: {mode}"


class BillRejected(TransactionError):
    """Raised after the rejected bill was queued (in its own transaction): carries every reason."""

    code, status, template = 686, 422, "Unable to add transaction: {detail}"

    def __init__(self, *, rejected, reasons: list[DomainError]):
        self.rejected = rejected
        self.reasons = reasons
        super().__init__(detail="; ".join(r.message for r in reasons))


class RejectedBillNotFound(NotFound):
    code, template = 620, "Rejected transaction {id} not found"


class RejectedBillNotPending(TransactionError):
    code, status, template = 1636, 422, "Rejected transaction {id} is {status}, only PENDING ones can be {action}"


class RetriggerNotFound(NotFound):
    code, template = 404, "Retrigger {id} not found"


# -- simulation --------------------------------------------------------------------------------------------------
class SimulationDisabled(TransactionError):
    code, status, template = 4000, 403, "Not authorized. Simulation is not enabled for the org (CONF_ENABLE_SIMULATION_API_MODE)"


# -- warnings (returned with a successful bill) ------------------------------------------------------------------
class PointsNotAwarded(TransactionError):
    code, status, template = 9610, 200, "New bill event failed, points not awarded: {detail}"


class ReturnPointsNotReversed(TransactionError):
    code, status, template = 710, 200, "Return bill event: points not taken back: {detail}"


class ProductCodeExists(TransactionError):
    code, status, template = 616, 409, "Item code already exists"


register_constraint_error("transactions_bill_unique_number", DuplicateBillNumber)
register_constraint_error("transactions_product_unique_code", ProductCodeExists)
