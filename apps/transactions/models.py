"""Bills (transactions) with their lines and tenders, the org's SKU master, and the rejected-bill queue.

Money columns are exact decimals in the org's base currency; points columns use the ledger's precision.
A bill keeps what it earned (per line and at bill level) and what its returns took back, so every return
can reverse points in the documented ratios without ever giving back more than was earned.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import (BillSource, BillType, DeliveryStatus, LineType, OutlierStatus, RejectionStatus, ReturnMode,
                      ReturnType)

MONEY = {"max_digits": 18, "decimal_places": 4}
QTY = {"max_digits": 18, "decimal_places": 6}
POINTS = {"max_digits": 18, "decimal_places": 3}
ZERO = Decimal("0")


class Product(OrgOwned):
    """An item of the org's SKU master: bills may be required to name known item codes only."""

    item_code = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    category = models.CharField(max_length=100, blank=True)
    brand = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(**MONEY, null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_code", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "item_code"], name="%(app_label)s_%(class)s_unique_code")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.description}".strip()


class Bill(OrgOwned):
    """A transaction: a sale (REGULAR, NOT_INTERESTED), a return of an earlier bill, or an exchange (MIXED)."""

    # Every lookup by org goes through the composite indexes below (org first): no index of its own.
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    number = models.CharField(max_length=50)
    bill_date = models.DateField(help_text="Billing day in the store's time zone (bill-number uniqueness).")
    billing_time = models.DateTimeField()
    type = models.CharField(max_length=24, choices=BillType.choices)
    return_type = models.CharField(max_length=12, choices=ReturnType.choices, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="returns",
                               db_index=False, help_text="For a return: the bill it returns.")  # txn_bill_parent_idx
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="bills")
    program = models.ForeignKey("points.LoyaltyProgram", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    store = models.ForeignKey("organizations.Store", on_delete=models.PROTECT, related_name="bills")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.PROTECT, related_name="bills")
    source = models.CharField(max_length=12, choices=BillSource.choices, default=BillSource.INSTORE)
    account_id = models.CharField(max_length=100, blank=True)
    bill_client_id = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(**MONEY, help_text="Net amount in the base currency.")
    gross_amount = models.DecimalField(**MONEY, default=ZERO)
    discount = models.DecimalField(**MONEY, default=ZERO)
    currency = models.CharField(max_length=3, help_text="The org's base currency at billing time.")
    local_currency = models.CharField(max_length=3, blank=True, help_text="Currency the bill was sent in, if not base.")
    local_amount = models.DecimalField(**MONEY, null=True, blank=True)
    conversion_ratio = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True,
                                           help_text="Base-currency units per local-currency unit.")
    note = models.CharField(max_length=500, blank=True)
    delivery_status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.DELIVERED)
    outlier_status = models.CharField(max_length=10, choices=OutlierStatus.choices, default=OutlierStatus.NORMAL)
    not_interested_reason = models.CharField(max_length=255, blank=True)
    extended_fields = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    customer_identifiers = models.JSONField(default=dict, blank=True,
                                            help_text="Identifiers sent with a non-member bill (for later retro claims).")
    redemption_codes = models.JSONField(default=list, blank=True, help_text="Points redemptions paid with this bill.")
    # Bill-number uniqueness is decided when the bill is added (store-scoped config) and kept with the row, so
    # the unique constraint below applies exactly to the bills the config covered.
    number_is_unique = models.BooleanField(default=False)
    # Earning: what this bill awarded (total, and the part not tied to lines) and what its returns took back.
    points = models.DecimalField(**POINTS, default=ZERO)
    bill_points = models.DecimalField(**POINTS, default=ZERO)
    points_returned = models.DecimalField(**POINTS, default=ZERO)
    # For a return bill: the points it took back from its parent.
    points_reversed = models.DecimalField(**POINTS, default=ZERO)
    returned_amount = models.DecimalField(**MONEY, default=ZERO)
    return_mode = models.CharField(max_length=10, choices=ReturnMode.choices, blank=True, default=ReturnMode.NONE)
    is_fully_returned = models.BooleanField(default=False)
    evaluation_log = models.JSONField(default=list, blank=True)
    effects = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-billing_time", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "store", "number", "bill_date"], condition=Q(number_is_unique=True),
                                    name="%(app_label)s_%(class)s_unique_number"),
            models.CheckConstraint(condition=Q(points_returned__lte=models.F("points")),
                                   name="%(app_label)s_%(class)s_returned_within_earned"),
            models.CheckConstraint(condition=Q(returned_amount__lte=models.F("amount")),
                                   name="%(app_label)s_%(class)s_returned_within_amount"),
        ]
        indexes = [
            models.Index(fields=["org", "customer", "-billing_time", "-id"], name="txn_bill_customer_time_idx"),
            models.Index(fields=["org", "number"], name="txn_bill_number_idx"),
            # Default ordering, and backtests' date ranges in ascending order (read backwards): one index for both.
            models.Index(fields=["org", "-billing_time", "-id"], name="txn_bill_org_order_idx"),
            # The returns citing a bill; regular bills (no parent) are not indexed.
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="txn_bill_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"

    @property
    def points_kept(self) -> Decimal:
        return self.points - self.points_returned


class BillLine(OrgOwned):
    """A line of a bill; return lines point at the line they return (parent_line)."""

    # The unique (bill, position) index serves lookups by bill: no index of its own (written on every bill).
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveIntegerField()
    serial = models.CharField(max_length=50, blank=True)
    type = models.CharField(max_length=8, choices=LineType.choices, default=LineType.REGULAR)
    return_type = models.CharField(max_length=12, choices=ReturnType.choices, blank=True)
    # Written on every bill: only the indexes readers use (lines are read through their bill; the returned lines,
    # which cite a sold line, are the only rows with a parent line: a partial index below).
    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    parent_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="returns",
                                    db_index=False)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    item_code = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=250, blank=True)
    qty = models.DecimalField(**QTY, default=ZERO)
    rate = models.DecimalField(**MONEY, default=ZERO)
    value = models.DecimalField(**MONEY, default=ZERO)
    discount = models.DecimalField(**MONEY, default=ZERO)
    amount = models.DecimalField(**MONEY, default=ZERO)
    category = models.CharField(max_length=100, blank=True)
    brand = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    extended_fields = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    returnable = models.BooleanField(default=True)
    returnable_days = models.IntegerField(default=-1)
    points = models.DecimalField(**POINTS, default=ZERO)
    returned_qty = models.DecimalField(**QTY, default=ZERO)
    returned_amount = models.DecimalField(**MONEY, default=ZERO)
    points_returned = models.DecimalField(**POINTS, default=ZERO)

    class Meta:
        indexes = [
            models.Index(fields=["parent_line"], condition=Q(parent_line__isnull=False), name="txn_line_parent_idx"),
        ]
        ordering = ["bill_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "position"], name="%(app_label)s_%(class)s_unique_position"),
            models.CheckConstraint(condition=Q(returned_qty__lte=models.F("qty")),
                                   name="%(app_label)s_%(class)s_returned_within_qty"),
            models.CheckConstraint(condition=Q(points_returned__lte=models.F("points")),
                                   name="%(app_label)s_%(class)s_returned_within_earned"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} x {self.qty}"

    @property
    def remaining_qty(self) -> Decimal:
        return self.qty - self.returned_qty


class BillTender(OrgOwned):
    """How (part of) a bill was paid: a tender the org accepts."""

    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+",
                            db_index=False)  # read through the bill
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="tenders")
    mode = models.CharField(max_length=50)
    payment_mode = models.ForeignKey("organizations.PaymentMode", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    value = models.DecimalField(**MONEY, default=ZERO)
    notes = models.CharField(max_length=250, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["bill_id", "id"]

    def __str__(self) -> str:
        return f"{self.mode} {self.value}"


class RejectedBill(OrgOwned):
    """A bill that failed master-data checks, kept with its reasons until it is retriggered or marked failed."""

    number = models.CharField(max_length=50, blank=True)
    billing_time = models.DateTimeField(null=True, blank=True)
    type = models.CharField(max_length=24, blank=True)
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    customer_reference = models.JSONField(default=dict, blank=True, help_text="How the bill named its customer.")
    payload = models.JSONField(help_text="The normalised bill, replayed as is on retrigger.")
    reasons = models.JSONField(default=list, help_text="[{reason, code, message}] of the last attempt.")
    status = models.CharField(max_length=10, choices=RejectionStatus.choices, default=RejectionStatus.PENDING)
    attempts = models.PositiveIntegerField(default=1)
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The bill added when a retrigger succeeded.")
    failed_reason = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "-created_at", "-id"], name="txn_rejected_org_order_idx"),  # Default ordering
            models.Index(fields=["org", "status", "-created_at"], name="txn_rejected_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Rejected {self.number} ({self.status})"
