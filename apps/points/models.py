"""Loyalty programmes and the points ledger: accounts, append-only entries, lots, and what consumed which lot.

Invariants (checked by apps.points.invariants.account_check):
  account.available == Σ entry.available_delta == Σ remaining of its AVAILABLE lots − account.negative_balance
  account.promised  == Σ entry.promised_delta  == Σ remaining of its PROMISED lots
Entries are never updated or deleted; corrections are new entries.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import (ActorType, DeficitPolicy, EligibilityBasis, EntryKind, ExpiryPolicy, LotState, RedemptionStatus,
                      RoundingMode, SourceType)

POINTS = {"max_digits": 18, "decimal_places": 3}
ZERO = Decimal("0")


class LoyaltyProgram(OrgOwned):
    """A points programme of the org; one is the default that earning and redemption use unless told otherwise."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    # Value of one point in the org's base currency (up to 10 decimals).
    point_value = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal("1"),
                                      validators=[MinValueValidator(Decimal("0"))])
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Earning
    points_decimals = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(3)])
    rounding_mode = models.CharField(max_length=8, choices=RoundingMode.choices, default=RoundingMode.FLOOR)
    promised_delay_days = models.PositiveIntegerField(default=0, help_text="0: points are available at once.")
    # Redemption
    min_redeem_points = models.DecimalField(**POINTS, default=ZERO, validators=[MinValueValidator(ZERO)])
    max_redeem_per_bill = models.DecimalField(**POINTS, null=True, blank=True, validators=[MinValueValidator(ZERO)],
                                              help_text="Empty: no maximum.")
    redeem_multiple = models.DecimalField(**POINTS, null=True, blank=True, validators=[MinValueValidator(ZERO)],
                                          help_text="Points must be redeemed in multiples of this (empty: any).")
    eligibility_basis = models.CharField(max_length=20, choices=EligibilityBasis.choices,
                                         default=EligibilityBasis.CURRENT_POINTS)
    eligibility_threshold = models.DecimalField(**POINTS, default=ZERO, validators=[MinValueValidator(ZERO)])
    validation_code_required = models.BooleanField(default=True)
    allow_redemption_reversal = models.BooleanField(default=True)
    # Validation codes (OTP)
    otp_validity_minutes = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1),
                                                                                     MaxValueValidator(1440)])
    otp_max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    # Expiry
    expiry_policy = models.CharField(max_length=12, choices=ExpiryPolicy.choices, default=ExpiryPolicy.DAYS)
    expiry_days = models.PositiveIntegerField(default=365)
    expiry_months = models.PositiveSmallIntegerField(default=12)
    expiry_fixed_date = models.DateField(null=True, blank=True)
    rolling_window_days = models.PositiveIntegerField(default=365)
    reminder_offsets_days = models.JSONField(default=list, blank=True, help_text="e.g. [30, 7, 1]")
    # Returns needing more points than remain
    deficit_policy = models.CharField(max_length=16, choices=DeficitPolicy.choices, default=DeficitPolicy.CLAMP)
    # Transfers
    allow_transfer = models.BooleanField(default=True)
    min_transfer_points = models.DecimalField(**POINTS, default=Decimal("1"), validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.UniqueConstraint(fields=["org"], condition=Q(is_default=True),
                                    name="%(app_label)s_%(class)s_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class PointsCurrency(OrgOwned):
    """What an account counts: the programme's points, or a second currency (stamps, cashback) as a row."""

    program = models.ForeignKey(LoyaltyProgram, on_delete=models.CASCADE, related_name="currencies")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "program", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(fields=["org", "program"], condition=Q(is_default=True),
                                    name="%(app_label)s_%(class)s_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.code}"


class PointsAccount(OrgOwned):
    """A customer's balance in one currency of one programme; cached totals move with entries, under a row lock."""

    # The unique (org, customer, program, currency) index serves lookups by org.
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="points_accounts")
    program = models.ForeignKey(LoyaltyProgram, on_delete=models.PROTECT, related_name="accounts")
    currency = models.ForeignKey(PointsCurrency, on_delete=models.PROTECT, related_name="accounts")
    available = models.DecimalField(**POINTS, default=ZERO)
    promised = models.DecimalField(**POINTS, default=ZERO)
    negative_balance = models.DecimalField(**POINTS, default=ZERO, help_text="Owed points (deficit policy ALLOW_NEGATIVE).")
    lifetime_earned = models.DecimalField(**POINTS, default=ZERO)
    redeemed = models.DecimalField(**POINTS, default=ZERO)
    expired = models.DecimalField(**POINTS, default=ZERO)
    revoked = models.DecimalField(**POINTS, default=ZERO, help_text="Earned points taken back (returns).")
    adjusted = models.DecimalField(**POINTS, default=ZERO, help_text="Net manual adjustments.")
    transferred_in = models.DecimalField(**POINTS, default=ZERO)
    transferred_out = models.DecimalField(**POINTS, default=ZERO)
    shortfall = models.DecimalField(**POINTS, default=ZERO, help_text="Debits that could not be taken (CLAMP).")
    allow_negative = models.BooleanField(default=False)
    next_expiry_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="No available lot with points left expires before this (a lower bound the expiry job starts from; "
                  "empty: nothing to expire).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The expiry job's queue: accounts with something due, earliest first.
            models.Index(fields=["next_expiry_at"], condition=Q(next_expiry_at__isnull=False),
                         name="points_account_next_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "program", "currency"],
                                    name="%(app_label)s_%(class)s_unique_account"),
            # Backstop behind the services: a balance never goes below zero unless the policy allows it.
            models.CheckConstraint(condition=Q(available__gte=0) | Q(allow_negative=True),
                                   name="%(app_label)s_%(class)s_available_non_negative"),
            models.CheckConstraint(condition=Q(promised__gte=0), name="%(app_label)s_%(class)s_promised_non_negative"),
            models.CheckConstraint(condition=Q(negative_balance__gte=0),
                                   name="%(app_label)s_%(class)s_negative_balance_positive"),
        ]

    def __str__(self) -> str:
        return f"account {self.pk} ({self.customer_id}/{self.program_id})"


class LedgerEntry(OrgOwned):
    """One immutable movement of an account's available and/or promised points."""

    # Indexed by (org, source...) and (account, id) below; single-column indexes would only slow every insert.
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries", db_index=False)
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    available_delta = models.DecimalField(**POINTS, default=ZERO)
    promised_delta = models.DecimalField(**POINTS, default=ZERO)
    available_after = models.DecimalField(**POINTS)
    promised_after = models.DecimalField(**POINTS)
    source_type = models.CharField(max_length=12, choices=SourceType.choices)
    source_ref = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=250, blank=True)
    actor_type = models.CharField(max_length=8, choices=ActorType.choices, default=ActorType.SYSTEM)
    actor_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals",
                                 db_index=False)  # the few reversing entries: a partial index below
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["org", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="%(app_label)s_%(class)s_unique_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["account", "id"], name="points_entry_account_idx"),
            models.Index(fields=["org", "source_type", "source_ref"], name="points_entry_source_idx"),
            models.Index(fields=["reverses"], condition=Q(reverses__isnull=False), name="points_entry_reverses_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.available_delta:+} / {self.promised_delta:+}"


class PointsLot(OrgOwned):
    """Points from one credit: when they were earned, when they expire, and how many remain."""

    # No single-column indexes on org and account: the FEFO index leads with account and the source index with org,
    # and every extra index is written again each time the expiry job rewrites a lot.
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="lots", db_index=False)
    credit_entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lots")
    state = models.CharField(max_length=10, choices=LotState.choices, default=LotState.AVAILABLE)
    amount = models.DecimalField(**POINTS)
    remaining = models.DecimalField(**POINTS)
    expired_amount = models.DecimalField(**POINTS, default=ZERO)
    earned_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    available_from = models.DateTimeField(null=True, blank=True, help_text="When promised points convert.")
    source_type = models.CharField(max_length=12, choices=SourceType.choices)
    source_ref = models.CharField(max_length=128, blank=True)
    is_transferable = models.BooleanField(default=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(remaining__gte=0), name="%(app_label)s_%(class)s_remaining_non_negative"),
            models.CheckConstraint(condition=Q(remaining__lte=models.F("amount")),
                                   name="%(app_label)s_%(class)s_remaining_within_amount"),
        ]
        indexes = [
            # FEFO consumption: an account's lots by state and expiry.
            models.Index(fields=["account", "state", "expires_at", "id"], name="points_lot_fefo_idx"),
            # Lots expiring in a window (reminders, liability). Its key and predicate leave out the columns the expiry
            # job writes (remaining, expired_amount, expired_at), so expiring a lot is a HOT update touching no index;
            # the job itself finds its work through PointsAccount.next_expiry_at.
            models.Index(fields=["expires_at"], condition=Q(state="AVAILABLE"), name="points_lot_expiring_idx"),
            models.Index(fields=["available_from"], condition=Q(state="PROMISED"), name="points_lot_promised_idx"),
            models.Index(fields=["org", "source_type", "source_ref"], name="points_lot_source_idx"),
        ]

    def __str__(self) -> str:
        return f"lot {self.pk}: {self.remaining}/{self.amount}"


class LotMovement(OrgOwned):
    """How much of a lot an entry consumed (negative) or restored (positive)."""

    # The org is carried for tenancy and sharding; its integrity follows from the entry's (same org, one statement),
    # so it has no foreign-key check and no index of its own: the expiry job writes a million of these a night.
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False,
                            db_constraint=False)

    # No database foreign-key checks on entry and lot: they cost more than the rest of the nightly expiry together
    # (a million deferred checks at commit). Integrity holds by construction and is enforced otherwise: a movement is
    # written in the same transaction as its entry, under the lock of the account whose lots it names; entries and
    # movements are append-only (a PostgreSQL trigger refuses UPDATE and DELETE, migration 0004); Django's PROTECT
    # still guards deletes through the ORM; and ledger_check verifies that every movement names a lot of its
    # entry's account.
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="movements", db_constraint=False)
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="movements", db_index=False,
                            db_constraint=False)  # indexed by (lot, id)
    amount = models.DecimalField(**POINTS)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["lot", "id"], name="points_movement_lot_idx")]


class Redemption(OrgOwned):
    """Points redeemed against a bill; reversible in whole or in part."""

    code = models.CharField(max_length=16, help_text="The redemption id clients quote (e.g. to reverse).")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="redemptions")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="redemptions")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="redemption")
    points = models.DecimalField(**POINTS)
    value = models.DecimalField(max_digits=20, decimal_places=4, help_text="Currency value at the programme's ratio.")
    bill_number = models.CharField(max_length=64, blank=True)
    external_reference = models.CharField(max_length=128, blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    notes = models.CharField(max_length=250, blank=True)
    status = models.CharField(max_length=20, choices=RedemptionStatus.choices, default=RedemptionStatus.REDEEMED)
    reversed_points = models.DecimalField(**POINTS, default=ZERO)
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    redeemed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(fields=["org", "external_reference"], condition=~Q(external_reference=""),
                                    name="%(app_label)s_%(class)s_unique_external_reference"),
            models.CheckConstraint(condition=Q(reversed_points__lte=models.F("points")),
                                   name="%(app_label)s_%(class)s_reversal_within_points"),
        ]
        indexes = [models.Index(fields=["org", "customer", "-redeemed_at"], name="points_redemption_customer_idx")]


class Transfer(OrgOwned):
    """Points moved from one customer to another within a programme."""

    code = models.CharField(max_length=16)
    from_account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="transfers_out")
    to_account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="transfers_in")
    points = models.DecimalField(**POINTS)
    notes = models.CharField(max_length=250, blank=True)
    out_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="transfer_out")
    in_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="transfer_in")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]


class ValidationCode(OrgOwned):
    """A one-time code sent to a customer to confirm a redemption or transfer.

    The code itself is never stored: it is an HMAC of the row's random nonce under SECRET_KEY, so it can be re-sent
    within its validity (as the platform does) and checked in constant time, but a database dump does not reveal it.
    """

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="validation_codes")
    purpose = models.CharField(max_length=20, default="REDEMPTION")
    nonce = models.CharField(max_length=64)
    points = models.DecimalField(**POINTS, null=True, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "customer", "purpose", "-created_at"], name="points_otp_customer_idx")]
