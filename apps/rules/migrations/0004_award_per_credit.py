"""Rule awards: one row per ledger credit (its total, each rule's share and each award's key) instead of one row
per rule. The rows of one credit are folded into the first of them; 0005 then drops the per-rule column."""

from decimal import Decimal

from django.db import migrations, models

CHUNK = 2000


def fold_per_credit(apps, schema_editor):
    RuleAward = apps.get_model("rules", "RuleAward")
    LedgerEntry = apps.get_model("points", "LedgerEntry")
    rows = (RuleAward.objects.order_by("org_id", "ledger_entry_id", "id")
            .values("id", "org_id", "rule_id", "points", "idempotency_key", "ledger_entry_id"))
    group, doomed = [], []

    def flush():
        if not group:
            return
        keeper = group[0]
        rules, effects, total = {}, {}, Decimal("0")
        for row in group:
            rules[str(row["rule_id"])] = rules.get(str(row["rule_id"]), Decimal("0")) + row["points"]
            effects[row["idempotency_key"]] = str(row["points"])
            total += row["points"]
        key = keeper["idempotency_key"]
        if keeper["ledger_entry_id"]:
            key = (LedgerEntry.objects.filter(pk=keeper["ledger_entry_id"]).values_list("idempotency_key", flat=True)
                   .first() or key)
        RuleAward.objects.filter(pk=keeper["id"]).update(
            points=total, idempotency_key=key, effects=effects,
            rules={rule_id: str(points) for rule_id, points in rules.items()})
        doomed.extend(row["id"] for row in group[1:])
        group.clear()
        if len(doomed) >= CHUNK:
            RuleAward.objects.filter(pk__in=doomed).delete()
            doomed.clear()

    for row in rows.iterator(chunk_size=CHUNK):
        # A credit's rows share its entry; a row without an entry stays a group of its own.
        if group and (row["ledger_entry_id"] is None or group[0]["ledger_entry_id"] is None
                      or (row["org_id"], row["ledger_entry_id"]) != (group[0]["org_id"], group[0]["ledger_entry_id"])):
            flush()
        group.append(row)
    flush()
    RuleAward.objects.filter(pk__in=doomed).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('points', '0005_movement_fk_checks'),
        ('rules', '0003_customer_cap_tally'),
    ]

    operations = [
        migrations.AddField(
            model_name='ruleaward',
            name='effects',
            field=models.JSONField(blank=True, default=dict, help_text="Points by award key (a rule's effect for this event), for replays."),
        ),
        migrations.AddField(
            model_name='ruleaward',
            name='rules',
            field=models.JSONField(blank=True, default=dict, help_text='Points by rule id: {"12": "25.000"}.'),
        ),
        # Back to one row per rule is not possible once rows are folded (0005's reverse refuses rows without a rule).
        migrations.RunPython(fold_per_credit, migrations.RunPython.noop, elidable=False),
    ]
