"""Transaction admin: org scoping, bounded changelists, the bill page with its log, queue actions, SKU master."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from apps.transactions.models import Product, RejectedBill
from tests.factories.transactions import (BillFactory, BillLineFactory, BillTenderFactory, ProductFactory,
                                          RejectedBillFactory)
from tests.transactions.builders import sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    # The staff roles do not list the transactions app yet (requested of apps/staff); grant it explicitly.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="transactions"))
    client.force_login(user)
    return client


def _ids(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url, make", [
    ("/admin/transactions/bill/", lambda org, n: [BillTenderFactory(bill=BillLineFactory(
        bill=BillFactory(org=org), position=0).bill) for _ in range(n)]),
    ("/admin/transactions/rejectedbill/", lambda org, n: RejectedBillFactory.create_batch(n, org=org)),
    ("/admin/transactions/product/", lambda org, n: ProductFactory.create_batch(n, org=org)),
])
def test_changelist_queries_do_not_grow_with_rows(admin_client, org, url, make):
    # given
    make(org, 3)
    few = queries_for(admin_client, url)
    make(org, 27)
    # when
    many = queries_for(admin_client, url)
    # then
    assert many == few


def test_changelists_show_only_the_orgs_rows(admin_client, org, other_org):
    mine, theirs = BillFactory(org=org), BillFactory(org=other_org)
    assert _ids(admin_client.get("/admin/transactions/bill/")) == [mine.pk]
    assert admin_client.get(f"/admin/transactions/bill/{theirs.pk}/change/").status_code == 302


def test_bill_page_shows_lines_and_the_evaluation_log(admin_client, org, member, earn_rule, add_bill):
    # given
    bill = add_bill(sale("B-1", ("RICE5", 2, "250"))).bill
    # when
    response = admin_client.get(f"/admin/transactions/bill/{bill.pk}/change/")
    # then
    page = response.content.decode()
    assert response.status_code == 200 and "RICE5" in page and earn_rule.name in page
    assert "<th>Matched</th>" in page and "<td>yes</td>" in page


def test_retrigger_action_starts_a_job(admin_client, org, django_capture_on_commit_callbacks):
    # given
    rejected = RejectedBillFactory(org=org)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/transactions/rejectedbill/", {
            "action": "retrigger_selected", "_selected_action": [rejected.pk]}, follow=True)
    # then the job ran and added the bill (registering the customer it names)
    assert "Retrigger job" in response.content.decode()
    rejected.refresh_from_db()
    assert rejected.attempts == 2 and rejected.status == "PROCESSED" and rejected.bill.number == rejected.number


def test_mark_failed_action(admin_client, org):
    rejected = RejectedBillFactory(org=org)
    admin_client.post("/admin/transactions/rejectedbill/", {"action": "mark_failed_selected",
                                                           "_selected_action": [rejected.pk]})
    assert RejectedBill.objects.get().status == "FAILED"


def test_product_is_added_through_the_service_and_codes_stay_unique(admin_client, org, other_org):
    # given another org's product with the same code
    ProductFactory(org=other_org, item_code="RICE5")
    # when
    first = admin_client.post("/admin/transactions/product/add/", {"item_code": "RICE5", "description": "Rice 5 kg",
                                                                  "attributes": "{}", "is_active": "on"})
    again = admin_client.post("/admin/transactions/product/add/", {"item_code": "RICE5", "attributes": "{}"})
    # then
    assert first.status_code == 302
    assert Product.objects.filter(org=org).count() == 1
    assert again.status_code == 200 and "already in the product master" in again.content.decode()
