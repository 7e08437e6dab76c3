"""Writing rules: create, update, change status (marketers in the admin), the default earn rule, programme settings."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from ..choices import EventType, RuleStatus, TierCrossing
from ..effects import effects_clean
from ..errors import EarnPercentInvalid, RuleCannotRun, RuleInvalid
from ..expressions import condition_check
from ..models import ProgramRuleSettings, Rule, RuleTally
from ..selectors import rule_awarded_history

DEFAULT_EARN_KEY = "default-earn"
EDITABLE = ("name", "description", "event_type", "condition", "effects", "status", "priority", "stop_if_false",
            "stop_on_error", "stop_after_match", "valid_from", "valid_until", "days_of_week", "audience_labels",
            "audience_tiers", "max_points_per_bill", "max_points_per_customer", "customer_cap_period",
            "budget_points", "allow_partial_on_cap", "program")


def _same_org(org, objects, what: str) -> list:
    """Objects (or ids) of the org's rows; RuleInvalid names the first foreign or missing one."""
    if objects is None:
        return []
    items = list(objects)
    if not items:
        return []
    model = _model_for(what)
    ids = [getattr(item, "pk", item) for item in items]
    found = list(model.objects.for_org(org).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise RuleInvalid(detail=f"{what}: not all of them belong to the organisation", field=what)
    return found


def _model_for(what: str):
    from apps.organizations.models import Store, Zone

    return {"stores": Store, "zones": Zone}[what]


def _checked(*, org, rule: Rule) -> Rule:
    """Check program, condition, effects and fields; the normalised effects are put back on the rule."""
    if rule.program_id is None or rule.program.org_id != org.pk:
        raise RuleInvalid(detail="the programme does not belong to the organisation", field="program")
    condition_check(rule.condition)
    rule.condition = (rule.condition or "").strip()
    rule.effects = effects_clean(rule.effects, org=org)
    rule.audience_labels = [str(v).strip() for v in rule.audience_labels or []]
    rule.audience_tiers = [str(v).strip() for v in rule.audience_tiers or []]
    rule.days_of_week = sorted(set(rule.days_of_week or []))
    if rule.status == RuleStatus.RUNNING and not rule.effects:
        raise RuleCannotRun(name=rule.name, detail="it has no effects")
    rule.full_clean(exclude=["stores", "zones"])
    return rule


def _tally_ensure(*, org, rule: Rule) -> None:
    """A budgeted rule keeps a running total; when a budget is first set, the total starts from its history."""
    if rule.budget_points is None or RuleTally.objects.filter(rule=rule).exists():
        return
    total, count = rule_awarded_history(org=org, rule_id=rule.pk)
    RuleTally.objects.create(org=org, rule=rule, awarded_points=total, award_count=count)


@transaction.atomic
def rule_create(*, org, program, name: str, event_type: str, effects: list, condition: str = "",
                status: str = RuleStatus.DRAFT, stores=None, zones=None, user=None, system_key: str = "",
                **fields) -> Rule:
    """Add a rule after checking its condition (CEL) and each effect's params; stores and zones must be the org's."""
    if unknown := set(fields) - set(EDITABLE):
        raise RuleInvalid(detail=f"unknown field {sorted(unknown)[0]}")
    rule = Rule(org=org, program=program, name=name, event_type=event_type, effects=effects, condition=condition,
                status=status, created_by=user, system_key=system_key, **fields)
    _checked(org=org, rule=rule)
    store_rows, zone_rows = _same_org(org, stores, "stores"), _same_org(org, zones, "zones")
    rule.save()
    rule.stores.set(store_rows)
    rule.zones.set(zone_rows)
    _tally_ensure(org=org, rule=rule)
    return rule


@transaction.atomic
def rule_update(*, org, rule: Rule, stores=None, zones=None, **changes) -> Rule:
    """Change a rule; a new version is compiled on its next evaluation. stores/zones=None leaves them as they are."""
    if rule.org_id != org.pk:
        raise RuleInvalid(detail="the rule does not belong to the organisation")
    if unknown := set(changes) - set(EDITABLE):
        raise RuleInvalid(detail=f"unknown field {sorted(unknown)[0]}")
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    for name, value in changes.items():
        setattr(rule, name, value)
    _checked(org=org, rule=rule)
    store_rows = _same_org(org, stores, "stores") if stores is not None else None
    zone_rows = _same_org(org, zones, "zones") if zones is not None else None
    rule.version += 1
    rule.updated_at = timezone.now()
    rule.save()
    if store_rows is not None:
        rule.stores.set(store_rows)
    if zone_rows is not None:
        rule.zones.set(zone_rows)
    _tally_ensure(org=org, rule=rule)
    return rule


@transaction.atomic
def rule_set_status(*, org, rule: Rule, status: str) -> Rule:
    """Start (RUNNING), pause (DISABLED) or return a rule to DRAFT; a rule runs only when it is complete."""
    if status not in RuleStatus.values:
        raise RuleInvalid(detail=f"unknown status {status}", field="status")
    return rule_update(org=org, rule=rule, status=status)


def _percent(value) -> Decimal:
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise EarnPercentInvalid() from None
    if not percent.is_finite() or percent <= 0 or percent > 100:
        raise EarnPercentInvalid()
    # Plain notation without trailing zeros: 10 (not 1E+1), 1.5 (not 1.50).
    return Decimal(format(percent.normalize(), "f"))


@transaction.atomic
def default_earn_rule_ensure(*, org, program, percent: Decimal) -> Rule:
    """The programme's RUNNING rule awarding `percent`% of the bill amount (idempotent; a new percent updates it).

    An existing rule keeps its status: a marketer who paused it keeps it paused.
    """
    percent = _percent(percent)
    name = f"Earn {percent}% of the bill"
    effects = [{"type": "award_points", "params": {"basis": "bill_percent", "value": str(percent)}}]
    rule = Rule.objects.for_org(org).filter(program=program, system_key=DEFAULT_EARN_KEY).first()
    if rule is None:
        return rule_create(org=org, program=program, name=name, event_type=EventType.BILL_ADDED, effects=effects,
                           status=RuleStatus.RUNNING, priority=10, system_key=DEFAULT_EARN_KEY,
                           description="Base earning set up by bootstrap_org; rounded by the programme's setting.")
    if effects_clean(effects, org=org) != rule.effects:
        rule = rule_update(org=org, rule=rule, name=name, effects=effects)
    return rule


@transaction.atomic
def program_rule_settings_set(*, org, program, tier_crossing: str) -> ProgramRuleSettings:
    """Set how a bill that crosses a tier threshold earns (see apps.rules.hooks)."""
    if program.org_id != org.pk:
        raise RuleInvalid(detail="the programme does not belong to the organisation", field="program")
    if tier_crossing not in TierCrossing.values:
        raise RuleInvalid(detail=f"unknown tier-crossing mode {tier_crossing}", field="tier_crossing")
    settings, _ = ProgramRuleSettings.objects.select_for_update().get_or_create(org=org, program=program)
    settings.tier_crossing = tier_crossing
    settings.updated_at = timezone.now()
    settings.full_clean()
    settings.save()
    return settings


__all__ = ["DEFAULT_EARN_KEY", "default_earn_rule_ensure", "program_rule_settings_set", "rule_create",
           "rule_set_status", "rule_update"]
