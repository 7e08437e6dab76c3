"""The demo loader creates three series and issues coupons once, whatever how often it runs."""
import pytest

from apps.coupons.demo import demo_coupons_load
from apps.coupons.models import Coupon, CouponRedemption, CouponSeries
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import StoreFactory

pytestmark = pytest.mark.django_db


def test_demo_coupons_load_is_idempotent(org):
    StoreFactory(org=org)
    for _ in range(10):
        CustomerFactory(org=org)
    demo_coupons_load(org=org)
    counts = (CouponSeries.objects.filter(org=org).count(), Coupon.objects.filter(org=org).count(),
              CouponRedemption.objects.filter(org=org).count())
    demo_coupons_load(org=org)
    assert counts == (3, 31, 1)
    assert (CouponSeries.objects.filter(org=org).count(), Coupon.objects.filter(org=org).count(),
            CouponRedemption.objects.filter(org=org).count()) == counts
