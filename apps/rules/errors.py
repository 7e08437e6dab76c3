"""Errors of the rules domain. Rules have no platform API codes of their own, so they use the generic 400/404/422."""
from apps.core.errors import DomainError, NotFound


class RuleConditionInvalid(DomainError):
    code, status, template = 400, 400, "Invalid condition: {detail}"


class RuleEffectsInvalid(DomainError):
    code, status, template = 400, 400, "Invalid effects: {detail}"


class RuleInvalid(DomainError):
    code, status, template = 400, 400, "Invalid rule: {detail}"


class RuleNotFound(NotFound):
    template = "Rule not found"


class RuleCannotRun(DomainError):
    code, status, template = 422, 422, "Rule {name} cannot run: {detail}"


class EarnPercentInvalid(DomainError):
    code, status, template = 400, 400, "Earn percent must be greater than 0 and at most 100"


class BacktestInvalid(DomainError):
    code, status, template = 400, 400, "Invalid backtest: {detail}"
