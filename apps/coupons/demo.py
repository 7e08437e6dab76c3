"""Demo coupons: three series (a generated-code percentage offer, a common code, a multi-use store offer) and
coupons issued to some demo customers, one of them redeemed. Idempotent: series are found by their series code."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.customers.models import Customer
from apps.organizations.models import Store

from .models import Coupon, CouponSeries
from .services import RedeemContext, coupon_issue, coupon_redeem, series_create

DEMO_SERIES = [
    ("DEMO-DIWALI", {"description": "Diwali 10% off (up to ₹500)", "discount_code": "DIWALI10", "discount_type": "PERC",
                     "discount_value": Decimal("10"), "discount_upto": Decimal("500"), "expiry_strategy": "DAYS",
                     "expiry_days": 30, "code_prefix": "DW", "code_length": 8, "min_bill_amount": Decimal("999"),
                     "reminder_days": 3, "sms_template": "Hi {{first_name}}, {{voucher}} gives 10% off till "
                                                         "{{valid_till}}."}),
    ("DEMO-FLAT100", {"description": "₹100 off, one code for everyone", "discount_code": "FLAT100",
                      "discount_value": Decimal("100"), "code_source": "COMMON", "common_code": "FLAT100",
                      "any_user": True, "is_multiple_use_allowed": True, "max_redemptions_in_series_per_user": 1}),
    ("DEMO-WEEKDAY", {"description": "Weekday ₹250 off, 3 uses", "discount_code": "WEEKDAY250",
                      "discount_value": Decimal("250"), "is_multiple_use_allowed": True,
                      "same_user_multiple_redeem": True, "redemption_per_coupon_max_limit": 3,
                      "min_days_between_redemption": 7, "redemption_range": {"dow": [2, 3, 4, 5, 6]},
                      "is_transferrable": True, "max_discount_per_customer": Decimal("600")}),
]
CUSTOMERS_PER_SERIES = 40


@transaction.atomic
def demo_coupons_load(*, org, seed: int = 42) -> list[CouponSeries]:
    """Create the demo series if missing and issue coupons to a deterministic sample of customers once."""
    rng = random.Random(seed)
    valid_till = timezone.now() + timedelta(days=180)
    series_list = []
    for code, data in DEMO_SERIES:
        series = CouponSeries.objects.for_org(org).filter(series_code=code).first()
        if series is None:
            series = series_create(org=org, data={**data, "series_code": code, "valid_till": valid_till})
        series_list.append(series)
    if Coupon.objects.for_org(org).filter(series__in=series_list, customer__isnull=False).exists():
        return series_list
    customers = list(Customer.objects.for_org(org).order_by("id")[:300])
    if not customers:
        return series_list
    store = Store.objects.for_org(org).order_by("id").first()
    for series in series_list:
        for customer in rng.sample(customers, min(CUSTOMERS_PER_SERIES, len(customers))):
            coupon_issue(org=org, series_id=series.pk, customer=customer, store=store, notify=False)
    first = Coupon.objects.filter(series=series_list[0], customer__isnull=False).order_by("id").first()
    if first is not None:
        coupon_redeem(org=org, code=first.code, ctx=RedeemContext(
            customer=first.customer, at=timezone.now(), store=store, bill_number="DEMO-COUPON-1",
            bill_amount=Decimal("2500")))
    return series_list
