"""Tier ladders per programme, each customer's tier with its validity, the tier history, checks and ladder changes.

A customer without a membership row is in the programme's base tier (serial 1): rows appear on the first
evaluation that moves them, on a manual adjustment, or when a ladder change re-places them.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import (ChangeSource, ChangeType, CheckKind, CheckOutcome, Combine, Criterion, DowngradeMode,
                      LadderChangeKind, LadderChangeStatus, TrackerMetric, ValidityMode)

AMOUNT = {"max_digits": 18, "decimal_places": 3}
ZERO = Decimal("0")


class TierProgramSettings(OrgOwned):
    """How one programme places, keeps and drops customers in its tiers."""

    program = models.OneToOneField("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="tier_settings")
    # Upgrade
    criterion = models.CharField(max_length=20, choices=Criterion.choices, default=Criterion.LIFETIME_PURCHASES)
    tracker_metric = models.CharField(max_length=10, choices=TrackerMetric.choices, default=TrackerMetric.SPEND,
                                      help_text="Tracker criterion: what is summed over the window.")
    tracker_window_days = models.PositiveIntegerField(default=365, validators=[MinValueValidator(1)])
    secondary_criterion = models.CharField(max_length=20, choices=Criterion.choices, blank=True,
                                           help_text="Optional second measure, compared with each tier's "
                                                     "secondary threshold.")
    secondary_required = models.BooleanField(default=False, help_text="On: both criteria must be met. "
                                             "Off: either one is enough.")
    # Validity
    validity_mode = models.CharField(max_length=24, choices=ValidityMode.choices, default=ValidityMode.NONE)
    validity_months = models.PositiveSmallIntegerField(default=12, validators=[MinValueValidator(1)])
    fixed_month = models.PositiveSmallIntegerField(default=12, validators=[MinValueValidator(1), MaxValueValidator(12)])
    fixed_day = models.PositiveSmallIntegerField(default=31, validators=[MinValueValidator(1), MaxValueValidator(31)])
    min_duration_months = models.PositiveSmallIntegerField(default=0, help_text="Anniversary / fixed date: the "
                                                           "first cycle lasts at least this long.")
    # Renewal
    renewal_combine = models.CharField(max_length=3, choices=Combine.choices, default=Combine.ALL)
    renewal_any_count = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    # Downgrade
    downgrade_enabled = models.BooleanField(default=False)
    downgrade_mode = models.CharField(max_length=12, choices=DowngradeMode.choices, default=DowngradeMode.ONE_TIER)
    downgrade_on_return = models.BooleanField(default=False, help_text="Re-check at the end of the day of a return "
                                              "and move one tier down when the customer no longer qualifies.")
    reminder_days = models.PositiveSmallIntegerField(default=0, help_text="Remind this many days before a "
                                                     "downgrade (0: no reminder).")
    manual_is_floor = models.BooleanField(default=False, help_text="On: while a manual tier is in force, automatic "
                                          "checks never place the customer below it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tier programme settings"
        verbose_name_plural = "tier programme settings"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Tier settings of {self.program}"


class Tier(OrgOwned):
    """One step of a programme's ladder; serial 1 is the base tier (no conditions)."""

    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="tiers")
    serial = models.PositiveSmallIntegerField(help_text="Position in the ladder: 1 is the base tier.")
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=250, blank=True)
    colour = models.CharField(max_length=7, blank=True, help_text="#RRGGBB")
    threshold = models.DecimalField(**AMOUNT, default=ZERO, validators=[MinValueValidator(ZERO)])
    secondary_threshold = models.DecimalField(**AMOUNT, null=True, blank=True, validators=[MinValueValidator(ZERO)])
    # Benefits that rules and redemption can read (customer.tier in the rule context).
    earn_multiplier = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal("1"),
                                          validators=[MinValueValidator(ZERO)])
    max_redeem_per_bill = models.DecimalField(**AMOUNT, null=True, blank=True, validators=[MinValueValidator(ZERO)],
                                              help_text="Empty: the programme's limit.")
    # Renewal conditions (over the validity period); empty means "not a condition".
    renew_purchase_amount = models.DecimalField(**AMOUNT, null=True, blank=True, validators=[MinValueValidator(ZERO)])
    renew_visits = models.PositiveIntegerField(null=True, blank=True)
    renew_points = models.DecimalField(**AMOUNT, null=True, blank=True, validators=[MinValueValidator(ZERO)])
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program_id", "-is_active", "serial", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "program", "serial"], condition=Q(is_active=True),
                                    name="%(app_label)s_%(class)s_unique_serial"),
            models.UniqueConstraint(fields=["org", "program", "name"], condition=Q(is_active=True),
                                    name="%(app_label)s_%(class)s_unique_name"),
        ]
        indexes = [models.Index(fields=["org", "program", "is_active", "serial"], name="tiers_tier_ladder_idx")]

    def __str__(self) -> str:
        return f"{self.name} (#{self.serial})" if self.is_active else f"{self.name} (retired)"

    @property
    def is_base(self) -> bool:
        return self.serial == 1

    @property
    def renewal_conditions(self) -> dict:
        """The renewal conditions this tier sets, by name (own columns only)."""
        pairs = (("PURCHASE", self.renew_purchase_amount), ("VISITS", self.renew_visits),
                 ("POINTS", self.renew_points))
        return {name: Decimal(value) for name, value in pairs if value is not None}


class TierMembership(OrgOwned):
    """The tier a customer is in for one programme, since when, until when, and why."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="tier_memberships")
    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="tier_memberships")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="memberships")
    since = models.DateTimeField(default=timezone.now, help_text="When the customer entered this tier.")
    cycle_start = models.DateTimeField(default=timezone.now, help_text="Start of the current validity cycle "
                                       "(renewal conditions are measured from here).")
    valid_until = models.DateField(null=True, blank=True, help_text="Last day of validity (empty: no expiry).")
    source = models.CharField(max_length=16, choices=ChangeSource.choices, default=ChangeSource.AUTOMATIC)
    is_manual = models.BooleanField(default=False, help_text="The current tier was set by hand.")
    manual_until = models.DateField(null=True, blank=True, help_text="When the manual tier (and its floor) ends.")
    floor_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text="The last manual tier: with the programme's manual_is_floor setting, "
                                             "automatic checks do not go below it until manual_until.")
    reassess_on_next_activity = models.BooleanField(default=True)
    upgrade_bill = models.ForeignKey("transactions.Bill", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="The bill that caused the last automatic upgrade.")
    return_check_on = models.DateField(null=True, blank=True, help_text="A return asks for an end-of-day check.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["org", "customer", "program"],
                                               name="%(app_label)s_%(class)s_unique_customer")]
        indexes = [
            models.Index(fields=["org", "program", "valid_until", "id"], name="tiers_member_due_idx"),
            models.Index(fields=["org", "program", "return_check_on"], name="tiers_member_return_idx"),
            models.Index(fields=["org", "program", "tier"], name="tiers_member_tier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.tier}"


class TierChange(OrgOwned):
    """One change of a customer's tier (append-only history), with its source and the names at the time."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="tier_changes")
    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    from_serial = models.PositiveSmallIntegerField(null=True, blank=True)
    to_serial = models.PositiveSmallIntegerField()
    from_name = models.CharField(max_length=60, blank=True)
    to_name = models.CharField(max_length=60)
    change_type = models.CharField(max_length=10, choices=ChangeType.choices)
    source = models.CharField(max_length=16, choices=ChangeSource.choices)
    reason = models.CharField(max_length=255, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    bill = models.ForeignKey("transactions.Bill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "customer", "program", "-created_at", "-id"],
                                name="tiers_change_customer_idx"),  # Default ordering per customer
                   models.Index(fields=["org", "-created_at", "-id"], name="tiers_change_org_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_name or '—'} → {self.to_name} ({self.source})"


class TierCheck(OrgOwned):
    """One scheduled check of one customer on one date: the key that makes re-runs do nothing."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=14, choices=CheckKind.choices)
    check_date = models.DateField()
    outcome = models.CharField(max_length=10, choices=CheckOutcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-check_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "customer", "program", "kind", "check_date"],
                                               name="%(app_label)s_%(class)s_once_a_day")]
        indexes = [models.Index(fields=["org", "-check_date", "-id"], name="tiers_check_org_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.check_date} {self.customer_id}: {self.outcome}"


class LadderChange(OrgOwned):
    """A proposed change of a ladder (insert, retire, thresholds), previewed, then applied by a job."""

    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="ladder_changes")
    kind = models.CharField(max_length=10, choices=LadderChangeKind.choices)
    params = models.JSONField(default=dict, blank=True)
    move_down = models.BooleanField(default=False, help_text="Also move customers who no longer qualify down now "
                                    "(off: they keep their tier until their next renewal check).")
    status = models.CharField(max_length=10, choices=LadderChangeStatus.choices, default=LadderChangeStatus.DRAFT)
    preview = models.JSONField(default=dict, blank=True)
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at"], name="tiers_ladder_org_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.program} ({self.status})"
