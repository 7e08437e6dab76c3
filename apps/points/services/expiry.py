"""Expiring due lots in bulk: set-based, chunked, resumable and safe to run twice.

The queue is PointsAccount.next_expiry_at, a lower bound of the earliest expiry among an account's available lots
that still hold points (every service that makes points available moves it earlier; see ledger.next_expiry_note).
Each chunk takes the accounts whose bound has passed, expires their due lots and writes each account's exact next
expiry, which lies after `now` (or is empty), so a handled account leaves the queue and a rerun finds nothing. No
cursor is needed to resume: a stopped run simply starts again from the queue.

Lots are found through the FEFO index (account, state, expires_at) and no index covers the columns the job writes,
so on PostgreSQL each lot's update is a heap-only (HOT) update; the lots table keeps free room for it (fillfactor).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from ..choices import LotState
from ..models import PointsAccount, PointsLot
from .ledger import ZERO, account_save, expire_account_due

# Two statements per chunk on PostgreSQL, inside one transaction. The first locks up to `limit` due accounts,
# skipping any a till holds right now (no waiting means no lock-order deadlock; a skipped account stays queued for
# the next chunk or run, and any read of it expires its due lots on touch). The second, run under those locks so no
# lot can change under it, expires the lots, moves the cached totals and the next-expiry bound, posts one EXPIRE
# entry per account that lost points and records one movement per lot.
_PG_LOCK = """
SELECT id FROM points_pointsaccount
 WHERE next_expiry_at <= %(now)s {org_filter}
 ORDER BY next_expiry_at
 LIMIT %(limit)s
 FOR UPDATE SKIP LOCKED
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
    SELECT account_id, SUM(remaining) AS total, COUNT(*) AS n FROM due GROUP BY account_id
), nxt AS (
    SELECT q.id, (SELECT MIN(l.expires_at) FROM points_pointslot l
                   WHERE l.account_id = q.id AND l.state = 'AVAILABLE' AND l.remaining > 0
                     AND l.expires_at > %(now)s) AS next_expiry_at
      FROM unnest(%(ids)s::bigint[]) AS q(id)
), accounts AS (
    UPDATE points_pointsaccount a
       SET available = a.available - COALESCE(p.total, 0), expired = a.expired + COALESCE(p.total, 0),
           next_expiry_at = nxt.next_expiry_at,
           updated_at = CASE WHEN p.total IS NULL THEN a.updated_at ELSE %(now)s END
      FROM nxt LEFT JOIN per_account p ON p.account_id = nxt.id
     WHERE a.id = nxt.id AND a.id = ANY(%(ids)s)
    RETURNING a.id, a.org_id, a.available, a.promised, p.total, p.n
), entries AS (
    INSERT INTO points_ledgerentry (org_id, account_id, kind, available_delta, promised_delta, available_after,
                                    promised_after, source_type, source_ref, reason, actor_type, actor_id,
                                    idempotency_key, meta, created_at)
    SELECT org_id, id, 'EXPIRE', -total, 0, available, promised, 'EXPIRY', %(day)s, 'Points expired', 'SYSTEM', '',
           '', jsonb_build_object('lots', n), %(now)s FROM accounts WHERE total IS NOT NULL
    RETURNING id, account_id
), moves AS (
    INSERT INTO points_lotmovement (org_id, entry_id, lot_id, amount)
    SELECT d.org_id, e.id, d.id, -d.remaining FROM entries e JOIN due d ON d.account_id = e.account_id
    RETURNING id
)
SELECT (SELECT COALESCE(SUM(total), 0) FROM per_account), (SELECT COUNT(*) FROM moves), (SELECT COUNT(*) FROM lots)
"""


def next_expiry_exact(account_id: int, now: datetime):
    """The earliest expiry after `now` among the account's available lots that hold points (None: nothing)."""
    return (PointsLot.objects.filter(account_id=account_id, state=LotState.AVAILABLE, remaining__gt=0,
                                     expires_at__gt=now).aggregate(first=Min("expires_at"))["first"])


def points_expire_chunk(*, now: datetime, limit: int = 1000, org_id: int | None = None) -> tuple[int, Decimal, int]:
    """Expire the due lots of up to `limit` queued accounts. Returns (accounts handled, points, lots expired);
    no account handled means the queue holds nothing due (or only accounts locked by others right now)."""
    if connection.vendor == "postgresql":
        return _expire_chunk_pg(now=now, limit=limit, org_id=org_id)
    return _expire_chunk_generic(now=now, limit=limit, org_id=org_id)


@transaction.atomic
def _expire_chunk_pg(*, now, limit, org_id):
    params = {"now": now, "limit": limit, "org": org_id, "day": now.strftime("%Y-%m-%d")}
    with connection.cursor() as cursor:
        # The planner's row estimates for these statements cross the JIT threshold; compiling them costs more than
        # running them (about 80 ms a chunk), so this transaction runs without JIT.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_PG_LOCK.format(org_filter="AND org_id = %(org)s" if org_id else ""), params)
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return 0, ZERO, 0
        cursor.execute(_PG_EXPIRE, {**params, "ids": ids})
        total, moves, lots = cursor.fetchone()
    if moves != lots:  # every expired lot has exactly one movement; anything else is a bug worth stopping for
        raise RuntimeError(f"expiry chunk wrote {moves} movements for {lots} lots")
    return len(ids), Decimal(total), lots


def _expire_chunk_generic(*, now, limit, org_id):
    """The portable path (SQLite): per account, under its lock, through the same code the on-touch expiry uses."""
    queue = PointsAccount.objects.filter(next_expiry_at__lte=now)
    if org_id:
        queue = queue.filter(org_id=org_id)
    account_ids = list(queue.order_by("next_expiry_at", "id").values_list("id", flat=True)[:limit])
    total, count = ZERO, 0
    for account_id in sorted(account_ids):
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().get(pk=account_id)
            count += PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0,
                                              expires_at__lte=now).count()
            total += expire_account_due(account=account, now=now)
            account.next_expiry_at = next_expiry_exact(account.pk, now)
            account_save(account)
    return len(account_ids), total, count


def points_expire_due(*, now: datetime | None = None, limit: int = 1000, org_id: int | None = None,
                      progress=None) -> tuple[Decimal, int]:
    """Expire everything due, chunk after chunk (each chunk its own transaction). Returns (points, lots)."""
    now = now or timezone.now()
    total, lots = ZERO, 0
    while True:
        accounts, points, count = points_expire_chunk(now=now, limit=limit, org_id=org_id)
        if not accounts:
            return total, lots
        total += points
        lots += count
        if progress:
            progress(count)
