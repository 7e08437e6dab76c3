"""The expiry queue (PointsAccount.next_expiry_at) and the database guards of the ledger tables."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from apps.points.choices import EntryKind, LotState
from apps.points.models import LedgerEntry, LotMovement, PointsAccount, PointsLot
from apps.points.services import (account_check, ledger_check, points_convert_promised, points_credit,
                                  points_expire_chunk, points_expire_due, points_redeem, points_reverse_redemption)
from tests.points.conftest import make_customer

pytestmark = pytest.mark.django_db
D = Decimal
pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL triggers")


def credit(org, customer, program, points, ref, **kw):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kw)


def account_of(customer) -> PointsAccount:
    return PointsAccount.objects.get(customer=customer)


def test_credits_keep_the_earliest_expiry_as_the_accounts_bound(org, customer, program, clock):
    late, early = clock.now + timedelta(days=90), clock.now + timedelta(days=30)
    credit(org, customer, program, 10, "B1", expires_at=late)
    assert account_of(customer).next_expiry_at == late
    credit(org, customer, program, 10, "B2", expires_at=early)
    assert account_of(customer).next_expiry_at == early
    credit(org, customer, program, 10, "B3", expires_at=late + timedelta(days=1))
    assert account_of(customer).next_expiry_at == early
    assert account_check(account_of(customer)) == []


def test_expiry_moves_the_bound_to_the_next_live_lot_and_clears_it_at_the_end(org, customer, program, clock):
    first, second = clock.now + timedelta(days=10), clock.now + timedelta(days=40)
    credit(org, customer, program, 10, "B1", expires_at=first)
    credit(org, customer, program, 20, "B2", expires_at=second)
    clock.advance(days=11)
    assert points_expire_due(now=clock.now) == (D(10), 1)
    assert account_of(customer).next_expiry_at == second
    clock.advance(days=30)
    assert points_expire_due(now=clock.now) == (D(20), 1)
    account = account_of(customer)
    assert (account.available, account.expired, account.next_expiry_at) == (D(0), D(30), None)
    assert points_expire_due(now=clock.now) == (D(0), 0)


def test_a_stale_bound_is_corrected_without_posting_anything(org, customer, program, clock):
    # redeeming the early lot leaves the bound early: the job visits the account, expires nothing, fixes the bound
    early, late = clock.now + timedelta(days=5), clock.now + timedelta(days=50)
    credit(org, customer, program, 10, "B1", expires_at=early)
    credit(org, customer, program, 10, "B2", expires_at=late)
    points_redeem(org=org, customer=customer, program=program, points=D(10), bill_number="R1")
    clock.advance(days=6)
    entries = LedgerEntry.objects.count()
    accounts, points, lots = points_expire_chunk(now=clock.now)
    assert (accounts, points, lots) == (1, D(0), 0)
    assert account_of(customer).next_expiry_at == late and LedgerEntry.objects.count() == entries
    assert points_expire_chunk(now=clock.now)[0] == 0


def test_promised_points_enter_the_queue_when_they_convert(org, customer, program, clock):
    program.promised_delay_days = 3
    program.save()
    expires = clock.now + timedelta(days=20)
    credit(org, customer, program, 15, "B1", expires_at=expires)
    assert account_of(customer).next_expiry_at is None
    clock.advance(days=4)
    points_convert_promised(org=org, customer=customer, program=program)
    assert account_of(customer).next_expiry_at == expires
    clock.advance(days=17)
    assert points_expire_due(now=clock.now) == (D(15), 1)


def test_a_reversal_into_a_live_lot_puts_it_back_in_the_queue(org, customer, program, clock):
    expires = clock.now + timedelta(days=20)
    credit(org, customer, program, 10, "B1", expires_at=expires)
    redemption = points_redeem(org=org, customer=customer, program=program, points=D(10), bill_number="R1")
    PointsAccount.objects.filter(customer=customer).update(next_expiry_at=None)  # as if the job had cleared it
    points_reverse_redemption(org=org, redemption_code=redemption.code)
    assert account_of(customer).next_expiry_at == expires
    assert account_check(account_of(customer)) == []


def test_the_invariant_check_catches_a_bound_later_than_a_live_lot(org, customer, program, clock):
    credit(org, customer, program, 10, "B1", expires_at=clock.now + timedelta(days=5))
    PointsAccount.objects.filter(customer=customer).update(next_expiry_at=clock.now + timedelta(days=9))
    assert [v.message for v in ledger_check(org=org)] == ["next expiry is later than a live lot's expiry"]
    assert "next expiry" in account_check(account_of(customer))[0].message


def test_the_invariant_check_catches_a_movement_naming_another_accounts_lot(org, customer, program, clock):
    other = make_customer(org, "Ravi")
    credit(org, customer, program, 10, "B1")
    credit(org, other, program, 10, "B2")
    entry = LedgerEntry.objects.filter(account__customer=customer).first()
    foreign_lot = PointsLot.objects.get(account__customer=other)
    LotMovement.objects.create(org=org, entry=entry, lot=foreign_lot, amount=D(0))
    problems = ledger_check(org=org)
    assert [(p.account_id, p.message) for p in problems] == [
        (account_of(customer).pk, "lot movements name no lot of this account")]


def test_expiry_stays_within_its_org(org, other_org, customer, program, clock):
    from apps.points.services import program_create

    foreign_program = program_create(org=other_org, name="Rival", is_default=True)
    stranger = make_customer(other_org, "Zed")
    credit(org, customer, program, 10, "B1", expires_at=clock.now + timedelta(days=1))
    credit(other_org, stranger, foreign_program, 10, "F1", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    assert points_expire_due(now=clock.now, org_id=org.pk) == (D(10), 1)
    assert account_of(stranger).available == D(10) and account_of(stranger).next_expiry_at is not None


@pg_only
def test_ledger_entries_and_movements_refuse_update_and_delete(org, customer, program, clock):
    credit(org, customer, program, 10, "B1")
    points_redeem(org=org, customer=customer, program=program, points=D(4), bill_number="R1")
    for queryset, change in ((LedgerEntry.objects.all(), {"reason": "edited"}),
                             (LotMovement.objects.all(), {"amount": D(1)})):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            queryset.update(**change)
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {queryset.model._meta.db_table}")
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1


def test_lots_keep_their_state_when_expired(org, customer, program, clock):
    credit(org, customer, program, 10, "B1", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    points_expire_due(now=clock.now)
    lot = PointsLot.objects.get()
    assert (lot.state, lot.remaining, lot.expired_amount, lot.expired_at) == (LotState.AVAILABLE, D(0), D(10),
                                                                              clock.now)
