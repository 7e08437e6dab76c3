"""Expiry reminders N days before a coupon expires: once per coupon, only unredeemed ones."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.communications.models import Message
from apps.coupons.models import Coupon
from apps.coupons.services import RedeemContext, coupon_issue, coupon_redeem
from apps.coupons.tasks import coupon_reminders_all_task

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_holders_of_unredeemed_coupons_expiring_within_n_days(org, customer, other_customer):
    # given
    series = make_series(org, reminder_days=3, expiry_strategy="DAYS", expiry_days=2)
    soon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    used = coupon_issue(org=org, series_id=series.pk, customer=other_customer).coupon
    coupon_redeem(org=org, code=used.code, ctx=RedeemContext(customer=other_customer, at=timezone.now(),
                                                             bill_number="B1"))
    far = make_series(org, reminder_days=3)  # expires in 60 days
    coupon_issue(org=org, series_id=far.pk, customer=other_customer)
    # when
    coupon_reminders_all_task.delay()
    coupon_reminders_all_task.delay()
    # then
    reminders = Message.objects.filter(org=org, purpose="COUPON_REMINDER")
    assert list(reminders.values_list("customer_id", flat=True)) == [customer.pk]
    assert soon.code in reminders.get().body
    assert Coupon.objects.get(pk=soon.pk).reminded_at is not None
