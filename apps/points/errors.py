"""The platform's points codes (8xx and friends). HTTP status: 400 for bad input, 404 for missing, 409/422 for rules."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class PointsInvalid(DomainError):
    code, status, template = 801, 400, "Points value is invalid: {detail}"


class PointsPrecision(DomainError):
    code, status, template = 878, 400, "Points cannot have more than {decimals} decimal places"


class PointsMoreThanAvailable(DomainError):
    code, status, template = 803, 422, "Unable to redeem. The points you are trying to redeem is more than the available points"


class InsufficientLifetimePoints(DomainError):
    code, status, template = 805, 422, "Insufficient lifetime points to redeem"


class InsufficientLifetimePurchases(DomainError):
    code, status, template = 806, 422, "Insufficient lifetime purchases to redeem"


class PointsNotMultiple(DomainError):
    code, status, template = 807, 422, "Points must be redeemed in multiples of {multiple}"


class ValidationCodeInvalid(DomainError):
    code, status, template = 808, 400, "Validation code is invalid"


class CustomerFraud(DomainError):
    code, status, template = 809, 422, "Customer is marked as fraud"


class RedemptionReversalMismatch(DomainError):
    code, status, template = 810, 422, "Mismatch in points for revert: at most {reversible} points can be reversed"


class ReversalInsufficientPoints(DomainError):
    code, status, template = 817, 422, "Points reversal failed due to insufficient points"


class AboveMaximumPerBill(DomainError):
    code, status, template = 819, 422, "Points exceed the maximum redeemable per transaction ({maximum})"


class BelowMinimum(DomainError):
    code, status, template = 821, 422, "Points are below the minimum redeemable ({minimum})"


class ValidationCodeIssueFailed(DomainError):
    code, status, template = 860, 422, "Unable to issue validation code: {detail}"


class NotEnrolled(DomainError):
    code, status, template = 881, 422, "Customer is not registered in loyalty"


class ProgramInvalid(NotFound):
    code, template = 885, "Invalid program id"


class RedemptionNotFound(NotFound):
    code, template = 902, "Redemption ID does not exist"


class RedemptionAlreadyReversed(DomainError):
    code, status, template = 3802, 422, "Redemption is already reversed"


class ReversalDisabled(DomainError):
    code, status, template = 905, 422, "Redemption reversal is disabled for this program"


class TransferNotAllowed(DomainError):
    code, status, template = 818, 422, "Points transfer is not allowed for this program"


class TransferSameCustomer(DomainError):
    code, status, template = 418, 400, "From and To customers are same"


class TransferPointsInvalid(DomainError):
    code, status, template = 422, 400, "pointsToBeTransferred value is invalid"


class TransferInsufficient(DomainError):
    code, status, template = 817, 422, "Transfer failed due to insufficient transferable points"


class TransferSourceFraud(DomainError):
    code, status, template = 415, 422, "Source customer is marked as fraud"


class TransferDestinationFraud(DomainError):
    code, status, template = 414, 422, "Destination customer is marked as fraud"


class DebitBlocked(DomainError):
    code, status, template = 817, 422, "Not enough points to take back ({shortfall} short) and the program blocks deficits"


register_constraint_error("points_pointsaccount_available_non_negative", PointsMoreThanAvailable)
