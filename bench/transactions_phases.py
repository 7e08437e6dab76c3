"""Where one bill's CPU goes: POST /v2/transactions (5 lines, 20 running rules) through Django's test client in
this process, with the bill path's phases timed by this thread's CPU clock (time.thread_time: waiting for
PostgreSQL or Redis does not count), next to the minimal write of bench/transactions_post.py; and, for both, the CPU
the PostgreSQL backend of this process's connection spends (read from /proc: the server runs on this machine).

The throughput bench says how far bills are from the target; this one says which phase to work on next. Phases
nest (bill_award contains _credit and the award insert), so the rows do not add up to the total; the total also
holds the request's middleware, authentication, throttling, parsing and rendering, which the minimal write pays too.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_phases .venv/bin/python bench/transactions_phases.py
(the database named there is dropped and re-created; Redis as in transactions_post.py). Writes docs/performance.md.
Options (environment): BENCH_BILLS (300).
"""
from __future__ import annotations

import collections
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import transactions_post as tp  # noqa: E402  (sets the settings module and the bench's Redis database)

os.environ["DEBUG"] = "false"  # as the server runs (no query log)
BILLS = int(os.environ.get("BENCH_BILLS", 300))

# (module, attribute, label): the bill path's phases, outermost first.
PHASES = [
    ("apps.transactions.api.v2.serializers", "TransactionInputV2.is_valid", "request body validation (DRF)"),
    ("apps.transactions.services.intake", "bill_prepare", "master-data checks (store, fields, SKUs, tenders)"),
    ("apps.transactions.services.bills", "_customer_of", "customer by identifier, locked, with labels, tallies, account"),
    ("apps.transactions.services.bills", "_bill_build", "bill built and full_clean()"),
    ("apps.transactions.services.bills", "earn_prepare", "cap usage from the tallies read"),
    ("apps.transactions.services.bills", "bill_plan", "plan: context, cap tallies, rules, log"),
    ("apps.transactions.services.earning", "rules_evaluate", "  rules engine (20 rules)"),
    ("apps.rules.engine", "activation_build", "    CEL activation"),
    ("apps.transactions.services.bills", "family_insert_unless_conflict", "bill, lines and tenders insert"),
    ("apps.transactions.services.bills", "bill_award", "award: ledger credit, award row, tallies"),
    ("apps.rules.effects.apply_points", "_credit", "  ledger credit (account locked before; its writes join the batch)"),
    ("apps.core.rows", "WriteBatch.run", "  entry, lot, account totals, award row, tallies (one statement)"),
    ("apps.transactions.api.v2.shapes", "add_response", "response shape"),
]


def _wrap(spent: collections.Counter, module_name: str, attribute: str, label: str) -> None:
    import importlib

    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    real = getattr(owner, name)

    def timed(*args, **kwargs):
        began = time.thread_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - began

    setattr(owner, name, timed)


def _backend_cpu_reader():
    """A function answering the CPU seconds (user + system) used so far by the PostgreSQL backend of this process's
    connection, read from /proc (the server runs on this machine); 0 where /proc cannot tell."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks
    return read


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://.../loyalty_bench_phases")
    tp.database_reset(url)
    tp.redis_reset(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    world = tp.world_create()
    spec = world["clients"][0]
    client = Client(HTTP_AUTHORIZATION=tp.auth_header(spec["username"]))
    path = f"/v2/transactions?identifierName=mobile&identifierValue={spec['mobile']}"
    minimal = json.dumps({"customerId": spec["customer_id"]})

    def bill(n: int) -> None:
        response = client.post(path, json.dumps(tp.bill_body(f"P-{n}")), content_type="application/json")
        assert response.status_code == 200, response.content

    def write(_: int) -> None:
        response = client.post("/v2/bench/minimal", minimal, content_type="application/json")
        assert response.status_code == 200, response.content

    for n in range(60):  # warm every cache (30 item codes, rules, tokens)
        bill(n)
        write(n)
    spent: collections.Counter = collections.Counter()
    for phase in PHASES:
        _wrap(spent, *phase)
    backend = _backend_cpu_reader()
    began, pg_began = time.thread_time(), backend()
    for n in range(1000, 1000 + BILLS):
        bill(n)
    per_bill = (time.thread_time() - began) * 1000 / BILLS
    pg_bill = (backend() - pg_began) * 1000 / BILLS
    began, pg_began = time.thread_time(), backend()
    for n in range(BILLS):
        write(n)
    per_write = (time.thread_time() - began) * 1000 / BILLS
    pg_write = (backend() - pg_began) * 1000 / BILLS
    lines = [
        "Reproduce: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_phases .venv/bin/python "
        "bench/transactions_phases.py`.", "",
        f"CPU of this thread per request, {BILLS} requests each, through Django's test client (DEBUG off, "
        "Redis cache), "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs. Waiting for PostgreSQL and Redis is not counted.", "",
        "| Phase | CPU ms per bill |", "|---|---|",
        *[f"| {label} | {spent[label] * 1000 / BILLS:.2f} |" for _, _, label in PHASES],
        f"| **whole bill request** | **{per_bill:.2f}** |",
        f"| minimal write request (POST /v2/bench/minimal) | {per_write:.2f} |", "",
        f"By this process's CPU alone a bill costs {per_bill / per_write:.1f} minimal writes (0.6x the minimal "
        "endpoint's throughput needs a bill of at most 1.67).", "",
        "The PostgreSQL backend serving this process spends, per request (its CPU time from /proc):", "",
        "| Request | Python ms | PostgreSQL ms | together |", "|---|---|---|---|",
        f"| bill | {per_bill:.2f} | {pg_bill:.2f} | {per_bill + pg_bill:.2f} |",
        f"| minimal write | {per_write:.2f} | {pg_write:.2f} | {per_write + pg_write:.2f} |", "",
        f"Counting both, a bill costs {(per_bill + pg_bill) / (per_write + pg_write):.1f} minimal writes: bills could "
        f"reach about {(per_write + pg_write) / (per_bill + pg_bill):.2f}x the minimal endpoint's throughput on a "
        "machine they keep busy.",
    ]
    from _setup import write_section

    write_section("Transactions: where a bill's CPU goes (`bench/transactions_phases.py`)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
