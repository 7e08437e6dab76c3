"""award_points: fixed points per bill, a percentage of the bill or of some lines, points per unit, with per-line
multipliers and per-tier rates.

Rounding: each award (one effect of one rule) is rounded once with the programme's mode (points_round), never the
bill's sum of awards; the rounded award is then spread over the bill's lines by largest remainder in the programme's
smallest step, so line points add up exactly to the award and a returned line can take back its share.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ..contexts import ZERO, PlannedEffect
from .base import ApplyRun, Effect, Param, ParamError, PlanContext, effect_register

BASES = ("bill_fixed", "bill_percent", "line_percent", "line_per_unit")
HUNDRED = Decimal("100")


def quantum_for(program) -> Decimal:
    """The programme's smallest points step (ACTUAL keeps the ledger's 3 decimals)."""
    from apps.points.choices import RoundingMode

    if program.rounding_mode == RoundingMode.ACTUAL:
        return Decimal("0.001")
    return Decimal(1).scaleb(-program.points_decimals)


def allocate(total: Decimal, weights: dict[int, Decimal], quantum: Decimal) -> dict[int, Decimal]:
    """Split total (a multiple of quantum) over the weighted lines by largest remainder; the parts add up to total."""
    positive = {index: weight for index, weight in weights.items() if weight > 0}
    weight_sum = sum(positive.values(), ZERO)
    if not positive or total <= 0:
        return {}
    units = int((total / quantum).to_integral_value(rounding=ROUND_FLOOR))
    shares = {index: units * weight / weight_sum for index, weight in positive.items()}
    floors = {index: int(share.to_integral_value(rounding=ROUND_FLOOR)) for index, share in shares.items()}
    left = units - sum(floors.values())
    for index in sorted(positive, key=lambda i: (-(shares[i] - floors[i]), i))[:left]:
        floors[index] += 1
    return {index: count * quantum for index, count in sorted(floors.items()) if count}


def award_shrink(effect: PlannedEffect, new_total: Decimal, quantum: Decimal) -> None:
    """Lower an award to new_total (rounded down to the programme's step), keeping its spread over lines."""
    new_total = max(ZERO, (new_total / quantum).to_integral_value(rounding=ROUND_FLOOR) * quantum)
    if effect.line_points:
        effect.line_points = allocate(new_total, dict(effect.line_points), quantum)
    else:
        effect.bill_points = new_total
    effect.points = new_total


def line_matches(line: dict, spec: dict) -> bool:
    """Does the line carry one of the item codes, categories or brands (names compared without case)?"""
    if str(line.get("item_code") or "") in spec.get("item_codes", ()):
        return True
    for key, field in (("categories", "category"), ("brands", "brand")):
        if key in spec and str(line.get(field) or "").casefold() in {v.casefold() for v in spec[key]}:
            return True
    return False


def _factor(line: dict, multipliers: list[dict]) -> Decimal:
    """The first multiplier naming the line, else 1."""
    for multiplier in multipliers:
        if line_matches(line, multiplier):
            return Decimal(multiplier["factor"])
    return Decimal("1")


def _amount(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return ZERO if value is None or value == "" else Decimal(str(value))


@effect_register
class AwardPoints(Effect):
    type = "award_points"
    label = "Award points"
    params_schema = (
        Param("basis", "choice", required=True, choices=BASES,
              help="bill_fixed: value points per bill; bill_percent: value % of the bill amount; line_percent: "
                   "value % of each chosen line's amount; line_per_unit: value points per unit of each chosen line"),
        Param("value", "decimal", required=True, minimum=ZERO, help="Points or percent, as the basis says"),
        Param("items", "line_filter", help="Only lines with these item_codes, categories or brands (line bases)"),
        Param("multipliers", "multipliers", help="[{categories|brands|item_codes: [...], factor}] first match wins"),
        Param("tier_values", "decimal_map", minimum=ZERO, help="value per tier name or number, instead of value"),
    )

    def clean_together(self, params: dict, *, org) -> dict:
        basis = params["basis"]
        if "items" in params and basis not in ("line_percent", "line_per_unit"):
            raise ParamError("items", "only line_percent and line_per_unit choose lines")
        if "multipliers" in params and basis == "bill_fixed":
            raise ParamError("multipliers", "bill_fixed points are not per line")
        return params

    @staticmethod
    def _rate(params: dict, tier: dict | None) -> tuple[Decimal, str]:
        if tier and params.get("tier_values"):
            by_name = {str(k).casefold(): v for k, v in params["tier_values"].items()}
            for key in (str(tier.get("name") or ""), str(tier.get("number") or "")):
                if key and key.casefold() in by_name:
                    return Decimal(by_name[key.casefold()]), f"tier {key}"
        return Decimal(params["value"]), "default"

    @staticmethod
    def _weights(basis: str, params: dict, rate: Decimal, ctx: PlanContext) -> dict[int, Decimal]:
        """Unrounded points per line index."""
        multipliers = params.get("multipliers") or []
        lines = ctx.context.lines or []
        if basis == "bill_percent":
            bill_amount = _amount((ctx.context.bill or {}).get("amount"))
            amounts = [(line, max(ZERO, _amount(line.get("amount")))) for line in lines]
            line_sum = sum((amount for _, amount in amounts), ZERO)
            if line_sum <= 0 or bill_amount <= 0:
                return {}
            scale = bill_amount / line_sum * rate / HUNDRED
            return {line["index"]: amount * scale * _factor(line, multipliers) if multipliers else amount * scale
                    for line, amount in amounts}
        chosen = [line for line in lines if not params.get("items") or line_matches(line, params["items"])]
        if basis == "line_percent":
            return {line["index"]: max(ZERO, _amount(line.get("amount"))) * rate / HUNDRED * _factor(line, multipliers)
                    for line in chosen}
        return {line["index"]: max(ZERO, _amount(line.get("qty"))) * rate * _factor(line, multipliers)
                for line in chosen}

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        if ctx.customer is None:
            return "no customer to award points to"
        basis = params["basis"]
        rate, source = self._rate(params, ctx.tier)
        weights = {} if basis == "bill_fixed" else self._weights(basis, params, rate, ctx)
        if basis == "bill_fixed":
            total = ctx.round(rate)
        elif basis == "bill_percent" and not weights:
            total = ctx.round(max(ZERO, _amount((ctx.context.bill or {}).get("amount"))) * rate / HUNDRED)
        else:
            total = ctx.round(sum(weights.values(), ZERO))
        if total <= 0:
            return "computes to 0 points"
        line_points = allocate(total, weights, ctx.quantum) if weights else {}
        return PlannedEffect(
            rule_id=rule.pk, rule_name=rule.name, effect_type=self.type, points=total, line_points=line_points,
            bill_points=ZERO if line_points else total,
            params={"basis": basis, "rate": str(rate), "rateSource": source, "programId": ctx.context.program.pk,
                    "uncapped": str(total), "cappedBy": None})

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from .apply_points import awards_apply

        return awards_apply(effects=[effect], run=run)[0]
