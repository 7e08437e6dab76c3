"""Server time and query count of each till screen (Django test client, no browser), p50 / p99 per screen.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_till ../.venv/bin/python till_screens.py [repeat]
Prints the figures (docs/till.md quotes them). Target: every screen under 200 ms server time.
A member with 200 bills, points, 10 coupons and a tier ladder; the till has 200 bills today.
"""
from __future__ import annotations

import sys
from decimal import Decimal

from _setup import django_with_test_db, percentiles, timed

D = Decimal


def build():
    from django.utils import timezone

    from apps.points.choices import SourceType
    from apps.points.services import points_credit, program_create
    from apps.rules.services import default_earn_rule_ensure
    from apps.staff.choices import StaffRole
    from apps.staff.services import staff_user_create
    from apps.transactions.services import BillInput, CustomerRef, LineInput, bill_add
    from tests.factories.coupons import CouponFactory, CouponSeriesFactory
    from tests.factories.customers import CustomerFactory
    from tests.factories.organizations import OrganizationFactory, PaymentModeFactory, StoreFactory, TillFactory
    from tests.factories.tiers import ladder_build

    org = OrganizationFactory(name="Bench Retail")
    store = StoreFactory(org=org)
    till = TillFactory(org=org, store=store, is_default=True)
    staff_user_create(org=org, username="bench.manager", password="Bench-pass-2026", role=StaffRole.STORE_MANAGER,
                      store=store)
    program = program_create(org=org, name="Club", is_default=True, point_value=D("0.25"),
                             validation_code_required=True, expiry_days=365)
    default_earn_rule_ensure(org=org, program=program, percent=D("10"))
    ladder_build(org=org, program=program)
    PaymentModeFactory(org=org, name="CASH")
    member = CustomerFactory(org=org, mobile="919845012345", first_name="Asha", last_name="Rao")
    for n in range(500):
        CustomerFactory(org=org)
    points_credit(org=org, customer=member, points=D("500"), program=program, source_type=SourceType.MANUAL,
                  idempotency_key="bench-open")
    for n in range(200):
        bill_add(org=org, till=till, data=BillInput(
            type="REGULAR", number=f"BB-{n}", billing_time=timezone.now(),
            lines=[LineInput(item_code=f"SKU{k}", qty=D(1), rate=D(100 + k)) for k in range(3)],
            customer=CustomerRef(identifier_name="id", identifier_value=str(member.pk))))
    for n in range(10):
        CouponFactory(org=org, customer=member, series=CouponSeriesFactory(org=org))
    return member


def main(repeat: int = 50) -> None:
    connection, name = django_with_test_db()
    try:
        from django.db import reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        member = build()
        client = Client()
        assert client.post("/till/login", {"username": "bench.manager", "password": "Bench-pass-2026"}).status_code \
            == 302
        c = member.pk
        bill = {"number": "BENCH-1", "action": "preview", "item_code": [f"SKU{k}" for k in range(10)],
                "description": [""] * 10, "qty": ["1"] * 10, "rate": ["100"] * 10, "tender_mode": ["CASH"],
                "tender_value": ["1000"]}
        screens = [
            ("login page", lambda: Client().get("/till/login")),
            ("find by mobile", lambda: client.get("/till/", {"q": "9845012345"})),
            ("customer panel", lambda: client.get(f"/till/customers/{c}/")),
            ("enrol form", lambda: client.get("/till/enrol")),
            ("bill form", lambda: client.get(f"/till/customers/{c}/bill")),
            ("bill preview (10 lines)", lambda: client.post(f"/till/customers/{c}/bill", bill)),
            ("return: find bill", lambda: client.get("/till/returns", {"number": "BB-7"})),
            ("redeem points form", lambda: client.get(f"/till/customers/{c}/redeem-points")),
            ("redeem coupon form", lambda: client.get(f"/till/customers/{c}/redeem-coupon")),
            ("issue coupon form", lambda: client.get(f"/till/customers/{c}/issue-coupon")),
            ("today's activity (200 bills)", lambda: client.get("/till/activity")),
        ]
        print(f"{'screen':32} {'queries':>7} {'p50 ms':>8} {'p99 ms':>8}")
        for label, call in screens:
            call()  # warm-up (template and config caches)
            reset_queries()  # DEBUG keeps at most 9,000 queries; a full log would count nothing
            with CaptureQueriesContext(connection) as ctx:
                status = call().status_code
            assert status == 200 or label == "find by mobile", (label, status)
            figures = percentiles(timed(call, repeat))
            print(f"{label:32} {len(ctx.captured_queries):>7} {figures['p50']:>8} {figures['p99']:>8}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    from _setup import run_into_section

    run_into_section('Till screens: server time per screen (`bench/till_screens.py`)',
                     'cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_till ../.venv/bin/python till_screens.py',
                     main, int(sys.argv[1]) if len(sys.argv) > 1 else 50)
