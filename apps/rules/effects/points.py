"""award_points: fixed points per bill, a percentage of the bill or of some lines, points per unit, with per-line
multipliers and per-tier rates.

Rounding: each award (one effect of one rule) is rounded once with the programme's mode (points_round), never the
bill's sum of awards; the rounded award is then spread over the bill's lines by largest remainder in the programme's
smallest step, so line points add up exactly to the award and a returned line can take back its share.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ..contexts import ZERO, PlannedEffect
from .base import ApplyRun, Effect, Param, ParamError, PlanContext, effect_register, rule_memo

BASES = ("bill_fixed", "bill_percent", "line_percent", "line_per_unit")
HUNDRED = Decimal("100")
ONE = Decimal("1")


def quantum_for(program) -> Decimal:
    """The programme's smallest points step (ACTUAL keeps the ledger's 3 decimals)."""
    from apps.points.choices import RoundingMode

    if program.rounding_mode == RoundingMode.ACTUAL:
        return Decimal("0.001")
    return Decimal(1).scaleb(-program.points_decimals)


def allocate(total: Decimal, weights: dict[int, Decimal], quantum: Decimal) -> dict[int, Decimal]:
    """Split total (a multiple of quantum) over the weighted lines by largest remainder; the parts add up to total.

    Runs for every award of every bill, so the arithmetic avoids mixing int and Decimal operands (each mix converts
    the int first); every value it computes is the one the plain formula gives (units * weight / weight_sum, floored).
    """
    positive = [(index, weight) for index, weight in weights.items() if weight > ZERO]
    if not positive or total <= 0:
        return {}
    units = int((total / quantum).to_integral_value(rounding=ROUND_FLOOR))
    if len(positive) == 1 and type(positive[0][1]) is Decimal and positive[0][1].is_finite() and units < 10**20:
        # One line takes it all: its share is units within 28 digits' rounding, so the formula below ends at units
        return {positive[0][0]: units * quantum} if units else {}
    weight_sum = sum([weight for _, weight in positive], ZERO)
    units_decimal = Decimal(units)
    floors, remainders = {}, []
    for index, weight in positive:
        share = units_decimal * weight / weight_sum
        whole = share.to_integral_value(rounding=ROUND_FLOOR)
        floors[index] = int(whole)
        remainders.append((whole - share, index))  # largest remainder first, then the lower index
    left = units - sum(floors.values())
    if left:
        for _, index in sorted(remainders)[:left]:
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


class LineNames:
    """line_matches(line, spec) for one line filter or multiplier, with the spec's names casefolded once.

    Built once per rule version (see _Prepared) instead of for every line of every bill. Only a spec in the shape
    effects_clean stores (lists of strings) is prepared this way; any other spec is matched by line_matches itself,
    so odd stored data behaves (and fails) exactly as it always did.
    """

    __slots__ = ("brands", "categories", "item_codes", "spec")

    def __init__(self, spec: dict):
        self.spec = spec
        self.item_codes = frozenset(spec.get("item_codes", ()))
        self.categories = frozenset(v.casefold() for v in spec["categories"]) if "categories" in spec else None
        self.brands = frozenset(v.casefold() for v in spec["brands"]) if "brands" in spec else None

    @classmethod
    def of(cls, spec) -> LineNames | None:
        """The prepared matcher, or None when the spec is not plain lists of strings."""
        if not isinstance(spec, dict) or not all(
                isinstance(spec[key], list) and all(type(v) is str for v in spec[key])
                for key in ("item_codes", "categories", "brands") if key in spec):
            return None
        return cls(spec)

    def matches(self, line: dict) -> bool:
        """Same answer as line_matches(line, self.spec), in the same order of checks."""
        if str(line.get("item_code") or "") in self.item_codes:
            return True
        if self.categories is not None and str(line.get("category") or "").casefold() in self.categories:
            return True
        return self.brands is not None and str(line.get("brand") or "").casefold() in self.brands

    def matches_key(self, key: tuple[str, str, str]) -> bool:
        """matches() for a line whose line_key() is given (worked out once per bill for every rule's filter)."""
        item_code, category, brand = key
        return (item_code in self.item_codes or (self.categories is not None and category in self.categories)
                or (self.brands is not None and brand in self.brands))


def line_key(line: dict) -> tuple[str, str, str]:
    """What LineNames compare of a line: its item code as text, its category and brand casefolded."""
    return (str(line.get("item_code") or ""), str(line.get("category") or "").casefold(),
            str(line.get("brand") or "").casefold())


def _prepare(build):
    """build(), or None when the params are not in the stored shape: plan then reads them as it always did (and
    fails where it always failed, for the same lines)."""
    try:
        return build()
    except Exception:  # noqa: BLE001 (any failure here is reproduced, unprepared, by plan)
        return None


class _Prepared:
    """What AwardPoints.plan derives from its params alone, worked out once per rule version (rule_memo).

    Each part is prepared only when the params are in the shape effects_clean stores (decimals as strings, names as
    lists of strings); a part that cannot be prepared is left None and plan computes it from the params as before.
    """

    def __init__(self, params: dict):
        self.value = _prepare(lambda: Decimal(params["value"]))
        tier_values = params.get("tier_values")
        # {casefolded tier name or number: rate}; as in _rate, the last of two keys equal without case wins
        self.tier_values = _prepare(lambda: {str(k).casefold(): Decimal(v) for k, v in tier_values.items()})
        self.items = LineNames.of(params["items"]) if "items" in params else None
        self.multipliers = _prepare(lambda: self._multipliers(params.get("multipliers") or []))

    @staticmethod
    def _multipliers(multipliers: list) -> list[tuple[LineNames, Decimal]] | None:
        prepared = [(LineNames.of(m), Decimal(m["factor"])) for m in multipliers]
        return prepared if all(names for names, _ in prepared) else None

    def factor(self, line: dict) -> Decimal:
        """_factor(line, params["multipliers"]) with prepared matchers and factors."""
        for names, factor in self.multipliers:
            if names.matches(line):
                return factor
        return ONE


def _amount(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return ZERO if value is None or value == "" else Decimal(str(value))


def _line_amounts(ctx: PlanContext, lines: list[dict]) -> tuple[list[tuple[dict, Decimal]], Decimal]:
    """(line, amount with negatives as 0) for every line, and their sum: the same for every bill_percent award of the
    evaluation, so worked out once (kept in ctx.memo)."""
    amounts = [(line, max(ZERO, _amount(line.get("amount")))) for line in lines]
    ctx.memo["award_points:line_amounts"] = found = amounts, sum((amount for _, amount in amounts), ZERO)
    return found


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
    def _rate(params: dict, tier: dict | None, prepared: _Prepared) -> tuple[Decimal, str]:
        if tier and params.get("tier_values"):
            if prepared.tier_values is not None:
                by_name, convert = prepared.tier_values, None
            else:
                by_name, convert = {str(k).casefold(): v for k, v in params["tier_values"].items()}, Decimal
            for key in (str(tier.get("name") or ""), str(tier.get("number") or "")):
                if key and key.casefold() in by_name:
                    rate = by_name[key.casefold()]
                    return (convert(rate) if convert else rate), f"tier {key}"
        return (prepared.value if prepared.value is not None else Decimal(params["value"])), "default"

    @staticmethod
    def _weights(basis: str, params: dict, rate: Decimal, ctx: PlanContext, prepared: _Prepared
                 ) -> dict[int, Decimal]:
        """Unrounded points per line index."""
        multipliers = params.get("multipliers") or []
        if prepared.multipliers is not None:
            factor = prepared.factor
        else:
            def factor(line):
                return _factor(line, multipliers)
        lines = ctx.context.lines or []
        if basis == "bill_percent":
            bill_amount = _amount((ctx.context.bill or {}).get("amount"))
            amounts, line_sum = ctx.memo.get("award_points:line_amounts") or _line_amounts(ctx, lines)
            if line_sum <= 0 or bill_amount <= 0:
                return {}
            scale = bill_amount / line_sum * rate / HUNDRED
            if not multipliers:
                return {line["index"]: amount * scale for line, amount in amounts}
            return {line["index"]: amount * scale * factor(line) for line, amount in amounts}
        items = params.get("items")
        if not items:
            chosen = lines
        elif prepared.items is not None:
            keys = ctx.memo.get("award_points:line_keys")
            if keys is None:  # the same for every rule choosing lines in this evaluation
                keys = ctx.memo["award_points:line_keys"] = [line_key(line) for line in lines]
            chosen = [line for line, key in zip(lines, keys) if prepared.items.matches_key(key)]
        else:
            chosen = [line for line in lines if line_matches(line, items)]
        if basis == "line_percent":
            return {line["index"]: max(ZERO, _amount(line.get("amount"))) * rate / HUNDRED * factor(line)
                    for line in chosen}
        return {line["index"]: max(ZERO, _amount(line.get("qty"))) * rate * factor(line) for line in chosen}

    def _split(self, basis: str, params: dict, rate: Decimal, ctx: PlanContext, prepared: _Prepared
               ) -> tuple[Decimal, dict[int, Decimal]]:
        """The award's rounded total and its points per line index (none when the total is not positive)."""
        weights = {} if basis == "bill_fixed" else self._weights(basis, params, rate, ctx, prepared)
        if basis == "bill_fixed":
            total = ctx.round(rate)
        elif basis == "bill_percent" and not weights:
            total = ctx.round(max(ZERO, _amount((ctx.context.bill or {}).get("amount"))) * rate / HUNDRED)
        else:
            total = ctx.round(sum(weights.values(), ZERO))
        if total <= 0:
            return total, {}
        return total, allocate(total, weights, ctx.quantum) if weights else {}

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        if ctx.customer is None:
            return "no customer to award points to"
        basis = params["basis"]
        prepared = rule_memo(rule, ("award_points", id(params)), params, _Prepared)
        rate, source = self._rate(params, ctx.tier, prepared)
        if basis == "bill_percent" and not params.get("multipliers"):
            # The bill's split at this rate, whichever rule asks: worked out once per evaluation (rules often share
            # a rate, e.g. a base earn rule and store or capped bonuses). Each effect gets its own line_points.
            key = ("award_points:bill_percent", str(rate))
            split = ctx.memo.get(key)
            if split is None:
                split = ctx.memo[key] = self._split(basis, params, rate, ctx, prepared)
            total, line_points = split[0], dict(split[1])
        else:
            total, line_points = self._split(basis, params, rate, ctx, prepared)
        if total <= 0:
            return "computes to 0 points"
        return PlannedEffect(
            rule_id=rule.pk, rule_name=rule.name, effect_type=self.type, points=total, line_points=line_points,
            bill_points=ZERO if line_points else total,
            params={"basis": basis, "rate": str(rate), "rateSource": source, "programId": ctx.context.program.pk,
                    "uncapped": str(total), "cappedBy": None})

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from .apply_points import awards_apply

        return awards_apply(effects=[effect], run=run)[0]
