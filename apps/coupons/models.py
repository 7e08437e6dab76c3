"""Coupon series (offers), their coupons, redemptions, uploads and the audit trail."""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import (AudienceType, CodeSource, CouponEventType, CouponStatus, DiscountOn, DiscountType,
                      ExpiryStrategy, UploadIdentifier, UploadKind, UploadStatus)

MONEY = {"max_digits": 14, "decimal_places": 2}
UNLIMITED = -1


class CouponSeries(OrgOwned):
    """An offer: discount, validity, code source and every limit; -1 means unlimited for every limit field."""

    description = models.CharField(max_length=255)
    discount_code = models.CharField(max_length=50, blank=True, help_text="The POS identifier of the offer.")
    series_code = models.CharField(max_length=32)
    info = models.TextField(blank=True)
    discount_type = models.CharField(max_length=4, choices=DiscountType.choices, default=DiscountType.ABS)
    discount_value = models.DecimalField(**MONEY, default=Decimal(0))
    discount_upto = models.DecimalField(**MONEY, default=Decimal(0), help_text="Cap of a percentage discount (0: none).")
    discount_on = models.CharField(max_length=8, choices=DiscountOn.choices, default=DiscountOn.BILL)
    valid_till = models.DateTimeField(help_text="Series expiry: no coupon of the series is valid beyond it.")
    expiry_strategy = models.CharField(max_length=14, choices=ExpiryStrategy.choices,
                                       default=ExpiryStrategy.SERIES_EXPIRY)
    expiry_days = models.IntegerField(default=30, help_text="DAYS strategy: coupons expire N days after issue.")
    redemption_valid_from = models.DateTimeField(null=True, blank=True)
    redemption_valid_after_days = models.IntegerField(default=UNLIMITED, help_text="Redeemable N days after issue.")
    redemption_range = models.JSONField(default=dict, blank=True,
                                        help_text='{"dom": [1..31], "dow": [1..7, 1=Sunday], "hours": [0..23]}')
    max_create = models.IntegerField(default=UNLIMITED)
    max_redeem = models.IntegerField(default=UNLIMITED)
    redemption_per_coupon_max_limit = models.IntegerField(default=UNLIMITED)
    max_redemptions_in_series_per_user = models.IntegerField(default=UNLIMITED)
    same_user_multiple_redeem = models.BooleanField(default=False)
    is_multiple_use_allowed = models.BooleanField(default=False)
    is_multiple_vouchers_per_user_allowed = models.BooleanField(default=False)
    max_vouchers_per_user = models.IntegerField(default=UNLIMITED)
    min_days_between_vouchers = models.IntegerField(default=UNLIMITED)
    min_days_between_redemption = models.IntegerField(default=UNLIMITED)
    min_bill_amount = models.DecimalField(**MONEY, default=Decimal(0))
    max_bill_amount = models.DecimalField(**MONEY, null=True, blank=True)
    store_ids = models.JSONField(default=list, blank=True, help_text="Stores where it is redeemable (empty: all).")
    zone_ids = models.JSONField(default=list, blank=True, help_text="Zones where it is redeemable (empty: all).")
    product_codes = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    mutually_exclusive_series_ids = models.JSONField(default=list, blank=True)
    is_validation_required = models.BooleanField(default=False)
    is_transferrable = models.BooleanField(default=False)
    any_user = models.BooleanField(default=False, help_text="Anyone may redeem (generic) rather than the holder.")
    max_discount_per_customer = models.DecimalField(**MONEY, null=True, blank=True,
                                                    help_text="Total discount one customer may get from one "
                                                              "multi-use coupon (beyond the platform).")
    code_source = models.CharField(max_length=10, choices=CodeSource.choices, default=CodeSource.GENERATED)
    code_length = models.PositiveSmallIntegerField(default=8)
    code_prefix = models.CharField(max_length=20, blank=True)
    code_suffix = models.CharField(max_length=20, blank=True)
    common_code = models.CharField(max_length=64, blank=True)
    sms_template = models.CharField(max_length=500, blank=True)
    is_sms_disabled = models.BooleanField(default=False)
    do_not_resend_existing_voucher = models.BooleanField(default=False)
    reminder_days = models.IntegerField(default=UNLIMITED, help_text="Remind holders N days before expiry (-1: off).")
    client_handling_type = models.CharField(max_length=20, default="DISC_CODE")
    custom_properties = models.JSONField(default=dict, blank=True)
    # Counters move only with F() in the services that issue and redeem, under the series lock.
    num_issued = models.IntegerField(default=0)
    num_redeemed = models.IntegerField(default=0)
    latest_issued_at = models.DateTimeField(null=True, blank=True)
    latest_redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "coupon series"
        constraints = [
            models.UniqueConstraint(fields=["org", "series_code"], name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.description} (#{self.pk})"

    @property
    def is_expired(self) -> bool:
        return self.valid_till < timezone.now()


class Coupon(OrgOwned):
    """One code of a series, issued to a customer (or uploaded and waiting, or the generic row of a common code)."""

    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=64)
    is_common = models.BooleanField(default=False)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="coupons")
    status = models.CharField(max_length=10, choices=CouponStatus.choices, default=CouponStatus.ISSUED)
    issued_at = models.DateTimeField(null=True, blank=True)
    valid_till = models.DateTimeField()
    redemption_count = models.IntegerField(default=0)
    issued_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    issued_at_store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    transaction_number = models.CharField(max_length=64, blank=True)
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A generated or uploaded code names one coupon of the org.
            models.UniqueConstraint(fields=["org", "code"], condition=Q(is_common=False),
                                    name="%(app_label)s_%(class)s_unique_code"),
            # A common code: one generic row, then at most one row per customer per series.
            models.UniqueConstraint(fields=["org", "series", "customer"], condition=Q(is_common=True),
                                    name="%(app_label)s_%(class)s_unique_common_holder"),
            # A mass-issuance job gives each customer one coupon, however often its chunks are retried.
            models.UniqueConstraint(fields=["job_run", "customer"], condition=Q(job_run__isnull=False),
                                    name="%(app_label)s_%(class)s_unique_job_customer"),
        ]
        indexes = [
            models.Index(fields=["org", "code"], name="coupons_coupon_code_idx"),
            models.Index(fields=["org", "customer", "-id"], name="coupons_coupon_customer_idx"),
            models.Index(fields=["series", "customer"], name="coupons_coupon_series_cust_idx"),
            models.Index(fields=["valid_till"], name="coupons_coupon_valid_till_idx",
                         condition=Q(reminded_at__isnull=True, redemption_count=0, status="ISSUED")),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_expired(self) -> bool:
        return self.valid_till < timezone.now()


class CouponRedemption(OrgOwned):
    """One use of a coupon against a bill; reversing it (reactivate) keeps the row."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="redemptions")
    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="redemptions")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="coupon_redemptions")
    bill_number = models.CharField(max_length=64, blank=True)
    bill_amount = models.DecimalField(**MONEY, null=True, blank=True)
    bill = models.ForeignKey("transactions.Bill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discount = models.DecimalField(**MONEY, default=Decimal(0))
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    redeemed_at = models.DateTimeField(default=timezone.now)
    details = models.CharField(max_length=255, blank=True)
    is_reversed = models.BooleanField(default=False)
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            # Backstop of the idempotent retry: one live redemption of a coupon per bill.
            models.UniqueConstraint(fields=["coupon", "customer", "bill_number"],
                                    condition=Q(is_reversed=False) & ~Q(bill_number=""),
                                    name="%(app_label)s_%(class)s_unique_bill"),
        ]
        indexes = [
            models.Index(fields=["org", "customer", "-redeemed_at"], name="coupons_redemption_cust_idx"),
            models.Index(fields=["series", "customer", "-redeemed_at"], name="coupons_redemption_series_idx"),
            models.Index(fields=["coupon", "-redeemed_at"], name="coupons_redemption_coupon_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} on {self.bill_number}"


class CouponUpload(OrgOwned):
    """A CSV of codes (or of externally redeemed coupons) for a series, processed by a Celery job."""

    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=10, choices=UploadKind.choices, default=UploadKind.CODES)
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED)
    file_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=255)
    content = models.TextField()
    customer_identifier = models.CharField(max_length=12, choices=UploadIdentifier.choices,
                                           default=UploadIdentifier.NOT_TAGGED)
    options = models.JSONField(default=dict, blank=True)
    total_rows = models.IntegerField(default=0)
    success_count = models.IntegerField(default=0)
    error_count = models.IntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, value, reason}] (first 1,000).")
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["org", "series", "kind", "-id"], name="coupons_upload_series_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class CouponIssueJob(OrgOwned):
    """A mass issuance (to a label, a segment or a CSV) and its audience, processed in chunks by Celery."""

    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="issue_jobs")
    audience_type = models.CharField(max_length=10, choices=AudienceType.choices)
    audience = models.JSONField(default=dict, blank=True)
    job_run = models.OneToOneField("core.JobRun", on_delete=models.CASCADE, related_name="+")
    issued = models.IntegerField(default=0)
    skipped = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.series_id} → {self.audience_type}"


class CouponEvent(OrgOwned):
    """Append-only audit trail of the series and its coupons."""

    series = models.ForeignKey(CouponSeries, on_delete=models.CASCADE, related_name="events")
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    type = models.CharField(max_length=16, choices=CouponEventType.choices)
    parameters = models.JSONField(default=dict, blank=True)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["series", "-created_at"], name="coupons_event_series_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.coupon_id or self.series_id}"
