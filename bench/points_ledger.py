"""Points ledger: API latency beside a DRF floor endpoint, credit-posting throughput, and expiry of 1,000,000 lots.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_points ../.venv/bin/python points_ledger.py
(it works on a throwaway test_loyalty_bench_points database and writes its figures into docs/performance.md).

- Latency: Django's in-process test client (full middleware, Basic auth, access groups, envelopes; no network).
  The floor is a V2APIView that does nothing but one locked UPDATE ... RETURNING and one INSERT in a transaction.
- Throughput: points_credit (lock the account, post the entry, create the lot, save totals) in 1 and 4 threads.
- Expiry: 100,000 accounts with 10 due lots each, loaded with COPY, then points_expire_due in 1 and in 2 workers (the
  nightly task's code path), verified against the invariants afterwards.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal

from _setup import django_with_test_db, percentiles, timed, write_section

D = Decimal
CUSTOMERS = 200
EXPIRY_ACCOUNTS = int(os.environ.get("BENCH_EXPIRY_ACCOUNTS", "100000"))
LOTS_PER_ACCOUNT = 10
EXPIRY_CHUNK = int(os.environ.get("BENCH_EXPIRY_CHUNK", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "500"))
urlpatterns: list = []  # filled in main(): the project's routes plus the floor endpoint


def floor_view():
    from django.db import connection, transaction
    from drf_spectacular.utils import extend_schema
    from rest_framework.response import Response

    from apps.access.choices import AccessResource
    from apps.core.api.views import V2APIView

    class FloorV2(V2APIView):
        """One locked UPDATE ... RETURNING and one INSERT: what any write endpoint costs at least."""

        access_resource = AccessResource.POINTS

        @extend_schema(exclude=True)
        def post(self, request):
            account_id = int(request.data["accountId"])
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE points_pointsaccount SET updated_at = now() WHERE id = %s RETURNING available",
                               [account_id])
                available = cursor.fetchone()[0]
                cursor.execute("INSERT INTO bench_floor_entry (account_id, amount) VALUES (%s, %s)", [account_id, 1])
            return Response({"available": available})

    return FloorV2


def setup_org():
    from apps.access.services import access_group_full
    from apps.customers.models import Customer, CustomerIdentifier, CustomerProfile
    from apps.organizations.services import organization_create, store_create, till_create
    from apps.points.services import points_credit, program_create

    org = organization_create(name="Bench Retail", code="bench-retail", timezone="Asia/Kolkata")
    store = store_create(org=org, code="default", name="Default Store")
    till = till_create(org=org, store=store, code="bench.till", name="bench", password="pw", username="bench.till")
    till.access_groups.add(access_group_full(org=org))
    program = program_create(org=org, name="Bench Club", is_default=True, validation_code_required=False,
                             point_value=D("0.25"))
    customers = []
    for i in range(CUSTOMERS):
        customer = Customer.objects.create(org=org, first_name=f"Member{i}")
        profile = CustomerProfile.objects.create(org=org, customer=customer, source="INSTORE")
        CustomerIdentifier.objects.create(org=org, customer=customer, profile=profile, type="mobile",
                                          value=f"9198{i:08d}")
        points_credit(org=org, customer=customer, points=D(1_000_000), program=program, source_type="BILL",
                      source_ref=f"SEED{i}")
        customers.append(customer)
    return org, till, program, customers


def latency(customers) -> dict[str, dict]:
    from django.db import connection
    from rest_framework.test import APIClient

    from apps.points.models import PointsAccount
    from tests.helpers.api import basic_header

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor_entry (id bigserial PRIMARY KEY, account_id bigint NOT NULL, "
                       "amount numeric(18,3) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header("bench.till", "pw"))
    accounts = list(PointsAccount.objects.filter(customer__in=customers).order_by("id").values_list("pk", flat=True))
    counter = {"n": 0}

    def nxt(seq):
        counter["n"] += 1
        return seq[counter["n"] % len(seq)]

    def floor():
        assert client.post("/v2/bench/floor", {"accountId": nxt(accounts)}, format="json").status_code == 200

    def redeem():
        i = counter["n"] % len(customers)
        counter["n"] += 1
        body = {"root": {"redeem": {"points_redeemed": "1", "transaction_number": f"T{counter['n']}",
                                    "customer": {"mobile": f"9198{i:08d}"}}}}
        response = client.post("/v1.1/points/redeem", body, format="json")
        assert response.status_code == 200, response.content

    def balance():
        assert client.get(f"/v2/customers/{nxt(customers).pk}/points/balance").status_code == 200

    for fn in (floor, redeem, balance):  # warm up (credential cache, connections, code paths)
        for _ in range(20):
            fn()
    rows = {}
    for name, fn in (("Floor: DRF POST, 1 locked UPDATE + 1 INSERT", floor),
                     ("POST /v1.1/points/redeem (1 point, 200 accounts)", redeem),
                     ("GET /v2/customers/{id}/points/balance", balance)):
        rows[name] = percentiles(timed(fn, REPEAT))
    return rows


def credit_throughput(org, program, customers) -> dict[str, float]:
    from django.db import connections

    from apps.points.services import points_credit

    def post(worker: int, count: int, workers: int):
        for i in range(count):
            customer = customers[(i * workers + worker) % len(customers)]
            points_credit(org=org, customer=customer, points=D(5), program=program, source_type="BILL",
                          source_ref=f"C{worker}-{i}")

    out = {}
    count = 2000
    start = time.perf_counter()
    post(0, count, 1)
    out["1 thread"] = count / (time.perf_counter() - start)
    threads, per = 4, 1000

    def run(worker):
        try:
            post(worker, per, threads)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(w,)) for w in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out["4 threads"] = threads * per / (time.perf_counter() - start)
    return out


# -- 1,000,000 lots through COPY -------------------------------------------------------------------------------
def _text(field, value):
    from django.db import models

    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(field, models.BooleanField):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def copy_rows(model, rows, overrides_for) -> None:
    """COPY `rows` (ids) into the model's table; each row's values are the fields' defaults plus overrides."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = {**defaults, **overrides_for(row)}
                copy.write_row([_text(f, values[f.attname]) for f in fields])


def load_due_lots(org, program, accounts: int = EXPIRY_ACCOUNTS) -> float:
    from django.db import connection
    from django.utils import timezone

    from apps.customers.models import Customer
    from apps.points.models import LedgerEntry, PointsAccount, PointsCurrency, PointsLot

    currency = PointsCurrency.objects.get(program=program, is_default=True)
    now = timezone.now()
    earned, due = now - timedelta(days=400), now - timedelta(days=1)

    def base(model):
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    c0, a0, e0, l0 = base(Customer), base(PointsAccount), base(LedgerEntry), base(PointsLot)
    per = LOTS_PER_ACCOUNT
    total = D(10 * per)
    start = time.perf_counter()
    copy_rows(Customer, range(accounts), lambda i: {
        "id": c0 + i, "org_id": org.pk, "first_name": "Lapsed", "last_name": str(i), "registered_on": earned,
        "created_at": earned, "updated_at": earned})
    copy_rows(PointsAccount, range(accounts), lambda i: {
        "id": a0 + i, "org_id": org.pk, "customer_id": c0 + i, "program_id": program.pk, "currency_id": currency.pk,
        "available": total, "lifetime_earned": total, "next_expiry_at": due, "created_at": earned,
        "updated_at": earned})
    copy_rows(LedgerEntry, range(accounts), lambda i: {
        "id": e0 + i, "org_id": org.pk, "account_id": a0 + i, "kind": "CREDIT", "available_delta": total,
        "available_after": total, "promised_after": D(0), "source_type": "IMPORT", "source_ref": f"LOAD{i}",
        "created_at": earned})
    copy_rows(PointsLot, range(accounts * per), lambda n: {
        "id": l0 + n, "org_id": org.pk, "account_id": a0 + n // per, "credit_entry_id": e0 + n // per,
        "state": "AVAILABLE", "amount": D(10), "remaining": D(10), "earned_at": earned, "expires_at": due,
        "source_type": "IMPORT", "source_ref": f"LOAD{n // per}"})
    with connection.cursor() as cursor:
        for model in (Customer, PointsAccount, LedgerEntry, PointsLot):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - start


def chunk_breakdown(org, now) -> dict[str, float]:
    """Where one chunk's time goes: EXPLAIN ANALYZE of the expiry statement over one chunk, rolled back."""
    from django.db import connection, transaction

    from apps.points.services.expiry import _PG_EXPIRE, _PG_LOCK  # the statements the nightly run executes

    params = {"now": now, "limit": EXPIRY_CHUNK, "org": org.pk, "day": now.strftime("%Y-%m-%d")}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # as the service does
        cursor.execute(_PG_LOCK.format(org_filter="AND org_id = %(org)s"), params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + _PG_EXPIRE, {**params, "ids": ids})
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        transaction.set_rollback(True)
    shares: dict[str, float] = {}

    def walk(node):
        own = node["Actual Total Time"] - sum(child["Actual Total Time"] for child in node.get("Plans", []))
        if node["Node Type"] == "ModifyTable":
            key = f"{node['Operation'].lower()} {node['Relation Name']}"
            shares[key] = shares.get(key, 0) + own
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    total = plan[0]["Execution Time"]
    shares = {k: 100 * v / total for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}
    shares["lots in the chunk"] = len(ids) * LOTS_PER_ACCOUNT
    shares["chunk ms"] = total
    return shares


def expire_million(org, program, workers: int) -> dict:
    """Load 1,000,000 due lots, then expire them with `workers` threads each running points_expire_due (what the
    nightly task's POINTS_EXPIRY_WORKERS invocations do), and check the invariants over the org."""
    from django.db import connections
    from django.db.models import Sum
    from django.utils import timezone

    from apps.points.models import PointsLot
    from apps.points.services import ledger_check, points_expire_due

    load_seconds = load_due_lots(org, program)
    now, results = timezone.now(), []

    def work():
        results.append(points_expire_due(now=now, limit=EXPIRY_CHUNK, org_id=org.pk))
        connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    points, lots = sum(r[0] for r in results), sum(r[1] for r in results)
    left = PointsLot.objects.filter(org=org, source_type="IMPORT").aggregate(t=Sum("remaining"))["t"]
    check_start = time.perf_counter()
    problems = ledger_check(org=org)
    check_seconds = time.perf_counter() - check_start
    assert lots == EXPIRY_ACCOUNTS * LOTS_PER_ACCOUNT and left == 0 and not problems, (lots, left, problems[:3])
    return {"load": load_seconds, "expire": seconds, "lots": lots, "points": points, "check": check_seconds,
            "workers": workers}


def expiry_breakdown(org, program) -> dict[str, float]:
    """EXPLAIN ANALYZE of one chunk over freshly loaded due lots (after the timed runs, so its rolled-back writes
    cannot take room from them)."""
    from django.utils import timezone

    load_due_lots(org, program, accounts=EXPIRY_CHUNK)
    return chunk_breakdown(org, timezone.now())


def main() -> None:
    connection, _ = django_with_test_db()
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    import loyalty.urls

    floor = floor_view()
    urlpatterns[:] = [path("v2/bench/floor", floor.as_view()), *loyalty.urls.urlpatterns]
    settings.ROOT_URLCONF = sys.modules[__name__]
    settings.API_DEFAULT_RATE_PER_MINUTE = 10**9  # one client sends thousands of requests a minute here
    clear_url_caches()
    assert include  # the project's routes are reused as they are
    load_before = os.getloadavg()[0]
    org, till, program, customers = setup_org()
    rows = latency(customers)
    throughput = credit_throughput(org, program, customers)
    expiries = [expire_million(org, program, workers) for workers in (1, 2)]
    breakdown = expiry_breakdown(org, program)
    load_after = os.getloadavg()[0]

    lines = ["Reproduce: `cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_points "
             "../.venv/bin/python points_ledger.py`.", "",
             f"Measured on {connection.vendor}, Python {platform.python_version()}, Django's in-process test client "
             "(full middleware, Basic auth with the verified header cached, access groups, envelopes; no network), "
             f"one client, requests one after another. Host: {os.cpu_count()} cores, load average {load_before:.1f} at "
             f"the start and {load_after:.1f} at the end (other work was running on the machine).", "",
             "| Request | n | p50 ms | p99 ms | mean ms |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {r['n']} | {r['p50']} | {r['p99']} | {r['mean']} |" for name, r in rows.items()]
    floor_p50 = rows["Floor: DRF POST, 1 locked UPDATE + 1 INSERT"]["p50"]
    redeem_p50 = rows["POST /v1.1/points/redeem (1 point, 200 accounts)"]["p50"]
    lines += ["", f"Redeem costs {redeem_p50 / floor_p50:.1f}× the floor at p50: on top of the floor's lock and insert "
                  "it looks the customer up by identifier, checks the programme's rules, expires due lots on touch, "
                  "consumes lots first-expiring-first (lot updates + movement rows), saves the cached totals and "
                  "writes the redemption row, all in one transaction.", "",
              "Credit posting through `points_credit` (account row lock, entry, lot, totals), 5 points to one of "
              "200 accounts each time:", "",
              "| Threads | credits/s |", "|---|---|"]
    lines += [f"| {name} | {value:,.0f} |" for name, value in throughput.items()]
    first = expiries[0]
    lines += ["", f"Expiry of {first['lots']:,} due lots ({EXPIRY_ACCOUNTS:,} accounts × {LOTS_PER_ACCOUNT}), each "
                  f"run on a fresh COPY load ({first['load']:.1f} s), expired through `points_expire_due` (the nightly "
                  f"task's path): workers take up to {EXPIRY_CHUNK:,} due accounts per chunk from the queue "
                  "(`PointsAccount.next_expiry_at`, SKIP LOCKED), each chunk one transaction of two set-based "
                  "statements; one EXPIRE entry per account and one movement per lot; `ledger_check` over the org "
                  "afterwards found no violation.", "",
              "| Workers (POINTS_EXPIRY_WORKERS) | seconds | lots/s | ledger_check s |", "|---|---|---|---|"]
    lines += [f"| {e['workers']} | **{e['expire']:.1f}** | {e['lots'] / e['expire']:,.0f} | {e['check']:.1f} |"
              for e in expiries]
    lines += ["", "Target: < 15 s."]
    parts = dict(breakdown)
    chunk_ms, chunk_lots = parts.pop("chunk ms"), parts.pop("lots in the chunk")
    lines += ["", f"Where a chunk's time goes (EXPLAIN ANALYZE of one {chunk_lots:,}-lot chunk, rolled back: "
                  f"{chunk_ms:,.0f} ms): " + ", ".join(f"{name} {share:.0f}%" for name, share in parts.items())
              + ". What keeps it there: no index covers the columns expiry writes and the lots table keeps half of "
                "each page free (fillfactor 50), so each lot update is heap-only (HOT) and writes no index entry; "
                "movements carry no per-row foreign-key check (the append-only trigger and `ledger_check` stand in "
                "for it); JIT is off for these statements (compiling them cost more than running them)."]
    write_section("Points ledger (`bench/points_ledger.py`)", "\n".join(lines))
    print("\n".join(lines))
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
