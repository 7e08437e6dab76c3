"""The bill path's shortcuts: the process's product memo, rows written without Model.save(), caps read at once."""
from __future__ import annotations

import pytest
from django.db import DataError, connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from apps.core.orgcache import org_data_local_clear
from apps.core.rows import WriteBatch, family_insert_unless_conflict, row_update, rows_insert
from apps.points.models import LedgerEntry, PointsAccount, PointsLot
from apps.rules.models import RuleAward
from apps.rules.services import rule_create
from apps.transactions.models import Bill, BillLine, BillTender
from apps.transactions.selectors import products_by_code
from apps.transactions.services import product_create, product_update
from tests.transactions.builders import D, sale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memo():
    org_data_local_clear()
    yield
    org_data_local_clear()


def _line(bill_result, position=0) -> BillLine:
    return BillLine.objects.get(bill=bill_result.bill, position=position)


def test_a_product_added_after_its_code_was_seen_is_linked_on_the_next_bill(org, member, earn_rule, add_bill):
    # given a bill naming a code the master does not have (known SKUs are not required)
    first = add_bill(sale("H-1", ("NEW1", 1, "100")))
    assert _line(first).product_id is None
    # when the product is created and another bill names it
    product = product_create(org=org, item_code="NEW1", description="New", category="Dairy", brand="Acme")
    second = add_bill(sale("H-2", ("NEW1", 1, "100")))
    # then the memo was reset: the line is linked and takes the master's category
    line = _line(second)
    assert line.product_id == product.pk and line.category == "Dairy"


def test_a_deactivated_product_is_no_longer_linked(org, member, earn_rule, add_bill):
    product = product_create(org=org, item_code="OLD1", description="Old", category="Home")
    assert _line(add_bill(sale("H-1", ("OLD1", 1, "100")))).product_id == product.pk
    product_update(org=org, product=product, is_active=False)
    assert _line(add_bill(sale("H-2", ("OLD1", 1, "100")))).product_id is None


def test_the_memo_is_per_org(org, other_org):
    mine = product_create(org=org, item_code="SAME", description="Mine", category="A")
    theirs = product_create(org=other_org, item_code="SAME", description="Theirs", category="B")
    assert products_by_code(org=org, item_codes=["SAME"])["SAME"].pk == mine.pk
    assert products_by_code(org=other_org, item_codes=["SAME"])["SAME"].pk == theirs.pk
    assert products_by_code(org=org, item_codes=["SAME"])["SAME"].pk == mine.pk


def test_known_codes_cost_no_query_the_second_time(org):
    product_create(org=org, item_code="K1", description="K", category="A")
    products_by_code(org=org, item_codes=["K1", "NOPE"])
    with CaptureQueriesContext(connection) as ctx:
        found = products_by_code(org=org, item_codes=["K1", "NOPE"])
    assert list(found) == ["K1"]
    assert not [q for q in ctx.captured_queries if "transactions_product" in q["sql"]]


@pytest.mark.parametrize("model", [Bill, BillLine, BillTender, LedgerEntry, PointsLot, PointsAccount, RuleAward])
def test_models_written_by_rows_insert_have_no_save_override_or_save_signals(model):
    # rows_insert / row_update skip Model.save(): that is only equivalent while these hold
    assert model.save is models.Model.save
    assert not post_save.has_listeners(model) and not pre_save.has_listeners(model)


def test_rows_insert_writes_what_the_orm_reads_back(org, member, earn_rule, add_bill):
    result = add_bill(sale("H-1", ("RICE5", 2, "250"), ("DAL1", 1, "125")))
    bill = Bill.objects.get(pk=result.bill.pk)
    assert bill.amount == D("625") and bill.points == result.bill.points and bill.created_at is not None
    assert bill.evaluation_log == result.bill.evaluation_log
    lines = list(BillLine.objects.filter(bill=bill).order_by("position"))
    assert [(line.item_code, line.qty, line.amount) for line in lines] == [("RICE5", D(2), D(500)),
                                                                           ("DAL1", D(1), D(125))]
    assert sum(line.points for line in lines) + bill.bill_points == bill.points


def test_family_insert_writes_the_bill_with_its_lines_and_tenders_in_one_statement(org, member, earn_rule, add_bill):
    template = add_bill(sale("H-1", ("RICE5", 1, "250"))).bill
    stored_lines = list(BillLine.objects.filter(bill=template))

    def copy(number):
        bill = Bill.objects.get(pk=template.pk)
        bill.pk, bill._state.adding, bill.number = None, True, number
        lines = [BillLine(org=org, bill=bill, position=i, item_code=f"C{i}", qty=D(i + 1), rate=D(10), value=D(10),
                          amount=D(10 * (i + 1)), attributes={"i": i}) for i in range(4)]
        tenders = [BillTender(org=org, bill=bill, mode="CASH", value=D(40), attributes={})]
        return bill, lines, tenders

    bill, lines, tenders = copy("H-2")
    with CaptureQueriesContext(connection) as queries:
        assert family_insert_unless_conflict(bill, lines, tenders) is True
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    assert bill.pk and all(line.bill_id == bill.pk and line.pk for line in lines) and tenders[0].bill_id == bill.pk
    stored = list(BillLine.objects.filter(bill=bill).order_by("pk"))
    assert [(line.pk, line.position, line.item_code, line.qty, line.attributes) for line in stored] == [
        (line.pk, i, f"C{i}", D(i + 1), {"i": i}) for i, line in enumerate(lines)]
    assert list(BillTender.objects.filter(bill=bill).values_list("pk", "value")) == [(tenders[0].pk, D(40))]
    # the same number again (unique per store and date): nothing at all is written
    again, again_lines, again_tenders = copy("H-2")
    assert family_insert_unless_conflict(again, again_lines, again_tenders) is False
    assert again.pk is None and all(line.pk is None for line in again_lines)
    assert BillLine.objects.filter(bill__number="H-2").count() == 4
    assert BillLine.objects.filter(bill=template).count() == len(stored_lines)


@pytest.mark.parametrize("as_json", [True, False], ids=["json-rows", "arrays"])
def test_a_write_batch_links_rows_to_ids_it_only_learns_when_it_runs(org, member, earn_rule, add_bill, monkeypatch,
                                                                       as_json):
    from apps.core import rows

    if not as_json:
        monkeypatch.setattr(rows, "_json_object", lambda row, keys: None)
    bill = add_bill(sale("H-1", ("RICE5", 1, "250"))).bill
    account = PointsAccount.objects.get(customer=member)
    first = LedgerEntry.objects.filter(account=account).first()
    batch = WriteBatch()
    entries = [batch.insert(LedgerEntry(org=org, account=account, kind="CREDIT", available_delta=D(n),
                                        available_after=D(n), promised_after=D(0), source_type="BILL",
                                        source_ref=f"X{n}", meta={"n": n}))
               for n in (1, 2)]
    lot = batch.insert(PointsLot(org=org, account=account, credit_entry=entries[1], state="AVAILABLE", amount=D(2),
                                 remaining=D(2), earned_at=bill.billing_time, source_type="BILL", source_ref="X2"))
    account.shortfall = D("0.5")
    batch.update(account, ("shortfall",))
    account.adjusted = D("0.25")
    batch.update(account, ("adjusted", "updated_at"))  # one update of the row, with both changes
    batch.values(RuleAward, ("org_id", "rules", "effects", "customer_id", "program_id", "points", "source_type",
                             "source_ref", "idempotency_key", "ledger_entry_id", "awarded_at", "created_at"),
                 [(org.pk, {str(earn_rule.pk): str(n)}, {f"e{n}": str(n)}, member.pk, earn_rule.program_id, D(n),
                   "BILL", f"X{n}", f"batch:{n}", batch.ref(entry), bill.billing_time, bill.billing_time)
                  for n, entry in enumerate([*entries, first])])
    deferred = connection.vendor == "postgresql"
    assert (entries[0].pk is None) is deferred and (lot.pk is None) is deferred
    with CaptureQueriesContext(connection) as queries:
        batch.run()
    assert len(queries) == (1 if deferred else 0)  # elsewhere each write ran when it was added
    assert all(entry.pk and not entry._state.adding for entry in entries) and lot.credit_entry_id == entries[1].pk
    assert PointsLot.objects.get(pk=lot.pk).credit_entry_id == entries[1].pk
    stored = dict(RuleAward.objects.filter(idempotency_key__startswith="batch:").values_list("idempotency_key",
                                                                                           "ledger_entry_id"))
    assert stored == {"batch:0": entries[0].pk, "batch:1": entries[1].pk, "batch:2": first.pk}
    assert RuleAward.objects.get(idempotency_key="batch:2").rules == {str(earn_rule.pk): "2"}  # JSON columns too
    account.refresh_from_db()
    assert (account.shortfall, account.adjusted) == (D("0.5"), D("0.25"))
    # an entry written by the batch is the row rows_insert writes
    twin = rows_insert([LedgerEntry(org=org, account=account, kind="CREDIT", available_delta=D(1), available_after=D(1),
                                    promised_after=D(0), source_type="BILL", source_ref="X1", meta={"n": 1},
                                    created_at=entries[0].created_at)])[0]
    columns = [f.attname for f in LedgerEntry._meta.concrete_fields if f.attname != "id"]
    assert (LedgerEntry.objects.filter(pk=entries[0].pk).values_list(*columns).get()
            == LedgerEntry.objects.filter(pk=twin.pk).values_list(*columns).get())


def test_rows_insert_many_rows_and_row_update(org, member, earn_rule, add_bill):
    bill = add_bill(sale("H-1", ("RICE5", 1, "250"))).bill
    tenders = rows_insert([BillTender(org=org, bill=bill, mode=f"M{i}", value=D(i), attributes={"n": i})
                           for i in range(3)])
    assert all(t.pk and not t._state.adding for t in tenders)
    stored = {t.pk: (t.mode, t.value, t.attributes) for t in BillTender.objects.filter(bill=bill, mode__startswith="M")}
    assert stored == {t.pk: (f"M{i}", D(i), {"n": i}) for i, t in enumerate(tenders)}
    account = PointsAccount.objects.get(customer=member)
    before = account.updated_at
    account.shortfall = D("1.5")
    row_update(account, ("shortfall", "updated_at"))
    account.refresh_from_db()
    assert account.shortfall == D("1.5") and account.updated_at >= before


def _cap_sums(queries) -> list:
    """Reads of the award history for a cap period (the customer's awards since the period began)."""
    return [q for q in queries if q["sql"].startswith("SELECT") and "rules_ruleaward" in q["sql"]
            and "awarded_at" in q["sql"]]


def _cap_lookups(queries) -> list:
    return [q for q in queries if "rules_rulecustomertally" in q["sql"] and q["sql"].startswith("SELECT")]


def test_customer_caps_read_one_tally_row_per_period_in_one_query(org, program, member, add_bill):
    from apps.rules.models import RuleCustomerTally

    rules = {period: rule_create(org=org, program=program, name=f"Capped {period}", event_type="BILL_ADDED",
                                 status="RUNNING", max_points_per_customer=D("60"), customer_cap_period=period,
                                 effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
             for period in ("MONTH", "YEAR")}
    with CaptureQueriesContext(connection) as ctx:  # the first award in each period: summed from the history once
        add_bill(sale("H-1", ("RICE5", 2, "250")))
    assert len(_cap_lookups(ctx.captured_queries)) == 1 and len(_cap_sums(ctx.captured_queries)) == 2
    with CaptureQueriesContext(connection) as ctx:
        result = add_bill(sale("H-2", ("RICE5", 1, "250")))
    assert len(_cap_lookups(ctx.captured_queries)) == 1 and _cap_sums(ctx.captured_queries) == []
    # 60 + 60 of room at first; the first bill took 50 + 50, so this one gets 10 + 10
    assert result.bill.points == D("20")
    tallies = {t.rule_id: t for t in RuleCustomerTally.objects.filter(customer=member)}
    assert {rule_id: t.points for rule_id, t in tallies.items()} == {rule.pk: D("60") for rule in rules.values()}
    assert tallies[rules["YEAR"].pk].period_key.count("/") == 1 and tallies[rules["YEAR"].pk].org_id == org.pk
    assert add_bill(sale("H-3", ("RICE5", 1, "250"))).bill.points == 0  # both caps reached


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")
            and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("by_id", [False, True], ids=["by-mobile", "by-id"])
def test_a_member_bill_finds_and_locks_its_customer_and_account_with_its_labels_and_caps_in_one_statement(
        org, program, member, add_bill, by_id):
    """PostgreSQL: one statement finds the customer by its identifier, locks it, reads its labels and cap tallies
    and locks its account; the credit does not lock the account again. A customer named by id is read by its own
    statement first."""
    if connection.vendor != "postgresql":
        pytest.skip("one statement on PostgreSQL; elsewhere one each")
    from apps.points.models import PointsAccount
    from apps.transactions.services.inputs import CustomerRef

    rule_create(org=org, program=program, name="Capped", event_type="BILL_ADDED", status="RUNNING",
                max_points_per_customer=D("40"), customer_cap_period="MONTH",
                effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
    add_bill(sale("S-1", ("RICE5", 1, "250")))  # 25; the account and the tally exist from here on
    second = sale("S-2", ("RICE5", 1, "250"))
    if by_id:
        second.customer = CustomerRef(identifier_name="id", identifier_value=str(member.pk))
    with CaptureQueriesContext(connection) as ctx:
        result = add_bill(second)
    statements = _statements(ctx.captured_queries)
    reads = [sql for sql in statements if '"points_pointsaccount"' in sql and sql.startswith("SELECT")]
    assert len(reads) == 1 and "rules_rulecustomertally" in reads[0] and "labels_label" in reads[0]
    assert reads[0].count("FOR UPDATE") == 2 and "FOR NO KEY UPDATE" in reads[0]
    assert ('"customers_customeridentifier"' in reads[0]) is not by_id
    # that read (after the customer by id, when so named), the bill family, the ledger batch
    assert len(statements) == (4 if by_id else 3)
    assert result.bill.points == D("15")  # what the cap of 40 leaves
    assert result.customer.pk == member.pk and result.customer.first_name == member.first_name
    assert PointsAccount.objects.get(customer=member).available == D("40")


def test_a_non_loyalty_customer_found_with_the_reads_earns_nothing(org, program, member, earn_rule, add_bill):
    """The lookup reads and locks as for a member; a customer outside the programme still earns nothing and gets
    no account."""
    from apps.customers.choices import LoyaltyType
    from apps.points.models import PointsAccount

    member.loyalty_type = LoyaltyType.NON_LOYALTY
    member.save(update_fields=["loyalty_type"])
    result = add_bill(sale("NL-1", ("RICE5", 1, "250")))
    assert result.customer.pk == member.pk and result.bill.points == 0 and result.bill.program_id is None
    assert not PointsAccount.objects.filter(customer=member).exists()


def test_a_bill_for_a_customer_it_registers_reads_and_locks_after_registering(org, program, settings, add_bill):
    """An unknown mobile on a REGULAR bill registers the customer (where the org says so): the lookup found nobody,
    so the reads run for the new customer, which earns."""
    from apps.organizations.services import org_config_set
    from apps.organizations.selectors import org_config_cache_clear
    from apps.points.models import PointsAccount

    org_config_set(org=org, key="CONF_TRANSACTION_AUTO_REGISTER", value="true")
    org_config_cache_clear(org=org)
    rule_create(org=org, program=program, name="Capped", event_type="BILL_ADDED", status="RUNNING",
                max_points_per_customer=D("40"), customer_cap_period="MONTH",
                effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
    result = add_bill(sale("N-1", ("RICE5", 1, "250"), mobile="919800000001"))
    assert result.customer_registered and result.bill.points == D("25")
    assert PointsAccount.objects.get(customer=result.customer).available == D("25")


def test_a_missing_tally_is_summed_from_the_award_history_and_starts_again(org, program, member, add_bill):
    """Tallies start from the award history: awards made before tallies existed, or a cap period that changed."""
    from apps.rules.models import RuleAward, RuleCustomerTally
    from apps.rules.services import rule_update

    rule = rule_create(org=org, program=program, name="Capped", event_type="BILL_ADDED", status="RUNNING",
                       max_points_per_customer=D("80"), customer_cap_period="MONTH",
                       effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
    add_bill(sale("H-1", ("RICE5", 1, "250")))  # 25
    RuleCustomerTally.objects.all().delete()  # as before this release: only the history
    assert add_bill(sale("H-2", ("RICE5", 1, "250"))).bill.points == D("25")
    assert RuleCustomerTally.objects.get().points == D("50")
    # a yearly cap instead: a period with no row, summed from the same history
    rule_update(org=org, rule=rule, customer_cap_period="YEAR")
    assert add_bill(sale("H-3", ("RICE5", 2, "250"))).bill.points == D("30")  # 80 - 50
    year = RuleCustomerTally.objects.exclude(pk=RuleCustomerTally.objects.order_by("id")[0].pk).get()
    assert year.points == D("80") == sum(award.rule_points()[rule.pk] for award in RuleAward.objects.all())


def test_customer_cap_periods_follow_the_org_time_zone_on_every_backend(org, program, member, add_bill):
    # given a monthly cap in an org on India time, and a bill at 01:30 on 1 December there (20:00 UTC on 30 Nov)
    from datetime import datetime, timezone as tz

    org.timezone = "Asia/Kolkata"
    org.save(update_fields=["timezone"])
    rule_create(org=org, program=program, name="Capped", event_type="BILL_ADDED", status="RUNNING",
                max_points_per_customer=D("60"), customer_cap_period="MONTH",
                effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
    add_bill(sale("TZ-1", ("RICE5", 2, "250"), billing_time=datetime(2026, 11, 30, 20, 0, tzinfo=tz.utc)))
    # when a later December bill is capped (the cap sums compare times as the database stores them)
    second = add_bill(sale("TZ-2", ("RICE5", 1, "250"), billing_time=datetime(2026, 12, 1, 0, 0, tzinfo=tz.utc)))
    # then the first bill counts in December: 50 of the 60 are used, 10 are left
    assert second.bill.points == D("10")


AWKWARD_TEXTS = ['quote " and \\ backslash', "new\nline\ttab", "emoji 🎉 and é", "{braces,comma}", "NULL", "", " "]


@pytest.mark.parametrize("as_json", [True, False], ids=["json-rows", "arrays"])
def test_family_insert_stores_what_the_orm_stores(org, member, earn_rule, add_bill, monkeypatch, as_json):
    """The lines go as one JSON document (or, when a value cannot, as arrays): either way each column holds what
    bulk_create would have stored."""
    from apps.core import rows
    from apps.transactions.choices import LineType

    if not as_json:
        monkeypatch.setattr(rows, "_json_object", lambda row, keys: None)
    template = add_bill(sale("H-1", ("RICE5", 1, "250"))).bill

    def copy(number):
        bill = Bill.objects.get(pk=template.pk)
        bill.pk, bill._state.adding, bill.number = None, True, number
        bill.note, bill.extended_fields, bill.evaluation_log = AWKWARD_TEXTS[0], {"x": AWKWARD_TEXTS[2]}, [{"a": 1}]
        lines = [BillLine(org=org, bill=bill, position=i, item_code=text, description=text, type=LineType.REGULAR,
                          qty=D("1.123456"), rate=D("12345678.9999"), value=D("-0.0001"), discount=D("0"),
                          amount=D("1E+2"), category=text, attributes={"t": text, "n": [1, None, True], "d": {}},
                          extended_fields={}, custom_fields={"k": text}, returnable=i % 2 == 0, returnable_days=-1)
                 for i, text in enumerate(AWKWARD_TEXTS)]
        return bill, lines

    bill, lines = copy("H-2")
    assert family_insert_unless_conflict(bill, lines, [])
    reference_bill, reference_lines = copy("H-3")
    reference_bill.save()
    BillLine.objects.bulk_create(reference_lines)
    columns = [f.attname for f in BillLine._meta.concrete_fields if f.attname not in ("id", "bill_id")]
    ours = list(BillLine.objects.filter(bill=bill).order_by("position").values_list(*columns))
    theirs = list(BillLine.objects.filter(bill=reference_bill).order_by("position").values_list(*columns))
    assert ours == theirs and len(ours) == len(AWKWARD_TEXTS)
    bill_columns = [f.attname for f in Bill._meta.concrete_fields if f.attname not in ("id", "number", "created_at",
                                                                                       "updated_at")]
    assert (Bill.objects.filter(pk=bill.pk).values_list(*bill_columns).get()
            == Bill.objects.filter(pk=reference_bill.pk).values_list(*bill_columns).get())


def test_json_rows_take_only_values_they_can_send_exactly():
    import enum
    import json
    from datetime import datetime, timezone as dt_timezone

    from apps.core.rows import _NO_JSON, _json_ready, _rowset_params
    from apps.transactions.choices import LineType

    class NameFirst(enum.Enum):  # psycopg would dump its name: not sent as JSON
        A = "a"

    assert _json_ready(LineType.REGULAR) == "REGULAR" and type(_json_ready(LineType.REGULAR)) is str
    assert _json_ready(D("1.50")) == "1.50" and _json_ready(D("NaN")) is _NO_JSON
    assert _json_ready(datetime(2026, 1, 1)) is _NO_JSON  # naive: left to psycopg
    assert _json_ready(datetime(2026, 1, 1, tzinfo=dt_timezone.utc)) == "2026-01-01T00:00:00+00:00"
    assert _json_ready(NameFirst.A) is _NO_JSON and _json_ready(object()) is _NO_JSON and _json_ready(1.5) is _NO_JSON
    odd = object()
    assert _rowset_params([[1, "x"], [2, odd]]) == (False, [[1, 2], ["x", odd]])  # arrays instead
    as_json, params = _rowset_params([[1, None]])
    assert as_json is True and len(params) == 1 and json.loads(params[0]) == [{"c0": 1, "c1": None}]


def test_the_large_statements_are_prepared_once_per_connection(settings, org, member, earn_rule, add_bill):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    template = add_bill(sale("H-1", ("RICE5", 1, "250"))).bill

    def family(number):
        bill = Bill.objects.get(pk=template.pk)
        bill.pk, bill._state.adding, bill.number = None, True, number
        return bill, [BillLine(org=org, bill=bill, position=i, item_code=f"P{i}", qty=D(1), rate=D(5), value=D(5),
                               amount=D(5)) for i in range(2)]

    settings.DB_PREPARED_STATEMENTS = True

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH p AS (INSERT%%'")
            return cursor.fetchone()[0]

    for number in ("H-2", "H-3"):  # on one connection: prepared on the first run, then only executed
        bill, lines = family(number)
        with CaptureQueriesContext(connection) as queries:
            assert family_insert_unless_conflict(bill, lines)
        assert len(queries) == 1 and queries[0]["sql"].startswith("WITH p AS (INSERT")  # the text, as logs show it
        assert prepared() == 1
    # a ROLLBACK makes psycopg deallocate what it prepared: the next run prepares the statement again
    with pytest.raises(DataError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")
    assert prepared() == 0
    bill, lines = family("H-4")
    assert family_insert_unless_conflict(bill, lines) and BillLine.objects.filter(bill=bill).count() == 2
    assert prepared() == 1
    # switched off (or with DB_CONN_MAX_AGE=0): the statement goes as it is
    settings.DB_PREPARED_STATEMENTS = False
    bill, lines = family("H-5")
    with CaptureQueriesContext(connection) as queries:
        assert family_insert_unless_conflict(bill, lines)
    assert queries[0]["sql"].startswith("WITH p AS (INSERT")


def test_a_bill_under_rolling_expiry_moves_every_live_lot_to_its_new_window(org, program, member, earn_rule, add_bill):
    """Rolling expiry re-dates the account's lots on each earning: the bill's credit is written before the re-dating
    (not through the write batch), so its own lot and the older ones end with the same, newest expiry."""
    from datetime import datetime, timedelta, timezone as dt_timezone

    from apps.points.choices import ExpiryPolicy
    from apps.rules.models import RuleAward

    program.expiry_policy, program.rolling_window_days = ExpiryPolicy.ROLLING, 30
    program.save()
    add_bill(sale("R-1", ("RICE5", 1, "250"), billing_time=datetime(2026, 11, 1, 10, tzinfo=dt_timezone.utc)))
    second = add_bill(sale("R-2", ("RICE5", 1, "250"),
                           billing_time=datetime(2026, 11, 20, 10, tzinfo=dt_timezone.utc))).bill
    lots = PointsLot.objects.filter(account__customer=member)
    assert lots.count() == 2
    assert set(lots.values_list("expires_at", flat=True)) == {second.billing_time + timedelta(days=30)}
    entry_ids = set(LedgerEntry.objects.filter(account__customer=member).values_list("pk", flat=True))
    assert set(RuleAward.objects.filter(customer=member).values_list("ledger_entry_id", flat=True)) <= entry_ids


def test_the_short_reads_of_a_bill_are_prepared_and_answer_as_before(settings, org, program, member):
    """The customer by identifier and the lock with the labels go through rows.hot_cursor: prepared on a kept
    connection, with the same answers as unprepared."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from apps.customers.selectors import customer_lookup
    from apps.transactions.selectors import EarnReadsPlan, bill_earn_reads
    from apps.labels.services import customer_labels_change, label_create

    label_create(org=org, name="VIP")
    customer_labels_change(org=org, customer=member, add=["VIP"])

    def answers():
        found = customer_lookup(org=org, identifier_type="mobile", value="919845012345")
        plan = EarnReadsPlan(program=program, capped=[], windows=[], lock_account=True)
        reads = bill_earn_reads(org=org, customer_id=member.pk, plan=plan)
        return found.pk, found.first_name, reads.label_names

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    settings.DB_PREPARED_STATEMENTS = False
    plain = answers()
    assert plain == (member.pk, "Asha", ["VIP"]) and prepared() == []
    settings.DB_PREPARED_STATEMENTS = True
    assert answers() == plain and answers() == plain
    statements = prepared()
    assert len(statements) == 2
    assert any('INNER JOIN "customers_customeridentifier"' in text and "$3" in text for text in statements)
    assert any(text.startswith('SELECT ARRAY(SELECT "labels_label"."name"') for text in statements)


def test_the_tables_every_bill_writes_carry_only_the_indexes_their_readers_use():
    """Each index costs every bill an entry: lines are read through their bill and tenders too; only returns cite a
    parent line and only reversals an entry they reverse (partial indexes); awards are not looked up by programme.
    The foreign keys keep their constraints."""
    from apps.points.models import LedgerEntry
    from apps.rules.models import RuleAward
    from apps.transactions.models import BillLine, BillTender

    with connection.cursor() as cursor:
        def columns_indexed(model) -> set[tuple[str, ...]]:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            return {tuple(c["columns"]) for c in found.values() if c["index"] and not c["primary_key"]}

        def foreign_keys(model) -> set[str]:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            return {c["columns"][0] for c in found.values() if c["foreign_key"]}

        assert ("org_id",) not in columns_indexed(BillLine) and ("org_id",) not in columns_indexed(BillTender)
        assert ("program_id",) not in columns_indexed(RuleAward)
        assert ("parent_line_id",) in columns_indexed(BillLine) and ("reverses_id",) in columns_indexed(LedgerEntry)
        assert {"org_id", "parent_line_id"} <= foreign_keys(BillLine) and "program_id" in foreign_keys(RuleAward)
    partial = {index.name: index.condition for model in (BillLine, LedgerEntry) for index in model._meta.indexes}
    assert partial["txn_line_parent_idx"] is not None and partial["points_entry_reverses_idx"] is not None
