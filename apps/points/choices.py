from django.db import models


class RoundingMode(models.TextChoices):
    ACTUAL = "ACTUAL", "Actual (keep decimals)"
    FLOOR = "FLOOR", "Floor"
    CEIL = "CEIL", "Ceil"
    HALF_UP = "HALF_UP", "Half up"


class EligibilityBasis(models.TextChoices):
    CURRENT_POINTS = "CURRENT_POINTS", "Current points"
    LIFETIME_POINTS = "LIFETIME_POINTS", "Lifetime points"
    LIFETIME_PURCHASES = "LIFETIME_PURCHASES", "Lifetime purchases"


class ExpiryPolicy(models.TextChoices):
    NEVER = "NEVER", "Never"
    DAYS = "DAYS", "N days after earning"
    MONTH_END = "MONTH_END", "End of the Nth month"
    FIXED_DATE = "FIXED_DATE", "A fixed date"
    ROLLING = "ROLLING", "Rolling window (each earn re-dates all points)"


class DeficitPolicy(models.TextChoices):
    CLAMP = "CLAMP", "Take what is left and record the shortfall"
    ALLOW_NEGATIVE = "ALLOW_NEGATIVE", "Allow a negative balance (never expires)"
    BLOCK = "BLOCK", "Refuse the debit"


class EntryKind(models.TextChoices):
    CREDIT = "CREDIT", "Credit"
    PROMISE = "PROMISE", "Promised credit"
    CONVERT = "CONVERT", "Promised to available"
    REDEEM = "REDEEM", "Redemption"
    REVERSE_REDEMPTION = "REVERSE_REDEMPTION", "Redemption reversed"
    REVOKE = "REVOKE", "Earned points taken back"
    REVOKE_PROMISED = "REVOKE_PROMISED", "Promised points taken back"
    EXPIRE = "EXPIRE", "Expiry"
    TRANSFER_OUT = "TRANSFER_OUT", "Transfer out"
    TRANSFER_IN = "TRANSFER_IN", "Transfer in"
    ADJUST_CREDIT = "ADJUST_CREDIT", "Manual credit"
    ADJUST_DEBIT = "ADJUST_DEBIT", "Manual debit"
    DEFICIT = "DEFICIT", "Shortfall recorded"


CREDIT_KINDS = {EntryKind.CREDIT, EntryKind.PROMISE, EntryKind.TRANSFER_IN, EntryKind.ADJUST_CREDIT}


class SourceType(models.TextChoices):
    BILL = "BILL", "Bill"
    LINE = "LINE", "Bill line"
    RULE = "RULE", "Rule"
    REQUEST = "REQUEST", "Request"
    REDEMPTION = "REDEMPTION", "Redemption"
    TRANSFER = "TRANSFER", "Transfer"
    IMPORT = "IMPORT", "Import"
    MANUAL = "MANUAL", "Manual adjustment"
    EXPIRY = "EXPIRY", "Expiry run"
    ENROLMENT = "ENROLMENT", "Enrolment"


class LotState(models.TextChoices):
    PROMISED = "PROMISED", "Promised"
    AVAILABLE = "AVAILABLE", "Available"


class RedemptionStatus(models.TextChoices):
    REDEEMED = "REDEEMED", "Redeemed"
    PARTIALLY_REVERSED = "PARTIALLY_REVERSED", "Partially reversed"
    REVERSED = "REVERSED", "Reversed"


class ActorType(models.TextChoices):
    TILL = "TILL", "Till"
    STAFF = "STAFF", "Staff"
    SYSTEM = "SYSTEM", "System"
