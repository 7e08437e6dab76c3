"""CPU cost of rule conditions: 20 running rules evaluated against one 10-line bill.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_rules ../.venv/bin/python rules_conditions.py
Writes the figures into docs/performance.md. CPU time (process_time), so other load on the machine does not count.
"""
from __future__ import annotations

import statistics
import time

from _setup import django_with_test_db, write_section

CONDITIONS = [
    "bill.amount >= 1000.0",
    'lines.exists(l, l.category == "Footwear")',
    '"VIP" in customer.labels && bill.amount > 500.0',
    "time.weekday in [6, 7] && time.hour >= 10",
    'store.code == "blr" || store.zone == "south"',
]


def main(repeat: int = 300) -> None:
    connection, _ = django_with_test_db()
    from apps.rules import engine
    from apps.rules.engine import evaluate
    from apps.rules.selectors import rules_for_event
    from tests.factories.organizations import OrganizationFactory
    from tests.factories.rules import RuleFactory
    from tests.factories.customers import CustomerFactory
    from tests.factories.organizations import StoreFactory
    from tests.rules.conftest import bill_event, line

    org = OrganizationFactory()
    from apps.points.services import program_create

    program = program_create(org=org, name="Bench", is_default=True)
    for n in range(20):
        RuleFactory(org=org, program=program, condition=CONDITIONS[n % len(CONDITIONS)])
    rules = rules_for_event(org=org, program=program, event_type="BILL_ADDED")
    context = bill_event(org=org, program=program, customer=CustomerFactory(org=org), store=StoreFactory(org=org, code="blr"),
                         amount="2500", labels=["VIP"], lines=[line(i, "250", category="Footwear") for i in range(10)])
    evaluate(context, rules=rules)
    spent, real_run = [0.0], engine.condition_run

    def timed(text, activation):
        start = time.process_time()
        try:
            return real_run(text, activation)
        finally:
            spent[-1] += time.process_time() - start

    engine.condition_run = timed
    whole = []
    for _ in range(repeat):
        spent.append(0.0)
        start = time.process_time()
        evaluate(context, rules=rules)
        whole.append(time.process_time() - start)
    conditions = sorted(spent[1:])
    lines = [
        "Reproduce: `cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_rules "
        "../.venv/bin/python rules_conditions.py`.", "",
        f"20 running rules (5 distinct CEL conditions, compiled once), one 10-line bill, {repeat} evaluations, CPU time:",
        "", "| What | median ms | p99 ms | best ms |", "|---|---|---|---|",
        f"| 20 conditions | {statistics.median(conditions) * 1000:.2f} | {conditions[int(0.99 * len(conditions))] * 1000:.2f} "
        f"| {conditions[0] * 1000:.2f} |",
        f"| whole evaluation (conditions + planning 16 awards) | {statistics.median(whole) * 1000:.2f} | "
        f"{sorted(whole)[int(0.99 * len(whole))] * 1000:.2f} | {min(whole) * 1000:.2f} |",
        "", "Target: expression time well under 2 ms per bill with 20 running rules.",
    ]
    write_section("Rules engine conditions (`bench/rules_conditions.py`)", "\n".join(lines))
    print("\n".join(lines))
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
