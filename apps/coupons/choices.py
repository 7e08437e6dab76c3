"""Enumerations of the coupons domain."""
from django.db import models


class DiscountType(models.TextChoices):
    ABS = "ABS", "Absolute amount"
    PERC = "PERC", "Percentage"


class DiscountOn(models.TextChoices):
    BILL = "BILL", "Bill"
    LINEITEM = "LINEITEM", "Line item"


class ExpiryStrategy(models.TextChoices):
    SERIES_EXPIRY = "SERIES_EXPIRY", "Series expiry"
    DAYS = "DAYS", "Days from issue"


class CodeSource(models.TextChoices):
    GENERATED = "GENERATED", "Generated codes"
    COMMON = "COMMON", "One common code"
    UPLOADED = "UPLOADED", "Uploaded codes"


class CouponStatus(models.TextChoices):
    AVAILABLE = "AVAILABLE", "Uploaded, not issued"
    ISSUED = "ISSUED", "Issued"
    REVOKED = "REVOKED", "Revoked"


class CouponEventType(models.TextChoices):
    SERIES_CREATED = "SERIES_CREATED", "Series created"
    SERIES_UPDATED = "SERIES_UPDATED", "Series updated"
    ISSUED = "ISSUED", "Issued"
    BULK_ISSUED = "BULK_ISSUED", "Issued in bulk"
    REDEEMED = "REDEEMED", "Redeemed"
    REACTIVATED = "REACTIVATED", "Redemption reversed"
    REVOKED = "REVOKED", "Revoked"
    RESENT = "RESENT", "Resent"
    TRANSFERRED = "TRANSFERRED", "Transferred"
    REMINDED = "REMINDED", "Expiry reminder sent"
    EXPIRY_CHANGED = "EXPIRY_CHANGED", "Expiry changed"
    UPLOADED = "UPLOADED", "Codes uploaded"


class UploadKind(models.TextChoices):
    CODES = "CODES", "Coupon codes"
    REDEEMED = "REDEEMED", "Redeemed coupons"


class UploadStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    STARTED = "STARTED", "Started"
    FINISHED = "FINISHED", "Finished"
    FAILED = "FAILED", "Failed"


class UploadIdentifier(models.TextChoices):
    MOBILE = "MOBILE", "Mobile"
    EXTERNAL_ID = "EXTERNAL_ID", "External id"
    EMAIL = "EMAIL", "Email"
    USER_ID = "USER_ID", "Customer id"
    NOT_TAGGED = "NOT_TAGGED", "Codes only"


class AudienceType(models.TextChoices):
    LABEL = "LABEL", "Customers carrying a label"
    SEGMENT = "SEGMENT", "Customers matching a filter"
    CSV = "CSV", "Customers listed in a CSV"
    CUSTOMERS = "CUSTOMERS", "Customer ids"
