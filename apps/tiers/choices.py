"""Enumerations of the tiers domain ("slabs" in the platform's API)."""
from django.db import models


class Criterion(models.TextChoices):
    """What a programme measures to place a customer in a tier."""

    CURRENT_POINTS = "CURRENT_POINTS", "Current (redeemable) points"
    LIFETIME_POINTS = "LIFETIME_POINTS", "Lifetime points earned"
    LIFETIME_PURCHASES = "LIFETIME_PURCHASES", "Lifetime purchase amount"
    VISITS = "VISITS", "Visits (days with a purchase)"
    TRACKER = "TRACKER", "Tracker (aggregate over a window)"


class TrackerMetric(models.TextChoices):
    SPEND = "SPEND", "Spend"
    VISITS = "VISITS", "Visits"
    QUANTITY = "QUANTITY", "Quantity of items"


class Combine(models.TextChoices):
    ALL = "ALL", "All"
    ANY = "ANY", "Any N"


class ValidityMode(models.TextChoices):
    NONE = "NONE", "No expiry"
    FIXED_MONTHS = "FIXED_MONTHS", "N months from the upgrade"
    REGISTRATION_ANNIVERSARY = "REGISTRATION_ANNIVERSARY", "Until the registration anniversary"
    FIXED_DATE = "FIXED_DATE", "Until a fixed calendar date"


class DowngradeMode(models.TextChoices):
    ONE_TIER = "ONE_TIER", "One tier down"
    BASE = "BASE", "To the base tier"
    QUALIFYING = "QUALIFYING", "To the tier the customer qualifies for"


class ChangeSource(models.TextChoices):
    """Who or what moved the customer (tier history)."""

    AUTOMATIC = "AUTOMATIC", "Automatic (qualifying event)"
    MANUAL = "MANUAL", "Manual adjustment"
    RETURN = "RETURN", "Return (end-of-day check)"
    RENEWAL = "RENEWAL", "Renewal check"
    DOWNGRADE = "DOWNGRADE", "Downgrade (renewal failed)"
    LADDER = "LADDER", "Ladder change"
    MANUAL_EXPIRY = "MANUAL_EXPIRY", "Manual tier expired"


class ChangeType(models.TextChoices):
    """The platform's change types (slab history `type`)."""

    UPGRADE = "UPGRADE", "Upgrade"
    DOWNGRADE = "DOWNGRADE", "Downgrade"
    RENEW = "RENEW", "Renew"
    EXTEND = "EXTEND", "Extend expiry"


class CheckKind(models.TextChoices):
    RENEWAL = "RENEWAL", "Renewal at end of validity"
    RETURN = "RETURN", "Downgrade-on-return check"
    REMINDER = "REMINDER", "Downgrade reminder"
    MANUAL_EXPIRY = "MANUAL_EXPIRY", "Manual tier expiry"


class CheckOutcome(models.TextChoices):
    RENEWED = "RENEWED", "Renewed"
    DOWNGRADED = "DOWNGRADED", "Downgraded"
    KEPT = "KEPT", "Kept"
    REMINDED = "REMINDED", "Reminder queued"
    SKIPPED = "SKIPPED", "Skipped"


class SlabAction(models.TextChoices):
    """Manual Tier Adjustment actions (`slabAction`)."""

    UPGRADE = "UPGRADE", "Upgrade"
    DOWNGRADE = "DOWNGRADE", "Downgrade"
    RENEWAL = "RENEWAL", "Renew the current tier"
    EXTEND_CURRENT_TIER_EXPIRY_DATE = "EXTEND_CURRENT_TIER_EXPIRY_DATE", "Extend the current tier's expiry"


class ManualValidity(models.TextChoices):
    """Manual Tier Adjustment validity (`manualSlabActionValidity`)."""

    FIXED_DURATION = "FIXED_DURATION", "N days from now"
    SPECIFIC_DATE = "SPECIFIC_DATE", "Until a date"
    CURRENT_TIER_EXPIRY_DATE = "CURRENT_TIER_EXPIRY_DATE", "Keep the current expiry date"
    AS_PER_TIER_STRATEGY = "AS_PER_TIER_STRATEGY", "As the programme's validity says"


class LadderChangeKind(models.TextChoices):
    INSERT = "INSERT", "Insert a tier"
    RETIRE = "RETIRE", "Retire a tier"
    THRESHOLDS = "THRESHOLDS", "Change thresholds"


class LadderChangeStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft (preview)"
    APPLYING = "APPLYING", "Applying"
    APPLIED = "APPLIED", "Applied"
    FAILED = "FAILED", "Failed"
