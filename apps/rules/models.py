"""Rules that marketers edit (event, condition, ordered effects, filters, caps), what each rule awarded, the outbox
of events rules emit, per-programme earning settings, and backtest runs."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import CapPeriod, RuleStatus, TierCrossing

POINTS = {"max_digits": 18, "decimal_places": 3}
POSITIVE = [MinValueValidator(Decimal("0.001"))]
event_type_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]{2,63}$", "An event type is 3 to 64 characters: capital letters, digits and underscores.")


class Rule(OrgOwned):
    """When an event of this type happens and the filters and condition hold, run the effects in order."""

    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.PROTECT, related_name="rules")
    name = models.CharField(max_length=150)
    description = models.CharField(max_length=500, blank=True)
    event_type = models.CharField(max_length=64, validators=[event_type_validator],
                                  help_text="BILL_ADDED, BILL_RETURNED, CUSTOMER_REGISTERED or a custom event name.")
    condition = models.TextField(blank=True, help_text="A CEL expression over the event (empty: always true).")
    effects = models.JSONField(default=list, blank=True,
                               help_text='Ordered list of {"type": ..., "params": {...}}.')
    status = models.CharField(max_length=10, choices=RuleStatus.choices, default=RuleStatus.DRAFT)
    priority = models.PositiveIntegerField(default=100, help_text="Lower numbers run first.")
    stop_if_false = models.BooleanField(default=False, help_text="Stop evaluating later rules when the condition "
                                                                 "is false (abortEvaluationIfFalse).")
    stop_on_error = models.BooleanField(default=False, help_text="Stop evaluating later rules when the condition "
                                                                 "fails to evaluate (abortEvaluationOnError).")
    stop_after_match = models.BooleanField(default=False, help_text="Stop evaluating later rules once this one "
                                                                    "has fired.")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    days_of_week = models.JSONField(default=list, blank=True, help_text="ISO weekdays 1 (Mon) to 7 (Sun); empty: all.")
    stores = models.ManyToManyField("organizations.Store", blank=True, related_name="+")
    zones = models.ManyToManyField("organizations.Zone", blank=True, related_name="+",
                                   help_text="Stores in these zones (or their sub-zones).")
    audience_labels = models.JSONField(default=list, blank=True, help_text="Customer label names; empty: everyone.")
    audience_tiers = models.JSONField(default=list, blank=True, help_text="Tier names or numbers; empty: every tier.")
    max_points_per_bill = models.DecimalField(**POINTS, null=True, blank=True, validators=POSITIVE)
    max_points_per_customer = models.DecimalField(**POINTS, null=True, blank=True, validators=POSITIVE)
    customer_cap_period = models.CharField(max_length=10, choices=CapPeriod.choices, default=CapPeriod.MONTH)
    budget_points = models.DecimalField(**POINTS, null=True, blank=True, validators=POSITIVE,
                                        help_text="Total points this rule may ever award.")
    allow_partial_on_cap = models.BooleanField(default=True, help_text="When a cap is reached, award what is left "
                                                                       "(else award nothing).")
    system_key = models.CharField(max_length=40, blank=True, editable=False,
                                  help_text="Set on rules the platform manages (the default earn rule).")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "program", "system_key"], condition=~Q(system_key=""),
                                    name="%(app_label)s_%(class)s_unique_system_key"),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                                   | Q(valid_until__gt=models.F("valid_from")),
                                   name="%(app_label)s_%(class)s_window_ordered"),
        ]
        indexes = [
            # The engine's candidate lookup: org, event, status, programme, in evaluation order.
            models.Index(fields=["org", "event_type", "status", "program", "priority", "id"],
                         name="rules_rule_candidates_idx"),
            models.Index(fields=["org", "priority", "id"], name="rules_rule_org_order_idx"),  # Default ordering
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        days = self.days_of_week or []
        if not isinstance(days, list) or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7
                                             for d in days):
            errors["days_of_week"] = "List ISO weekday numbers from 1 (Monday) to 7 (Sunday)."
        for name in ("audience_labels", "audience_tiers"):
            values = getattr(self, name) or []
            if not isinstance(values, list) or any(not isinstance(v, str) or not v.strip() for v in values):
                errors[name] = "List non-empty names."
        if not isinstance(self.effects, list):
            errors["effects"] = "Effects are a list."
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "The end of the validity window must be after its start."
        if errors:
            raise ValidationError(errors)


class RuleAward(OrgOwned):
    """What the rules awarded one customer for one event in one ledger credit: the total, each rule's share and
    each award's key (the history behind customer caps, budgets and backtests, and the record replays read).

    One row per credit, not per rule: a bill that 13 rules award writes one row, with 13 entries in `rules` and in
    `effects`. Written on every bill, so it carries only the indexes its readers use.
    """

    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by rules_award_customer_idx (customer, awarded_at), which the customer's foreign key uses too.
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+", db_index=False)
    program = models.ForeignKey("points.LoyaltyProgram", on_delete=models.PROTECT, related_name="+",
                                db_index=False)  # no reader looks awards up by programme
    points = models.DecimalField(**POINTS, help_text="All the rules' awards in this credit.")
    rules = models.JSONField(default=dict, blank=True, help_text='Points by rule id: {"12": "25.000"}.')
    effects = models.JSONField(default=dict, blank=True,
                               help_text="Points by award key (a rule's effect for this event), for replays.")
    source_type = models.CharField(max_length=16)
    source_ref = models.CharField(max_length=128)
    idempotency_key = models.CharField(max_length=200, help_text="The ledger credit's key.")
    ledger_entry = models.ForeignKey("points.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    awarded_at = models.DateTimeField(help_text="When the event happened (caps count periods by this).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "idempotency_key"], name="%(app_label)s_%(class)s_unique_key"),
        ]
        indexes = [
            # A customer's awards in a cap period, when the period has no tally yet (RuleCustomerTally).
            models.Index(fields=["customer", "awarded_at"], name="rules_award_customer_idx"),
            # Replays and backtests: the awards of a set of bills.
            models.Index(fields=["org", "source_type", "source_ref"], name="rules_award_source_idx"),
            models.Index(fields=["org", "-created_at", "-id"], name="rules_award_org_created_idx"),  # Default ordering
        ]

    def __str__(self) -> str:
        return f"{self.points} points by {len(self.rules)} rule(s) to customer {self.customer_id}"

    def rule_points(self) -> dict[int, Decimal]:
        return self.shares_of(self.rules)

    @staticmethod
    def shares_of(rules: dict) -> dict[int, Decimal]:
        """Points by rule id from a row's `rules` JSON (also when read with values_list)."""
        return {int(rule_id): Decimal(points) for rule_id, points in rules.items()}


class RuleCustomerTally(OrgOwned):
    """Points one rule has awarded one customer in one cap period: what a per-customer cap reads (one row by its
    unique key) instead of summing the customer's award history on every event. Written with each award under the
    customer's row lock, in the award's transaction. A period without a row (the first award in it, or a cap whose
    period or the org's time zone changed) is summed from the award history once, and its row starts from there."""

    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField(max_length=80, help_text="The cap period: its start and end (ISO, the org's local "
                                                            "time), or LIFETIME.")
    points = models.DecimalField(**POINTS, default=Decimal("0"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["org_id", "rule_id", "customer_id", "period_key"]  # the unique key's index order
        verbose_name_plural = "rule customer tallies"
        constraints = [
            models.UniqueConstraint(fields=["org", "rule", "customer", "period_key"],
                                    name="rules_cap_tally_unique_key"),
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id}, customer {self.customer_id}, {self.period_key}: {self.points}"


class RuleTally(OrgOwned):
    """Running total of a budgeted rule's awards; its row lock serialises awards against the budget."""

    rule = models.OneToOneField(Rule, on_delete=models.CASCADE, related_name="tally")
    awarded_points = models.DecimalField(**POINTS, default=Decimal("0"))
    award_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return f"rule {self.rule_id}: {self.awarded_points}"


class RuleOutboxEvent(OrgOwned):
    """An event a rule emitted, written in the event's transaction; webhook delivery reads pending rows later."""

    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event_name = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    source_type = models.CharField(max_length=16, blank=True)
    source_ref = models.CharField(max_length=128, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "dedupe_key"], name="%(app_label)s_%(class)s_unique_dedupe_key"),
        ]
        indexes = [
            models.Index(fields=["created_at", "id"], condition=Q(delivered_at__isnull=True),
                         name="rules_outbox_pending_idx"),
            models.Index(fields=["org", "-created_at", "-id"], name="rules_outbox_org_created_idx"),  # Default ordering
        ]

    def __str__(self) -> str:
        return f"{self.event_name} ({self.source_type} {self.source_ref})"


class ProgramRuleSettings(OrgOwned):
    """Per-programme earning settings the engine reads (how a tier-crossing bill earns)."""

    program = models.OneToOneField("points.LoyaltyProgram", on_delete=models.CASCADE, related_name="rule_settings")
    tier_crossing = models.CharField(max_length=20, choices=TierCrossing.choices,
                                     default=TierCrossing.EARN_THEN_UPGRADE)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program_id"]
        verbose_name_plural = "programme rule settings"

    def __str__(self) -> str:
        return f"{self.program}: {self.get_tier_crossing_display()}"


class Backtest(OrgOwned):
    """A what-if run of a set of rules over past bills; the result compares would-be and actual points per rule."""

    rules = models.ManyToManyField(Rule, related_name="+")
    start = models.DateField()
    end = models.DateField()
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at", "-id"], name="rules_backtest_org_created_idx")]

    def __str__(self) -> str:
        return f"Backtest #{self.pk} {self.start} to {self.end}"
