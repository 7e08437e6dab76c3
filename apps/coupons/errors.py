"""The platform's coupon codes (7xx item statuses, 6xx series/revoke codes) as domain errors.

A coupon item that fails answers its 7xx code; the HTTP status says whether the client could have known better
(400/404) or a business rule refused it (422).
"""
from apps.core.errors import DomainError, NotFound

SUCCESS_CODE = 700
SUCCESS_MESSAGE = "Coupon processing successful"


class CouponError(DomainError):
    code, status, template = 730, 422, "Unknown error"


class CustomerNotFound(CouponError):
    code, status, template = 701, 404, "Unable to find the customer. Please enter correct mobile number/email id/external id"


class CodeInvalid(CouponError):
    code, status, template = 702, 404, "Coupon code is invalid"


class NotIssuedToCustomer(CouponError):
    code, status, template = 703, 422, "Coupon not issued to this customer"


class SendFailed(CouponError):
    code, status, template = 704, 422, "Unable to send coupon to the customer's mobile number"


class ValidationCodeInvalid(CouponError):
    code, status, template = 705, 422, "Invalid coupon code and validation code"


class UnableToRedeem(CouponError):
    code, status, template = 709, 422, "Unable to redeem coupon{detail}"


class SeriesInvalid(CouponError):
    code, status, template = 707, 404, "Coupon series id is invalid"


class AlreadyRedeemed(CouponError):
    code, status, template = 711, 422, "Coupon is redeemed already"


class SeriesExpired(CouponError):
    code, status, template = 712, 422, "Unable to redeem. Either coupon series or campaign might have expired"


class CouponExpired(CouponError):
    code, status, template = 713, 422, "Coupon has expired"


class SeriesRedemptionsExhausted(CouponError):
    code, status, template = 714, 422, "Unable to redeem. Maximum redemptions allowed for this campaign are already reached"


class SameCouponMultipleTimes(CouponError):
    code, status, template = 716, 422, "Unable to redeem. Cannot redeem same coupon multiple times"


class TransactionNumberRequired(CouponError):
    code, status, template = 718, 400, "Unable to redeem. Please enter transaction number must be entered to redeem"


class CustomerInvalid(CouponError):
    code, status, template = 721, 422, "Unable to issue/redeem coupon. Customer is invalid"


class UnableToIssue(CouponError):
    code, status, template = 722, 422, "Unable to issue coupon{detail}"


class ValidationCodeRequired(CouponError):
    code, status, template = 725, 422, "Unable to redeem coupon. Please provide validation code to redeem"


class CouponRedemptionsExhausted(CouponError):
    code, status, template = 728, 422, "Unable to redeem. Maximum number of coupon redemptions allowed has already been reached"


class RedemptionRangeInvalid(CouponError):
    code, status, template = 729, 422, "Invalid redemption date range for the coupon series"


class TransactionAmountInvalid(CouponError):
    code, status, template = 733, 422, "Transaction amount invalid"


class StoreNotAllowed(CouponError):
    code, status, template = 735, 422, "Unable to redeem coupon. The coupon cannot be redeemed at this store"


class CustomerSeriesRedemptionsExhausted(CouponError):
    code, status = 736, 422
    template = "Unable to redeem coupon. Maximum number of coupon redemptions allowed has already been reached"


class WaitDays(CouponError):
    code, status, template = 738, 422, "Cannot redeem the coupon. Please wait for {days} days to redeem this coupon again"


class RedemptionDateInvalid(CouponError):
    code, status, template = 739, 422, "Unable to redeem. Make sure that the redemption date you have entered is valid"


class CustomerFraud(CouponError):
    code, status, template = 740, 422, "Unable to process. Customer is marked as fraud"


class CustomerBlocked(CouponError):
    code, status, template = 742, 422, "Coupon issual or redemption is blocked for this customer"


class CouponNotFound(NotFound):
    code, template = 682, "Coupon not found"


class ExpiryBeyondSeries(CouponError):
    code, status, template = 691, 400, "Coupon code expiry date cannot be set beyond series expiry date"


class NothingPassed(CouponError):
    code, status, template = 756, 400, "No coupon code or customer info is passed."


class SeriesInputInvalid(CouponError):
    code, status, template = 400, 400, "Invalid input. {detail}"


class SeriesNotFound(NotFound):
    code, template = 707, "Coupon series id is invalid"


class UploadNotFound(NotFound):
    code, template = 404, "Upload not found"


class UploadInvalid(CouponError):
    code, status, template = 400, 400, "Incorrect or invalid input. {detail}"


class RedemptionNotFound(NotFound):
    code, template = 709, "Redemption not found"


class TransferNotAllowed(CouponError):
    code, status, template = 723, 422, "Unable to transfer. {detail}"
