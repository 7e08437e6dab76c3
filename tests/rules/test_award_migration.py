"""Migrations 0004/0005 fold the per-rule award rows of each ledger credit into one row with each rule's share."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("rules", "0003_customer_cap_tally")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_per_rule_award_rows_fold_into_one_row_per_credit():
    from apps.points.models import LedgerEntry
    from apps.points.services import points_credit, program_create
    from apps.rules.models import RuleAward
    from tests.factories.customers import CustomerFactory
    from tests.factories.organizations import OrganizationFactory
    from tests.factories.rules import RuleFactory

    latest = [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "rules"]
    org = OrganizationFactory(name="Acme")
    program = program_create(org=org, name="Club", is_default=True, validation_code_required=False)
    customer = CustomerFactory(org=org, first_name="Asha")
    first, second = (RuleFactory(org=org, program=program) for _ in range(2))
    credits = [points_credit(org=org, customer=customer, program=program, points=D(points), source_type="BILL",
                             source_ref=ref, reason="Rules", idempotency_key=f"bill:{ref}:awards")
               for ref, points in (("1", "15"), ("2", "4"))]
    now = timezone.now()
    try:
        old = _migrate(BEFORE).get_model("rules", "RuleAward")
        rows = [  # bill 1: two awards of the first rule and one of the second; bill 2: one award, no entry recorded
            (first.pk, "10", "bill:1:rule:%d:0" % first.pk, credits[0].pk, "1"),
            (first.pk, "2", "bill:1:rule:%d:1" % first.pk, credits[0].pk, "1"),
            (second.pk, "3", "bill:1:rule:%d:0" % second.pk, credits[0].pk, "1"),
            (second.pk, "4", "bill:2:rule:%d:0" % second.pk, None, "2"),
        ]
        for rule_id, points, key, entry_id, ref in rows:
            old.objects.create(org_id=org.pk, rule_id=rule_id, customer_id=customer.pk, program_id=program.pk,
                               points=D(points), source_type="BILL", source_ref=ref, idempotency_key=key,
                               ledger_entry_id=entry_id, awarded_at=now)
    finally:
        _migrate(latest)
    folded = {award.source_ref: award for award in RuleAward.objects.all()}
    assert set(folded) == {"1", "2"}
    one, two = folded["1"], folded["2"]
    assert (one.points, one.idempotency_key, one.ledger_entry_id) == (D("15"), "bill:1:awards", credits[0].pk)
    assert one.rule_points() == {first.pk: D("12"), second.pk: D("3")}
    assert {key: D(v) for key, v in one.effects.items()} == {
        f"bill:1:rule:{first.pk}:0": D("10"), f"bill:1:rule:{first.pk}:1": D("2"), f"bill:1:rule:{second.pk}:0": D("3")}
    # a row without a ledger entry keeps its own key
    assert (two.points, two.idempotency_key, two.rule_points()) == (D("4"), f"bill:2:rule:{second.pk}:0",
                                                                      {second.pk: D("4")})
    assert LedgerEntry.objects.filter(org=org).count() == 2
