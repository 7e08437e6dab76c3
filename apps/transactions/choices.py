"""Enumerations of the transaction domain, with the platform's spellings as values."""
from django.db import models


class BillType(models.TextChoices):
    REGULAR = "REGULAR", "Regular (loyalty)"
    NOT_INTERESTED = "NOT_INTERESTED", "Not interested (non-member)"
    RETURN = "RETURN", "Return"
    NOT_INTERESTED_RETURN = "NOT_INTERESTED_RETURN", "Not-interested return"
    MIXED = "MIXED", "Mixed (exchange)"


# Bills that sell goods: their numbers are unique per store and day (CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE).
FORWARD_TYPES = frozenset({BillType.REGULAR, BillType.NOT_INTERESTED, BillType.MIXED})
RETURN_TYPES = frozenset({BillType.RETURN, BillType.NOT_INTERESTED_RETURN})
# Bills that earn points for a loyalty customer.
EARNING_TYPES = frozenset({BillType.REGULAR, BillType.MIXED})


class ReturnType(models.TextChoices):
    FULL = "FULL", "Whole bill"
    LINE_ITEM = "LINE_ITEM", "Line items"
    AMOUNT = "AMOUNT", "Amount"
    CANCELLED = "CANCELLED", "Cancelled line items"


class ReturnMode(models.TextChoices):
    """How an original bill has been returned so far (a bill is returned one way only: codes 632/635/638/639)."""

    NONE = "", "Not returned"
    FULL = "FULL", "Whole bill"
    LINE_ITEM = "LINE_ITEM", "Line items"
    AMOUNT = "AMOUNT", "Amount"


class LineType(models.TextChoices):
    REGULAR = "REGULAR", "Sold"
    RETURN = "RETURN", "Returned"


class DeliveryStatus(models.TextChoices):
    PLACED = "PLACED", "Placed"
    PROCESSED = "PROCESSED", "Processed"
    SHIPPED = "SHIPPED", "Shipped"
    DELIVERED = "DELIVERED", "Delivered"
    RETURNED = "RETURNED", "Returned"


class OutlierStatus(models.TextChoices):
    NORMAL = "NORMAL", "Normal"
    INTERNAL = "INTERNAL", "Internal"
    INVALID = "INVALID", "Invalid"
    OUTLIER = "OUTLIER", "Outlier"
    FAILED = "FAILED", "Failed"
    DELETED = "DELETED", "Deleted"
    RETRO = "RETRO", "Retro"
    FRAUD = "FRAUD", "Fraud"
    TEST = "TEST", "Test"
    OTHER = "OTHER", "Other"


class BillSource(models.TextChoices):
    INSTORE = "INSTORE", "In store"
    WECHAT = "WECHAT", "WeChat"
    MARTJACK = "MARTJACK", "Martjack"
    WEB_ENGAGE = "WEB_ENGAGE", "WebEngage"
    ECOMMERCE = "ECOMMERCE", "E-commerce"
    JD = "JD", "JD"
    TAOBAO = "TAOBAO", "Taobao"
    TMALL = "TMALL", "Tmall"
    FACEBOOK = "FACEBOOK", "Facebook"
    WEBSITE = "WEBSITE", "Website"
    MOBILE_APP = "MOBILE_APP", "Mobile app"
    OTHERS = "OTHERS", "Others"


class RejectionStatus(models.TextChoices):
    PENDING = "PENDING", "Pending (can be retriggered)"
    PROCESSED = "PROCESSED", "Processed (bill added on retrigger)"
    FAILED = "FAILED", "Failed (given up)"


class RejectionReason(models.TextChoices):
    UNKNOWN_STORE = "UNKNOWN_STORE", "Unknown store or till"
    UNKNOWN_SKU = "UNKNOWN_SKU", "Unknown item code"
    MISSING_EXTENDED_FIELD = "MISSING_EXTENDED_FIELD", "Mandatory extended field missing"
    INVALID_PAYMENT_MODE = "INVALID_PAYMENT_MODE", "Payment mode not configured"


# core.JobRun.kind of a retrigger request (its id is the retriggerId clients poll).
RETRIGGER_JOB_KIND = "transactions.retrigger"
