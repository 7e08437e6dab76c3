"""emit_event: an outbox row written in the event's transaction, for webhook delivery (a later issue) to relay."""
from __future__ import annotations

from ..contexts import PlannedEffect
from .base import ApplyRun, Effect, Param, PlanContext, effect_register


@effect_register
class EmitEvent(Effect):
    type = "emit_event"
    label = "Emit an event for webhooks"
    needs_customer = False
    params_schema = (Param("event_name", "str", required=True, max_length=64, pattern=r"[A-Za-z][A-Za-z0-9_.\-]{2,63}",
                           help="e.g. bigSpender"),)

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        return PlannedEffect(rule_id=rule.pk, rule_name=rule.name, effect_type=self.type,
                             params={"event_name": params["event_name"]})

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from ..models import RuleOutboxEvent

        context, key = run.context, run.key(effect)
        payload = {
            "eventName": effect.params["event_name"], "ruleId": effect.rule_id, "ruleName": effect.rule_name,
            "eventType": context.event_type, "occurredAt": context.occurred_at.isoformat(),
            "customerId": getattr(context.customer, "pk", None), "storeCode": getattr(context.store, "code", None),
            "billNumber": (context.bill or {}).get("number"), "sourceType": run.source_type,
            "sourceRef": run.source_ref, "points": str(run.total_points),
        }
        event, created = RuleOutboxEvent.objects.get_or_create(
            org=run.org, dedupe_key=key,
            defaults={"rule_id": effect.rule_id, "event_name": effect.params["event_name"], "payload": payload,
                      "source_type": run.source_type[:16], "source_ref": run.source_ref[:128]})
        return {"ruleId": effect.rule_id, "type": effect.effect_type, "key": key, "applied": True,
                "replayed": not created, "outboxId": event.pk}
