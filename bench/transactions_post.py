"""Throughput and latency of POST /v2/transactions (5 lines, 20 running rules) next to a minimal DRF write.

Both endpoints are served by one gunicorn on 127.0.0.1 (run as docs/operations.md runs the web tier) and driven in
the same run by 16 concurrent clients: wrk (Debian's package; `apt-get install wrk`) with one thread and one
connection per client (kept alive where the worker class allows), each client a till with its own member, requests
back to back, for a bounded time per endpoint after a warm-up run. The two endpoints take turns over several rounds
(minimal, bills, minimal, bills, ...): this machine's speed drifts by 20-30 % within minutes, and the ratio is the
median of the rounds' ratios. Then both endpoints run once more below saturation: each client pauses after every
answer (wrk's delay()) so that together they offer about half the bills' rate, which shows a bill's latency when it
does not queue behind other clients' requests.
Targets: bills reach at least 0.6x the minimal endpoint's throughput, with p99 <= 50 ms.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_txn .venv/bin/python bench/transactions_post.py
(the database named there is dropped and re-created). Writes the figures into docs/performance.md.
Options (environment): BENCH_ROUNDS (3), BENCH_SECONDS (20 per endpoint and round), BENCH_WARMUP (3),
BENCH_CLIENTS (16), BENCH_WORKER_CLASS (sync),
BENCH_WORKERS (2 x cores + 1), BENCH_THREADS (1), BENCH_REDIS_URL (redis://127.0.0.1:6379/3, emptied first: the
server uses Redis as its cache, as in production).
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["DJANGO_SETTINGS_MODULE"] = "transactions_settings"
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("API_DEFAULT_RATE_PER_MINUTE", "1000000")
# Production's shared cache: verified till credentials and master-data tokens are shared by the server's processes.
# The bench's own Redis database is emptied at the start (BENCH_REDIS_URL; refuses databases 0 and 1).
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")

from _setup import percentiles, write_section  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", 3)))
WARMUP = float(os.environ.get("BENCH_WARMUP", 3))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 16))
# The web tier as docs/operations.md runs it: sync workers, 2 x cores + 1 of them.
WORKERS = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
THREADS = int(os.environ.get("BENCH_THREADS", 1))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
PASSWORD = "bench-till-pass"
CATEGORIES = ("Footwear", "Apparel", "Grocery", "Dairy", "Home", "Snacks")


def redis_reset(url: str) -> None:
    """Empty the bench's Redis database (the cache and any queued task messages of an earlier run)."""
    import redis

    parsed = urlparse(url)
    if parsed.path.lstrip("/") in ("", "0", "1"):
        raise SystemExit(f"refusing to flush Redis database {parsed.path or '/0'}: set BENCH_REDIS_URL to db 2 or above")
    redis.Redis.from_url(url).flushdb()


def database_reset(url: str) -> None:
    """Drop and re-create the bench database (refuses any name not starting with loyalty_bench)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("loyalty_bench"):
        raise SystemExit(f"refusing to reset database {name!r}: use a loyalty_bench* database")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def rules_create(org, program, store) -> int:
    """19 rules next to bootstrap's 1% earn rule: category rates, thresholds, weekdays, a store, caps, labels."""
    from apps.rules.services import rule_create

    specs = []
    for index, category in enumerate(CATEGORIES):
        specs.append({"name": f"{category} 2%", "effects": [{"type": "award_points", "params": {
            "basis": "line_percent", "value": "2", "items": {"categories": [category]}}}]})
    for threshold in (500, 1000, 2000, 5000):
        specs.append({"name": f"Bill over {threshold}", "condition": f"bill.amount >= {threshold}.0",
                      "effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "10"}}]})
    for days in ([1, 2, 3], [4, 5], [6, 7]):
        specs.append({"name": f"Days {days}", "days_of_week": days, "effects": [
            {"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}]})
    specs.append({"name": "Store bonus", "stores": [store], "effects": [
        {"type": "award_points", "params": {"basis": "bill_percent", "value": "1"}}]})
    specs.append({"name": "Big basket", "condition": "size(lines) >= 3", "max_points_per_bill": Decimal(50),
                  "effects": [{"type": "award_points", "params": {"basis": "bill_percent", "value": "2"}}]})
    for period in ("MONTH", "YEAR"):
        specs.append({"name": f"Capped per {period}", "max_points_per_customer": Decimal(100000),
                      "customer_cap_period": period,
                      "effects": [{"type": "award_points", "params": {"basis": "bill_percent", "value": "1"}}]})
    specs.append({"name": "Dairy and grocery basket", "condition": "bill.amount >= 300.0 && size(lines) >= 2",
                  "effects": [{"type": "award_points", "params": {
                      "basis": "line_percent", "value": "1", "items": {"categories": ["Dairy", "Grocery"]}}}]})
    specs.append({"name": "VIP label", "audience_labels": ["VIP"], "effects": [
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "25"}}]})
    for priority, spec in enumerate(specs, start=20):
        rule_create(org=org, program=program, event_type="BILL_ADDED", status="RUNNING", priority=priority, **spec)
    return len(specs) + 1


def world_create() -> dict:
    """The org, 20 running rules, CLIENTS tills (full access) and one member per till."""
    from apps.access.services import access_group_full
    from apps.customers.services import customer_create
    from apps.organizations import services as org_services
    from apps.organizations.bootstrap import org_bootstrap
    from apps.organizations.selectors import org_config_cache_clear
    from apps.points.services import program_ensure_default
    from apps.transactions.services import product_create

    boot = org_bootstrap(name="Bench Retail", till_username="bench.till0", till_password=PASSWORD,
                         timezone="Asia/Kolkata")
    org, store = boot.org, boot.till.store
    org_services.org_config_set(org=org, key="API_RATE_LIMIT_PER_MINUTE", value="1000000")
    org_config_cache_clear(org=org)
    org_services.payment_mode_create(org=org, name="CASH", canonical_name="CASH")
    program = program_ensure_default(org=org)
    rule_count = rules_create(org, program, store)
    for index in range(5 * len(CATEGORIES)):
        product_create(org=org, item_code=f"SKU{index:03d}", description=f"Item {index}",
                       category=CATEGORIES[index % len(CATEGORIES)], brand="Bench", price=Decimal("120"))
    clients = []
    for index in range(CLIENTS):
        till = boot.till if index == 0 else org_services.till_create(
            org=org, store=store, code=f"bench.till{index}", name=f"till {index}", password=PASSWORD)
        till.access_groups.add(access_group_full(org=org))
        customer, _ = customer_create(org=org, source="INSTORE", identifiers=[
            {"type": "mobile", "value": f"91981{index:07d}"}], first_name=f"Member{index}")
        clients.append({"username": till.username, "mobile": f"91981{index:07d}", "customer_id": customer.pk})
    return {"clients": clients, "rules": rule_count}


def auth_header(username: str) -> str:
    md5 = hashlib.md5(PASSWORD.encode()).hexdigest()
    return "Basic " + base64.b64encode(f"{username}:{md5}".encode()).decode()


def bill_body(number: str) -> dict:
    lines = [{"itemCode": f"SKU{(int(number.split('-')[-1]) + i * 7) % 30:03d}", "qty": 1 + i % 2, "rate": 120,
              "description": f"line {i}"} for i in range(5)]
    return {"type": "REGULAR", "billNumber": number, "lineItemsV2": lines,
            "paymentModes": [{"mode": "CASH", "value": sum(line["qty"] * 120 for line in lines)}]}


def queries_of_one_bill(client: dict, prefix: str = "Q") -> tuple[int, int, int]:
    """Queries of one bill (all, and those spent inside the rules app's effects_apply) and of one minimal write,
    through Django's test client in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.transactions.services import earning

    test_client = Client(HTTP_AUTHORIZATION=auth_header(client["username"]))
    path = f"/v2/transactions?identifierName=mobile&identifierValue={client['mobile']}"
    # Warm the process's caches with a bill of the same items (the product memo is per item code).
    test_client.post(path, json.dumps(bill_body(f"{prefix}-1")), content_type="application/json")
    real_apply, inside = earning.rules_effects_apply, []

    def counted_apply(**kwargs):
        before = len(connection.queries_log)
        try:
            return real_apply(**kwargs)
        finally:
            inside.append(len(connection.queries_log) - before)

    earning.rules_effects_apply = counted_apply
    try:
        with CaptureQueriesContext(connection) as bill:
            response = test_client.post(path, json.dumps(bill_body(f"{prefix}-31")), content_type="application/json")
    finally:
        earning.rules_effects_apply = real_apply
    assert response.status_code == 200, response.content
    with CaptureQueriesContext(connection) as minimal:
        response = test_client.post("/v2/bench/minimal", json.dumps({"customerId": client["customer_id"]}),
                                    content_type="application/json")
    assert response.status_code == 200, response.content
    return len(bill), sum(inside), len(minimal)


def wrk_version() -> str:
    try:
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise SystemExit("wrk is needed: apt-get install wrk") from None
    return out.split()[1] if out.split() else "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_start(port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]), "DEBUG": "false"}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "loyalty.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--worker-class", WORKER_CLASS, "--threads", str(THREADS), "--keep-alive", "30",
         "--log-level", "warning"], cwd=str(ROOT), env=env, start_new_session=True)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


WRK_SCRIPT = r"""
local clients = {%(clients)s}
local threads = {}
local counter = 0
local me, prefix, first_error

function setup(thread)
  table.insert(threads, thread)
  thread:set("idx", #threads)
end

function init(args)
  me = clients[idx]
  prefix = args[1] .. idx .. "-"
end
%(delay)s
local function bill(n)
  local lines, total = {}, 0
  for i = 0, 4 do
    local qty = 1 + i %% 2
    total = total + qty * 120
    lines[#lines + 1] = string.format('{"itemCode":"SKU%%03d","qty":%%d,"rate":120,"description":"line %%d"}',
                                      (n + i * 7) %% 30, qty, i)
  end
  return string.format('{"type":"REGULAR","billNumber":"%%s%%d","lineItemsV2":[%%s],' ..
                       '"paymentModes":[{"mode":"CASH","value":%%d}]}', prefix, n, table.concat(lines, ","), total)
end

function request()
  counter = counter + 1
  local headers = {["Authorization"] = me.auth, ["Content-Type"] = "application/json"}
  if me.kind == "bill" then
    return wrk.format("POST", me.bill_path, headers, bill(counter))
  end
  return wrk.format("POST", "/v2/bench/minimal", headers, '{"customerId":' .. me.customer_id .. '}')
end

function response(status, headers, body)
  if status ~= 200 and first_error == nil then
    first_error = status .. " " .. string.sub(body, 1, 200)
  end
end

function done(summary, latency, requests)
  local err = ""
  for _, thread in ipairs(threads) do
    local e = thread:get("first_error")
    if e ~= nil and err == "" then err = e end
  end
  local e = summary.errors
  io.write(string.format('{"requests":%%d,"duration_us":%%d,"errors":%%d,"p50":%%.3f,"p99":%%.3f,"mean":%%.3f,' ..
                         '"first_error":%%q}\n', summary.requests, summary.duration,
                         e.status + e.connect + e.read + e.write + e.timeout,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000, err))
end
"""


def wrk_script(specs: list[dict], kind: str, pause_ms: int = 0) -> str:
    """A wrk Lua script: thread i drives client i (its till's credentials and member) over one connection; with
    pause_ms, each client waits that long after each answer before its next request (a till's think time)."""
    entries = []
    for spec in specs:
        path = f"/v2/transactions?identifierName=mobile&identifierValue={spec['mobile']}"
        entries.append('{auth="%s", bill_path="%s", customer_id=%d, kind="%s"}'
                       % (auth_header(spec["username"]), path, spec["customer_id"], kind))
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    delay = f"function delay()\n  return {int(pause_ms)}\nend\n" if pause_ms > 0 else ""
    handle.write(WRK_SCRIPT % {"clients": ", ".join(entries), "delay": delay})
    handle.close()
    return handle.name


def wrk_run(port: int, script: str, seconds: float, prefix: str) -> dict:
    """One wrk run: CLIENTS threads with one connection each, requests back to back."""
    out = subprocess.run(
        ["wrk", "-t", str(CLIENTS), "-c", str(CLIENTS), "-d", f"{seconds:g}s", "--timeout", "30s", "-s", script,
         f"http://127.0.0.1:{port}", "--", prefix], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["n"] = result["requests"]
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    for key in ("p50", "p99", "mean"):
        result[key] = round(result[key], 1)
    return result


def drive(port: int, specs: list[dict], kind: str, prefix: str, pause_ms: int = 0) -> dict:
    """A warm-up run, then the measured run (bill numbers unique per run and client)."""
    script = wrk_script(specs, kind, pause_ms)
    try:
        wrk_run(port, script, WARMUP, f"{prefix}w")
        return wrk_run(port, script, SECONDS, prefix)
    finally:
        os.unlink(script)


def prime(port: int, specs: list[dict]) -> None:
    """One request per client before timing: the worker verifies the till's password (PBKDF2) once and then
    remembers the verified credentials, as it does for any busy till."""
    for spec in specs:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/v2/bench/minimal", body=json.dumps({"customerId": spec["customer_id"]}),
                     headers={"Authorization": auth_header(spec["username"]), "Content-Type": "application/json"})
        response = conn.getresponse()
        assert response.status == 200, response.read()
        conn.close()


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://.../loyalty_bench_txn")
    database_reset(url)
    redis_reset(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    world = world_create()
    clients = world["clients"]
    bill_queries, apply_queries, minimal_queries = queries_of_one_bill(clients[0])
    connections.close_all()

    load = os.getloadavg()[0]
    port = free_port()
    server = server_start(port)
    try:
        for _ in range(3):  # every worker process verifies each till once
            prime(port, clients)
        rounds = []
        for n in range(ROUNDS):  # the endpoints take turns: a drift in the machine's speed touches both
            rounds.append((drive(port, clients, "minimal", f"M{n}-"), drive(port, clients, "bill", f"T{n}-")))
        # Below saturation: each client pauses between requests so that they offer about half the bills' rate.
        bill_rps = combined([b for _, b in rounds])["rps"]
        pause_ms = max(1, round(CLIENTS * 1000 / max(bill_rps / 2, 1)))
        paced = (drive(port, clients, "minimal", "PM", pause_ms), drive(port, clients, "bill", "PT", pause_ms),
                 pause_ms)
        rules_keep_one()
        one_rule = drive(port, clients, "bill", "U")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    one_rule_queries, _, _ = queries_of_one_bill(clients[1], prefix="R")
    report(rounds, one_rule, (bill_queries, apply_queries, minimal_queries, one_rule_queries), world["rules"], load,
           paced)


def rules_keep_one() -> None:
    """Disable every rule but bootstrap's earn rule (for the comparison row: the same bill with one award)."""
    from django.db import connections

    from apps.rules.models import Rule
    from apps.rules.services import DEFAULT_EARN_KEY, rule_set_status

    for rule in Rule.objects.exclude(system_key=DEFAULT_EARN_KEY).order_by("id"):
        rule_set_status(org=rule.org, rule=rule, status="DISABLED")
    connections.close_all()


def combined(results: list[dict]) -> dict:
    """Rounds of one endpoint: requests and req/s over all of them; latencies the median of the rounds'."""
    duration = sum(r["duration_us"] for r in results)
    out = {"n": sum(r["n"] for r in results), "errors": sum(r["errors"] for r in results),
           "rps": round(sum(r["n"] for r in results) / (duration / 1e6), 1) if duration else 0,
           "first_error": next((r["first_error"] for r in results if r["first_error"]), "")}
    for key in ("p50", "p99", "mean"):
        out[key] = round(statistics.median(r[key] for r in results), 1)
    return out


def report(rounds: list[tuple[dict, dict]], one_rule: dict, queries: tuple[int, int, int, int], rules: int,
           load: float, paced: tuple[dict, dict, int]) -> None:
    bill_queries, apply_queries, minimal_queries, one_rule_queries = queries
    minimal, bills = combined([m for m, _ in rounds]), combined([b for _, b in rounds])
    ratios = [round(b["rps"] / m["rps"], 2) if m["rps"] else 0 for m, b in rounds]
    ratio = round(statistics.median(ratios), 2)
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    lines = [
        "Reproduce: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_txn .venv/bin/python "
        "bench/transactions_post.py`.", "",
        f"gunicorn ({WORKERS} {WORKER_CLASS} workers x {THREADS} threads, DEBUG off, Redis cache) on 127.0.0.1, "
        f"{os.cpu_count()} CPUs, PostgreSQL, Python {platform.python_version()}; {CLIENTS} concurrent clients "
        f"(wrk {wrk_version()}: one thread and one connection per client, one till and one member each); {ROUNDS} "
        f"rounds in which the endpoints take turns, each time {WARMUP:g} s warm-up then {SECONDS:g} s measured, in one "
        f"run (req/s over all rounds, latencies the median of the rounds'). The bill has 5 lines and {rules} rules are "
        "RUNNING (category rates, thresholds, "
        f"weekdays, a store rule, per-bill and per-customer caps, a label audience). Load average when the run "
        f"started: {load:.1f}.", "",
        "| Endpoint | requests | req/s | p50 ms | p99 ms | mean ms | errors | queries per request |",
        "|---|---|---|---|---|---|---|---|",
        f"| POST /v2/bench/minimal (lock + update + insert) | {minimal['n']} | {minimal['rps']} | {minimal['p50']} | "
        f"{minimal['p99']} | {minimal['mean']} | {minimal['errors']} | {minimal_queries} |",
        f"| POST /v2/transactions (5 lines, {rules} rules) | {bills['n']} | {bills['rps']} | {bills['p50']} | "
        f"{bills['p99']} | {bills['mean']} | {bills['errors']} | {bill_queries} |",
        f"| same bill, 1 rule running (comparison) | {one_rule['n']} | {one_rule['rps']} | {one_rule['p50']} | "
        f"{one_rule['p99']} | {one_rule['mean']} | {one_rule['errors']} | {one_rule_queries} |",
        *[f"| {name}, below saturation (each client pauses {paced[2]} ms after each answer) | {result['n']} | "
          f"{result['rps']} | {result['p50']} | {result['p99']} | {result['mean']} | {result['errors']} | "
          f"{count} |" for name, result, count in (("minimal write", paced[0], minimal_queries),
                                                    ("bill", paced[1], bill_queries))], "",
        f"Bills reach {ratio}x the minimal endpoint's throughput, the median of the rounds' "
        f"{', '.join(f'{r}x' for r in ratios)} (target >= 0.6x: {verdict(ratio >= 0.6)}); "
        f"bill p99 {bills['p99']} ms (target <= 50 ms: {verdict(bills['p99'] <= 50)}).", "",
        f"Of the bill's {bill_queries} statements (BEGIN and COMMIT included), {apply_queries} "
        f"appl{'ies' if apply_queries == 1 else 'y'} the rules' effects "
        "(apps.rules effects_apply: one statement for the ledger entry, the lot, the account totals, the award row "
        "and the capped rules' tallies); before them, one statement finds the customer by its mobile, locks it, "
        "reads its labels and its capped rules' tallies and locks its points account, and one stores the bill with "
        "its lines and tenders. Authentication, master data and the product lookups come from the process's caches "
        "(docs/architecture.md).",
    ]
    lines += ["", f"Below saturation the same {CLIENTS} clients each wait {paced[2]} ms after every answer, offering "
              f"about half the rate the bills reached above: there a bill's p99 is {paced[1]['p99']} ms at {paced[1]['rps']} "
              f"bills/s, the minimal write's {paced[0]['p99']} ms. At saturation every client's request waits "
              "behind the others' (the mean latency is the clients divided by the throughput)."]
    for name, result in (("minimal", minimal), ("bills", bills), ("one-rule bills", one_rule),
                         ("paced minimal", paced[0]), ("paced bills", paced[1])):
        if result["errors"]:
            lines.append(f"First {name} error: `{result['first_error']}`")
    write_section("Transactions: POST /v2/transactions (`bench/transactions_post.py`)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
