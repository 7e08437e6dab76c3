"""Effects on the customer: add or remove a label (through apps.labels), send a message (apps.communications)."""
from __future__ import annotations

import re

from ..contexts import PlannedEffect
from .base import ApplyRun, Effect, Param, ParamError, PlanContext, effect_register

PLACEHOLDERS = ("first_name", "last_name", "points", "rule_points", "bill_number", "bill_amount", "store_name",
                "rule_name")
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
RECIPIENT_TYPE = {"SMS": "mobile", "EMAIL": "email"}


def _known_labels(ctx: PlanContext) -> set[str] | None:
    labels = ctx.context.customer_facts.get("labels")
    return None if labels is None else {str(name).casefold() for name in labels}


class _LabelEffect(Effect):
    params_schema = (Param("label", "str", required=True, max_length=150, help="The label's name"),)
    adds: bool

    def clean_together(self, params: dict, *, org) -> dict:
        from apps.labels.selectors import labels_by_name

        if org is not None and not labels_by_name(org=org, names=[params["label"]]):
            raise ParamError("label", f"the org has no active label named '{params['label']}'")
        return params

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        if ctx.customer is None:
            return "no customer to label"
        carried = _known_labels(ctx)
        if carried is not None and (params["label"].casefold() in carried) == self.adds:
            return f"customer {'already carries' if self.adds else 'does not carry'} label {params['label']}"
        return PlannedEffect(rule_id=rule.pk, rule_name=rule.name, effect_type=self.type,
                             params={"label": params["label"]})

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from apps.labels.services import customer_labels_change

        label = [effect.params["label"]]
        warnings = customer_labels_change(org=run.org, customer=run.context.customer,
                                          add=label if self.adds else None, remove=None if self.adds else label,
                                          till=getattr(run.actor, "till", None))
        return {"ruleId": effect.rule_id, "type": effect.effect_type, "key": run.key(effect), "applied": True,
                "label": effect.params["label"], "warnings": [w.code for w in warnings]}


@effect_register
class AddLabel(_LabelEffect):
    type, label, adds = "add_label", "Add a label to the customer", True


@effect_register
class RemoveLabel(_LabelEffect):
    type, label, adds = "remove_label", "Remove a label from the customer", False


def render(template: str, values: dict) -> str:
    """Fill {placeholders} from a fixed set of values; never Python formatting on marketer text."""
    return PLACEHOLDER_RE.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


@effect_register
class SendMessage(Effect):
    type = "send_message"
    label = "Send an SMS or email to the customer"
    params_schema = (
        Param("channel", "choice", required=True, choices=("SMS", "EMAIL")),
        Param("body", "str", required=True, max_length=1000,
              help=f"Text with placeholders {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"),
        Param("subject", "str", max_length=200, help="Email subject (same placeholders)"),
        Param("priority", "choice", choices=("TRANS", "BULK"), default="TRANS",
              help="TRANS: transactional; BULK: promotional (respects the customer's opt-out)"),
    )

    def clean_together(self, params: dict, *, org) -> dict:
        for name in ("body", "subject"):
            for placeholder in PLACEHOLDER_RE.findall(params.get(name, "")):
                if placeholder not in PLACEHOLDERS:
                    raise ParamError(name, f"unknown placeholder {{{placeholder}}} (known: {', '.join(PLACEHOLDERS)})")
        return params

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        if ctx.customer is None:
            return "no customer to write to"
        return PlannedEffect(rule_id=rule.pk, rule_name=rule.name, effect_type=self.type,
                             params={"channel": params["channel"], "priority": params.get("priority", "TRANS"),
                                     "subject": params.get("subject", ""), "body": params["body"]})

    @staticmethod
    def _recipient(*, run: ApplyRun, channel: str, priority: str) -> tuple[str, str]:
        """(recipient, reason it cannot be sent)."""
        from apps.customers.models import CustomerIdentifier, CustomerSubscription

        customer = run.context.customer
        if CustomerSubscription.objects.filter(org=run.org, customer=customer, channel=channel, priority=priority,
                                               is_subscribed=False).exists():
            return "", f"customer opted out of {priority} {channel}"
        value = (CustomerIdentifier.objects.filter(org=run.org, customer=customer, type=RECIPIENT_TYPE[channel])
                 .order_by("id").values_list("value", flat=True).first())
        return (value, "") if value else ("", f"customer has no {RECIPIENT_TYPE[channel]}")

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from apps.communications.services import message_queue

        params, key = effect.params, run.key(effect)
        result = {"ruleId": effect.rule_id, "type": effect.effect_type, "key": key, "channel": params["channel"]}
        recipient, reason = self._recipient(run=run, channel=params["channel"], priority=params["priority"])
        if not recipient:
            return {**result, "applied": False, "reason": reason}
        context, customer = run.context, run.context.customer
        values = {"first_name": customer.first_name, "last_name": customer.last_name, "points": run.total_points,
                  "rule_points": run.applied_points.get(effect.rule_id, 0),
                  "bill_number": (context.bill or {}).get("number", ""),
                  "bill_amount": (context.bill or {}).get("amount", ""),
                  "store_name": getattr(context.store, "name", ""), "rule_name": effect.rule_name}
        message = message_queue(org=run.org, channel=params["channel"], recipient=recipient, purpose="RULE",
                                body=render(params["body"], values), subject=render(params["subject"], values),
                                customer=customer, dedupe_key=key)
        return {**result, "applied": True, "messageId": message.pk}
