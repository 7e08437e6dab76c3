"""Back-office screens: rules (edited through the services), awards and outbox (read-only), programme settings,
and backtests (form: rules + date range → job → result page)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import services
from .choices import RuleStatus
from .forms import BacktestForm, RuleAdminForm
from .models import Backtest, ProgramRuleSettings, Rule, RuleAward, RuleCustomerTally, RuleOutboxEvent
from .presentation import backtest_result_html

RULE_FIELDS = ("name", "description", "event_type", "condition", "effects", "status", "priority", "stop_if_false",
               "stop_on_error", "stop_after_match", "valid_from", "valid_until", "days_of_week", "audience_labels",
               "audience_tiers", "max_points_per_bill", "max_points_per_customer", "customer_cap_period",
               "budget_points", "allow_partial_on_cap")


@admin.register(Rule)
class RuleAdmin(OrgScopedAdmin):
    form = RuleAdminForm
    list_display = ("name", "program", "event_type", "status", "priority", "valid_from", "valid_until", "updated_at")
    list_filter = ("status", "event_type", "program")
    list_select_related = ("program",)
    search_fields = ("name", "description")
    ordering = ("priority", "id")
    filter_horizontal = ("stores", "zones")
    readonly_fields = ("version", "system_key", "created_by", "created_at", "updated_at")
    actions = ["run_selected", "disable_selected", "draft_selected", "backtest_selected"]
    fieldsets = (
        (None, {"fields": ("program", "name", "description", "event_type", "status", "priority")}),
        ("Condition and effects", {"fields": ("condition", "effects")}),
        ("Stop processing", {"fields": ("stop_if_false", "stop_on_error", "stop_after_match")}),
        ("When and where", {"fields": ("valid_from", "valid_until", "days_of_week", "stores", "zones")}),
        ("Audience", {"fields": ("audience_labels", "audience_tiers")}),
        ("Caps", {"fields": ("max_points_per_bill", "max_points_per_customer", "customer_cap_period",
                             "budget_points", "allow_partial_on_cap")}),
        ("Record", {"fields": ("version", "system_key", "created_by", "created_at", "updated_at")}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        org = self._org(request)

        class ScopedForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, org=org, **inner)

        return ScopedForm

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in RULE_FIELDS if name in data}
        org = self._org(request) or data["program"].org
        if change:
            saved = services.rule_update(org=org, rule=obj, program=data["program"], stores=data.get("stores", []),
                                         zones=data.get("zones", []), **values)
        else:
            saved = services.rule_create(org=org, program=data["program"], user=request.user,
                                         stores=data.get("stores", []), zones=data.get("zones", []), **values)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        """Stores and zones were set by the service."""

    def _status(self, request, queryset, status):
        done = 0
        for rule in queryset:
            try:
                services.rule_set_status(org=rule.org, rule=rule, status=status)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{rule.name}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} rule(s) now {RuleStatus(status).label.lower()}")

    @admin.action(description="Run selected rules")
    def run_selected(self, request, queryset):
        self._status(request, queryset, RuleStatus.RUNNING)

    @admin.action(description="Disable selected rules")
    def disable_selected(self, request, queryset):
        self._status(request, queryset, RuleStatus.DISABLED)

    @admin.action(description="Return selected rules to draft")
    def draft_selected(self, request, queryset):
        self._status(request, queryset, RuleStatus.DRAFT)

    @admin.action(description="Backtest selected rules")
    def backtest_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:rules_backtest_add')}?rules={ids}")


@admin.register(Backtest)
class BacktestAdmin(OrgScopedAdmin):
    form = BacktestForm
    list_display = ("id", "start", "end", "status", "created_by", "created_at")
    list_select_related = ("job_run", "created_by")
    ordering = ("-created_at", "-id")

    def get_fields(self, request, obj=None):
        return ("rules", "start", "end") if obj is None else ("rule_names", "start", "end", "report")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("rule_names", "start", "end", "report")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "rules":
            formfield.queryset = formfield.queryset.select_related("program").order_by("priority", "id")
        return formfield

    def has_change_permission(self, request, obj=None):
        return False  # a backtest is a record: start a new one instead

    @admin.display(description="Status")
    def status(self, obj):
        return obj.job_run.get_status_display() if obj.job_run else "—"

    @admin.display(description="Rules")
    def rule_names(self, obj):
        return ", ".join(rule.name for rule in obj.rules.order_by("priority", "id"))

    @admin.display(description="Result")
    def report(self, obj):
        return backtest_result_html(obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        org = self._org(request) or data["rules"][0].org
        started = services.backtest_start(org=org, rules=list(data["rules"]), start=data["start"], end=data["end"],
                                          user=request.user)
        obj.pk, obj.org, obj.job_run = started.pk, started.org, started.job_run

    def save_related(self, request, form, formsets, change):
        """The service recorded the rules."""

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:rules_backtest_change", args=[obj.pk]))


class AwardRuleFilter(admin.SimpleListFilter):
    """The award rows a rule has a share in (the staff member's own org's rules)."""

    title = "rule"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        org = getattr(request, "org", None) or getattr(request.user, "org", None)
        rules = Rule.objects.all() if org is None else Rule.objects.for_org(org)
        return [(rule.pk, rule.name) for rule in rules.order_by("name", "id")[:500]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and str(value).isdigit():
            return queryset.filter(rules__has_key=str(int(value)))
        return queryset


@admin.register(RuleAward)
class RuleAwardAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """One row per ledger credit the rules made; each rule's share is in `rules` (the bill's evaluation log names
    them)."""

    list_display = ("id", "customer", "points", "rule_shares", "source_type", "source_ref", "awarded_at")
    list_select_related = ("customer",)
    list_filter = ("source_type", AwardRuleFilter)
    search_fields = ("source_ref", "idempotency_key")
    raw_id_fields = ("customer", "ledger_entry")

    @admin.display(description="points by rule")
    def rule_shares(self, obj: RuleAward) -> str:
        return ", ".join(f"rule {rule_id}: {points}" for rule_id, points in obj.rules.items())


@admin.register(RuleCustomerTally)
class RuleCustomerTallyAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """What each customer has used of a rule's per-customer cap, per cap period (kept with each award)."""

    list_display = ("rule", "customer", "period_key", "points", "updated_at")
    list_select_related = ("rule", "customer")
    raw_id_fields = ("customer",)
    search_fields = ("period_key",)


@admin.register(RuleOutboxEvent)
class RuleOutboxEventAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "event_name", "rule", "source_type", "source_ref", "created_at", "delivered")
    list_select_related = ("rule",)
    list_filter = ("event_name",)

    @admin.display(description="Delivered", boolean=True)
    def delivered(self, obj):
        return obj.delivered_at is not None


@admin.register(ProgramRuleSettings)
class ProgramRuleSettingsAdmin(OrgScopedAdmin):
    list_display = ("program", "tier_crossing", "updated_at")
    list_select_related = ("program",)
    fields = ("program", "tier_crossing")

    def save_model(self, request, obj, form, change):
        org = self._org(request) or obj.program.org
        saved = services.program_rule_settings_set(org=org, program=obj.program,
                                                   tier_crossing=form.cleaned_data["tier_crossing"])
        obj.pk = saved.pk
