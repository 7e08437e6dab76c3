"""Expiring due lots in bulk: set-based, chunked, resumable and safe to run twice."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ..choices import LotState
from ..models import PointsAccount, PointsLot
from .ledger import ZERO, account_save, expire_account_due

# Two statements per chunk on PostgreSQL, inside one transaction. The first locks the chunk's accounts in id order
# (the order every other service locks them in). The second, run while those locks are held so no lot can change
# under it, expires the lots, moves the cached totals, posts one EXPIRE entry per account and records the lot
# movements. Lots already expired (remaining = 0) are never picked again, so a rerun does nothing twice.
_PG_LOCK = """
SELECT a.id FROM points_pointsaccount a
 WHERE a.id IN (SELECT DISTINCT account_id FROM points_pointslot
                 WHERE state = 'AVAILABLE' AND remaining > 0 AND expires_at <= %(now)s AND account_id > %(after)s
                       {org_filter}
                 ORDER BY account_id LIMIT %(limit)s)
 ORDER BY a.id FOR UPDATE
"""
_PG_EXPIRE = """
WITH due AS (
    SELECT id, account_id, org_id, remaining FROM points_pointslot
     WHERE account_id = ANY(%(ids)s) AND state = 'AVAILABLE' AND remaining > 0 AND expires_at <= %(now)s
), lots AS (
    UPDATE points_pointslot l
       SET expired_amount = l.expired_amount + due.remaining, remaining = 0, expired_at = %(now)s
      FROM due WHERE l.id = due.id
    RETURNING l.id
), per_account AS (
    SELECT account_id, MIN(org_id) AS org_id, SUM(remaining) AS total, COUNT(*) AS n FROM due GROUP BY account_id
), accounts AS (
    UPDATE points_pointsaccount a
       SET available = a.available - p.total, expired = a.expired + p.total, updated_at = %(now)s
      FROM per_account p WHERE a.id = p.account_id
    RETURNING a.id, a.org_id, a.available, a.promised, p.total, p.n
), entries AS (
    INSERT INTO points_ledgerentry (org_id, account_id, kind, available_delta, promised_delta, available_after,
                                    promised_after, source_type, source_ref, reason, actor_type, actor_id,
                                    idempotency_key, meta, created_at)
    SELECT org_id, id, 'EXPIRE', -total, 0, available, promised, 'EXPIRY', %(day)s, 'Points expired', 'SYSTEM', '',
           '', jsonb_build_object('lots', n), %(now)s FROM accounts
    RETURNING id, account_id
), moves AS (
    INSERT INTO points_lotmovement (org_id, entry_id, lot_id, amount)
    SELECT d.org_id, e.id, d.id, -d.remaining FROM entries e JOIN due d ON d.account_id = e.account_id
    RETURNING id
)
SELECT (SELECT COALESCE(SUM(total), 0) FROM per_account), (SELECT COUNT(*) FROM moves), (SELECT COUNT(*) FROM lots)
"""


def points_expire_chunk(*, now: datetime, after_account_id: int = 0, limit: int = 1000,
                        org_id: int | None = None) -> tuple[int | None, Decimal, int]:
    """Expire due lots of up to `limit` accounts after `after_account_id`.

    Returns (last account id handled or None when nothing was due, points expired, lots expired).
    """
    if connection.vendor == "postgresql":
        return _expire_chunk_pg(now=now, after=after_account_id, limit=limit, org_id=org_id)
    return _expire_chunk_generic(now=now, after=after_account_id, limit=limit, org_id=org_id)


@transaction.atomic
def _expire_chunk_pg(*, now, after, limit, org_id):
    params = {"now": now, "after": after, "limit": limit, "org": org_id, "day": now.strftime("%Y-%m-%d")}
    with connection.cursor() as cursor:
        cursor.execute(_PG_LOCK.format(org_filter="AND org_id = %(org)s" if org_id else ""), params)
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return None, ZERO, 0
        cursor.execute(_PG_EXPIRE, {**params, "ids": ids})
        total, moves, lots = cursor.fetchone()
    if moves != lots:  # every expired lot has exactly one movement; anything else is a bug worth stopping for
        raise RuntimeError(f"expiry chunk wrote {moves} movements for {lots} lots")
    return ids[-1], Decimal(total), lots


def _expire_chunk_generic(*, now, after, limit, org_id):
    """The portable path (SQLite): per account, under its lock, through the same code the on-touch expiry uses."""
    lots = PointsLot.objects.filter(state=LotState.AVAILABLE, remaining__gt=0, expires_at__lte=now,
                                    account_id__gt=after)
    if org_id:
        lots = lots.filter(org_id=org_id)
    account_ids = list(lots.values_list("account_id", flat=True).distinct().order_by("account_id")[:limit])
    total, count = ZERO, 0
    for account_id in account_ids:
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().get(pk=account_id)
            count += PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0,
                                              expires_at__lte=now).count()
            total += expire_account_due(account=account, now=now)
            account_save(account)
    return (account_ids[-1] if account_ids else None), total, count


def points_expire_due(*, now: datetime | None = None, limit: int = 1000, org_id: int | None = None,
                      progress=None) -> tuple[Decimal, int]:
    """Expire everything due, chunk after chunk (each chunk its own transaction). Returns (points, lots)."""
    now = now or timezone.now()
    after, total, lots = 0, ZERO, 0
    while True:
        last, points, count = points_expire_chunk(now=now, after_account_id=after, limit=limit, org_id=org_id)
        if last is None:
            return total, lots
        total += points
        lots += count
        after = last
        if progress:
            progress(count)
