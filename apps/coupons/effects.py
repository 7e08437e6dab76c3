"""The rules engine's "issue coupon" effect: a rule gives the customer a coupon of a series."""
from __future__ import annotations

from apps.rules.contexts import PlannedEffect
from apps.rules.effects.base import ApplyRun, Effect, Param, ParamError, PlanContext, effect_register


@effect_register
class IssueCoupon(Effect):
    type = "issue_coupon"
    label = "Issue a coupon of a series to the customer"
    params_schema = (Param("series_id", "int", required=True, help="The coupon series id"),)

    def clean_together(self, params: dict, *, org) -> dict:
        from .models import CouponSeries

        if org is not None and not CouponSeries.objects.for_org(org).filter(pk=params["series_id"]).exists():
            raise ParamError("series_id", "the org has no coupon series with this id")
        return params

    def plan(self, *, rule, params: dict, ctx: PlanContext) -> PlannedEffect | str:
        if ctx.customer is None:
            return "no customer to give a coupon to"
        return PlannedEffect(rule_id=rule.pk, rule_name=rule.name, effect_type=self.type,
                             params={"series_id": params["series_id"]})

    def apply(self, *, effect: PlannedEffect, run: ApplyRun) -> dict:
        from .errors import CouponError
        from .models import Coupon
        from .services import coupon_issue

        key = run.key(effect)[:64]
        result = {"ruleId": effect.rule_id, "type": effect.effect_type, "key": key,
                  "seriesId": effect.params["series_id"]}
        customer = run.context.customer
        done = Coupon.objects.filter(org=run.org, series_id=effect.params["series_id"], customer=customer,
                                     transaction_number=key).first()
        if done is not None:  # the same event applied again: the coupon it gave
            return {**result, "applied": True, "couponId": done.pk, "code": done.code}
        try:
            issued = coupon_issue(org=run.org, series_id=effect.params["series_id"], customer=customer,
                                  till=getattr(run.actor, "till", None), transaction_number=key)
        except CouponError as exc:
            return {**result, "applied": False, "reason": exc.message, "code": exc.code}
        return {**result, "applied": True, "couponId": issued.coupon.pk, "code": issued.coupon.code}
