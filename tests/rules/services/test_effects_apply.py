"""effects_apply: every effect type, idempotent on the prefix, points keyed and sourced for returns."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.communications.models import Message
from apps.labels.models import CustomerLabel, Label
from apps.points.models import LedgerEntry, PointsLot
from apps.rules.engine import evaluate
from apps.rules.errors import RuleInvalid
from apps.rules.models import RuleAward, RuleOutboxEvent
from apps.rules.services import effects_apply
from tests.factories.rules import RuleFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.rules.conftest import bill_event, line

pytestmark = pytest.mark.django_db
D = Decimal


def apply(org, context, evaluation, prefix="bill:7"):
    return effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref="7",
                         idempotency_prefix=prefix)


@pytest.fixture
def vip(org):
    return Label.objects.create(org=org, name="VIP")


def test_awards_are_keyed_per_rule_and_effect_and_credited_once_per_bill(org, program, customer, event):
    # given: two award effects in one rule and a second rule
    rule = RuleFactory(org=org, program=program, name="Base", priority=1, effects=[
        {"type": "award_points", "params": {"basis": "bill_percent", "value": "1"}},
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}])
    other = RuleFactory(org=org, program=program, name="Bonus", priority=2, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "3"}}])
    context = event(amount="1000", lines=[line(0, "600"), line(1, "400")])
    evaluation = evaluate(context)
    # when
    results = apply(org, context, evaluation)
    # then
    keys = [f"bill:7:rule:{rule.pk}:0", f"bill:7:rule:{rule.pk}:1", f"bill:7:rule:{other.pk}:0"]
    assert [r["key"] for r in results] == keys
    assert [(r["points"], r["applied"], r["replayed"]) for r in results] == [
        ("10", True, False), ("5", True, False), ("3", True, False)]
    assert results[0]["linePoints"] == {"0": "6", "1": "4"}
    entry = LedgerEntry.objects.get(org=org)
    assert (entry.idempotency_key, entry.available_delta, entry.source_type, entry.source_ref, entry.reason) == (
        "bill:7:awards", D("18"), "BILL", "7", "Rules: Base, Bonus")
    assert entry.meta == {"awards": [{"ruleId": rule.pk, "ruleName": "Base", "points": "15"},
                                     {"ruleId": other.pk, "ruleName": "Bonus", "points": "3"}]}
    lot = PointsLot.objects.get(credit_entry=entry)
    assert (lot.amount, lot.earned_at, lot.is_transferable) == (D("18"), context.occurred_at, True)
    # one award row for the credit: each rule's share and each award's key
    award = RuleAward.objects.get()
    assert (award.idempotency_key, award.points, award.ledger_entry_id, award.source_ref, award.awarded_at) == (
        "bill:7:awards", D("18"), entry.pk, "7", context.occurred_at)
    assert award.rule_points() == {rule.pk: D("15"), other.pk: D("3")}
    assert {key: D(points) for key, points in award.effects.items()} == {
        keys[0]: D("10"), keys[1]: D("5"), keys[2]: D("3")}


def test_awards_with_other_credit_terms_get_their_own_credit(org, program, customer, event):
    # given: two planned awards, one of them for a non-transferable lot expiring on a date of its own
    RuleFactory(org=org, program=program, priority=1, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}])
    RuleFactory(org=org, program=program, priority=2, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "7"}}])
    context = event()
    evaluation = evaluate(context)
    evaluation.effects[1].params.update(expiresAt="2027-01-31T18:30:00+00:00", transferable=False)
    # when
    apply(org, context, evaluation)
    # then
    entries = LedgerEntry.objects.filter(org=org).order_by("id")
    assert [(e.idempotency_key, e.available_delta) for e in entries] == [
        ("bill:7:awards:1", D("5")), ("bill:7:awards:2", D("7"))]
    lot = PointsLot.objects.get(credit_entry=entries[1])
    assert (lot.is_transferable, lot.expires_at.isoformat()) == (False, "2027-01-31T18:30:00+00:00")
    assert PointsLot.objects.get(credit_entry=entries[0]).is_transferable is True


def test_a_fresh_event_with_two_credits_moves_the_account_by_both(org, program, customer, event):
    """A fresh event (the bill path) sends its credits, lots and account totals in one batch: the second credit moves
    the instance the first one locked, so the totals carry both."""
    from apps.points.models import PointsAccount
    from apps.points.services.invariants import ledger_check

    # given: two awards with other credit terms, and points the customer had before
    RuleFactory(org=org, program=program, priority=1, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}])
    RuleFactory(org=org, program=program, priority=2, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "7"}}])
    context = event()
    apply(org, context, evaluate(context), prefix="bill:6")
    evaluation = evaluate(context)
    evaluation.effects[1].params.update(transferable=False)
    # when
    effects_apply(org=org, evaluation=evaluation, context=context, source_type="BILL", source_ref="7",
                  idempotency_prefix="bill:7", fresh=True)
    # then
    account = PointsAccount.objects.get(org=org, customer=customer)
    assert (account.available, account.lifetime_earned) == (D("24"), D("24"))
    assert [e.available_after for e in LedgerEntry.objects.filter(org=org).order_by("id")] == [D("12"), D("17"),
                                                                                               D("24")]
    assert ledger_check(org=org) == []


def test_an_award_added_after_the_first_call_is_credited_with_a_new_key(org, program, customer, event):
    # given: a bill applied once, then a rule that started since
    RuleFactory(org=org, program=program, priority=1, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}])
    context = event()
    apply(org, context, evaluate(context))
    RuleFactory(org=org, program=program, priority=2, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "7"}}])
    # when
    results = apply(org, context, evaluate(context))
    # then
    assert [(r["points"], r["replayed"]) for r in results] == [("5", True), ("7", False)]
    assert [(e.idempotency_key, e.available_delta) for e in LedgerEntry.objects.filter(org=org).order_by("id")] == [
        ("bill:7:awards", D("5")), ("bill:7:awards:after:1", D("7"))]
    assert RuleAward.objects.count() == 2


def test_applying_twice_with_the_same_prefix_changes_nothing(org, program, customer, event, vip):
    # given: every effect type
    RuleFactory(org=org, program=program, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "20"}},
        {"type": "add_label", "params": {"label": "VIP"}},
        {"type": "send_message", "params": {"channel": "EMAIL", "subject": "Points",
                                            "body": "Hi {first_name}, {points} points for bill {bill_number}"}},
        {"type": "emit_event", "params": {"event_name": "bigSpender"}}])
    context = event()
    first = apply(org, context, evaluate(context))
    before = db_snapshot()
    # when
    second = apply(org, context, evaluate(context))
    # then
    assert_nothing_written(before)
    assert [r["type"] for r in second] == ["award_points", "add_label", "send_message", "emit_event"]
    assert second[0]["replayed"] is True and second[0]["points"] == "20"
    assert second[3]["replayed"] is True and second[3]["outboxId"] == first[3]["outboxId"]
    assert second[2]["messageId"] == first[2]["messageId"]


def test_add_and_remove_label(org, program, customer, event, vip):
    # given
    RuleFactory(org=org, program=program, priority=1, effects=[{"type": "add_label", "params": {"label": "vip"}}])
    context = event()
    # when
    results = apply(org, context, evaluate(context))
    # then
    assert results == [{"ruleId": results[0]["ruleId"], "type": "add_label", "key": results[0]["key"],
                        "applied": True, "label": "vip", "warnings": []}]
    assert CustomerLabel.objects.get(customer=customer, label=vip).is_active is True
    # and when a rule removes it
    RuleFactory(org=org, program=program, priority=2, condition="bill.amount > 5000.0",
                effects=[{"type": "remove_label", "params": {"label": "VIP"}}])
    big = event(amount="6000", number="B-2", labels=["VIP"])
    evaluation = evaluate(big)
    assert evaluation.log[0]["skipped"] == [{"type": "add_label", "reason": "customer already carries label vip"}]
    apply(org, big, evaluation, prefix="bill:8")
    assert CustomerLabel.objects.get(customer=customer, label=vip).is_active is False


def test_message_is_queued_with_placeholders_filled(org, program, customer, event):
    RuleFactory(org=org, program=program, name="Thanks", effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "20"}},
        {"type": "send_message", "params": {"channel": "EMAIL", "subject": "{rule_name}",
                                            "body": "Hi {first_name}, {rule_points} points at {store_name}"}}])
    context = event()
    results = apply(org, context, evaluate(context))
    message = Message.objects.get(pk=results[1]["messageId"])
    assert (message.recipient, message.subject, message.body, message.purpose, message.dedupe_key) == (
        "asha@example.in", "Thanks", "Hi Asha, 20 points at Indiranagar", "RULE", results[1]["key"])


def test_message_respects_opt_out_and_missing_recipient(org, program, customer, event):
    from tests.factories.customers import CustomerFactory, CustomerSubscriptionFactory

    RuleFactory(org=org, program=program, effects=[
        {"type": "send_message", "params": {"channel": "SMS", "body": "Offer!", "priority": "BULK"}},
        {"type": "send_message", "params": {"channel": "EMAIL", "body": "Hello"}}])
    CustomerSubscriptionFactory(org=org, customer=customer, channel="SMS", priority="BULK", is_subscribed=False)
    context = event()
    results = apply(org, context, evaluate(context))
    assert [(r["applied"], r.get("reason")) for r in results] == [
        (False, "customer opted out of BULK SMS"), (True, None)]
    no_email = CustomerFactory(org=org)
    context = event(customer=no_email, number="B-9")
    results = apply(org, context, evaluate(context), prefix="bill:9")
    assert results[1]["reason"] == "customer has no email"
    assert Message.objects.count() == 2


def test_emit_event_writes_an_outbox_row(org, program, customer, event):
    rule = RuleFactory(org=org, program=program, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "20"}},
        {"type": "emit_event", "params": {"event_name": "bigSpender"}}])
    context = event(number="B-77")
    apply(org, context, evaluate(context))
    row = RuleOutboxEvent.objects.get()
    assert (row.event_name, row.rule_id, row.source_type, row.source_ref, row.delivered_at) == (
        "bigSpender", rule.pk, "BILL", "7", None)
    assert row.payload == {"eventName": "bigSpender", "ruleId": rule.pk, "ruleName": rule.name,
                           "eventType": "BILL_ADDED", "occurredAt": "2026-01-15T04:30:00+00:00",
                           "customerId": customer.pk, "storeCode": "blr", "billNumber": "B-77", "sourceType": "BILL",
                           "sourceRef": "7", "points": "20"}


def test_emit_event_without_customer(org, program, event):
    RuleFactory(org=org, program=program, effects=[
        {"type": "award_points", "params": {"basis": "bill_fixed", "value": "20"}},
        {"type": "emit_event", "params": {"event_name": "anonymousBill"}}])
    context = event(customer=None)
    results = apply(org, context, evaluate(context))
    assert [r["type"] for r in results] == ["emit_event"]
    assert RuleOutboxEvent.objects.get().payload["customerId"] is None
    assert LedgerEntry.objects.count() == 0


def test_foreign_context_is_refused(org, other_org, program, customer, store):
    from apps.points.services import program_create

    foreign_program = program_create(org=other_org, name="Theirs")
    context = bill_event(org=other_org, program=foreign_program)
    before = db_snapshot()
    with pytest.raises(RuleInvalid):
        effects_apply(org=org, evaluation=evaluate(context), context=context, source_type="BILL", source_ref="1",
                      idempotency_prefix="bill:1")
    assert_nothing_written(before)


def test_apply_queries_do_not_grow_with_lines(org, program, event):
    RuleFactory(org=org, program=program, effects=[{"type": "award_points", "params": {"basis": "bill_percent",
                                                                                       "value": "10"}}])

    def count(n, prefix):
        context = event(amount=str(100 * n), lines=[line(i, "100") for i in range(n)], number=prefix)
        evaluation = evaluate(context)
        with CaptureQueriesContext(connection) as ctx:
            apply(org, context, evaluation, prefix=prefix)
        return len(ctx)

    count(1, "warm")
    assert count(3, "three") == count(30, "thirty")
