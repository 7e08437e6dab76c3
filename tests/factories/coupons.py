"""Coupon factories: series and coupons stay inside one org (SelfAttribute); codes and dates are never fixed."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.coupons.choices import CouponStatus, DiscountType
from apps.coupons.models import Coupon, CouponSeries
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import OrganizationFactory


class CouponSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponSeries

    org = factory.SubFactory(OrganizationFactory)
    description = factory.Sequence(lambda n: f"Festive offer {n}")
    discount_code = factory.Sequence(lambda n: f"FEST{n}")
    series_code = factory.Sequence(lambda n: f"SER{n:08d}")
    discount_type = DiscountType.ABS
    discount_value = Decimal("100.00")
    valid_till = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    org = factory.SubFactory(OrganizationFactory)
    series = factory.SubFactory(CouponSeriesFactory, org=factory.SelfAttribute("..org"))
    customer = factory.SubFactory(CustomerFactory, org=factory.SelfAttribute("..org"))
    code = factory.Sequence(lambda n: f"CPN{n:06d}")
    status = CouponStatus.ISSUED
    issued_at = factory.LazyFunction(timezone.now)
    valid_till = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
