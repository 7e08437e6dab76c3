"""Back office for tiers: programme tier settings, the ladder, members and their history, checks, ladder changes.

Ladder changes are proposed with a preview (who would move up or down) and applied by a background job whose
progress shows on its JobRun page. Memberships, history and checks are read-only; a manual adjustment screen calls
the same service as the v2 API.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError
from apps.points.models import LoyaltyProgram

from . import services
from .forms import LadderChangeForm, ManualAdjustmentForm, SelectedAdjustmentForm, TierAdminForm
from .models import LadderChange, Tier, TierChange, TierCheck, TierMembership, TierProgramSettings


def _programs(admin_obj, request):
    org = admin_obj._org(request)
    return LoyaltyProgram.objects.all() if org is None else LoyaltyProgram.objects.for_org(org)


# Above this many selected customers the action refuses (adjust a programme-wide group through a ladder change).
ADJUST_ACTION_MAX = 200


def tier_adjust_permitted(request) -> bool:
    """Who may adjust tiers by hand: staff allowed to change tier memberships (marketers, org admins)."""
    return request.user.has_perm("tiers.change_tiermembership")


# The changelist offering this action defines has_tier_adjust_permission (calling tier_adjust_permitted).
@admin.action(description="Manual tier adjustment of the selected customers", permissions=["tier_adjust"])
def adjust_tier_action(modeladmin, request, queryset):
    """Admin action for a Customer (or TierMembership) changelist: pick the programme, action, validity and reason,
    then adjust each selected customer through tier_manual_adjust (one history row each)."""
    org = modeladmin._org(request) if hasattr(modeladmin, "_org") else None
    column = "customer_id" if queryset.model is TierMembership else "pk"
    ids = list(queryset.order_by(column).values_list(column, flat=True).distinct()[:ADJUST_ACTION_MAX + 1])
    if len(ids) > ADJUST_ACTION_MAX:
        modeladmin.message_user(request, f"Select at most {ADJUST_ACTION_MAX} customers.", messages.ERROR)
        return None
    programs = LoyaltyProgram.objects.all() if org is None else LoyaltyProgram.objects.for_org(org)
    form = SelectedAdjustmentForm(request.POST if "apply" in request.POST else None, programs=programs)
    if "apply" in request.POST and form.is_valid():
        from apps.customers.models import Customer

        data, done, failed = form.cleaned_data, 0, []
        program = data["program"]
        for customer in Customer.objects.filter(org_id=program.org_id, pk__in=ids).order_by("pk"):
            try:
                services.tier_manual_adjust(
                    org=program.org, customer=customer, program=program, action=data["slab_action"],
                    to_tier_name=data["to_tier"], validity=data["validity"], validity_upto=data["validity_upto"],
                    reassess_on_next_activity=data["reassess_on_next_activity"], reason=data["reason"],
                    actor=f"staff:{request.user.pk}")
                done += 1
            except DomainError as exc:
                failed.append(f"{customer.pk}: {exc.message}")
        modeladmin.message_user(request, f"{done} customer(s) adjusted.", messages.SUCCESS)
        if failed:
            modeladmin.message_user(request, "Not adjusted — " + "; ".join(failed[:20]), messages.WARNING)
        return None
    context = {**modeladmin.admin_site.each_context(request), "title": "Manual tier adjustment",
               "opts": modeladmin.model._meta, "form": form, "count": len(ids),
               "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
               "action_name": request.POST.get("action", "adjust_tier_action"),
               "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME}
    return TemplateResponse(request, "tiers/admin/adjust_selected.html", context)


@admin.register(TierProgramSettings)
class TierProgramSettingsAdmin(OrgScopedAdmin):
    list_display = ("program", "criterion", "validity_mode", "renewal_combine", "downgrade_enabled", "downgrade_mode",
                    "downgrade_on_return", "manual_is_floor")
    list_select_related = ("program",)
    fieldsets = (
        (None, {"fields": ("program",)}),
        ("Upgrade", {"fields": ("criterion", "tracker_metric", "tracker_window_days", "secondary_criterion",
                                "secondary_required")}),
        ("Validity", {"fields": ("validity_mode", "validity_months", "fixed_month", "fixed_day",
                                 "min_duration_months")}),
        ("Renewal and downgrade", {"fields": ("renewal_combine", "renewal_any_count", "downgrade_enabled",
                                              "downgrade_mode", "downgrade_on_return", "reminder_days",
                                              "manual_is_floor")}),
    )

    actions = ["upgrade_everyone"]

    def get_readonly_fields(self, request, obj=None):
        return ("program",) if obj else ()

    @admin.action(description="Re-evaluate every customer of the selected programmes now (upgrades only)")
    def upgrade_everyone(self, request, queryset):
        for settings in queryset.select_related("program__org"):
            moved = services.tiers_upgrade_all(org=settings.program.org, program=settings.program,
                                               reason=f"Re-evaluated by staff {request.user.pk}")
            self.message_user(request, f"{settings.program}: {moved} customer(s) upgraded.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.cleaned_data if name not in ("program", "org")}
        saved = services.tier_settings_set(org=obj.program.org, program=obj.program, **values)
        obj.pk, obj.org_id = saved.pk, saved.org_id


@admin.register(Tier)
class TierAdmin(OrgScopedAdmin):
    """The ladder: tiers are appended on top here; inserting, retiring and threshold changes are ladder changes."""

    form = TierAdminForm
    list_display = ("name", "program", "serial", "threshold", "secondary_threshold", "earn_multiplier",
                    "max_redeem_per_bill", "renewal", "members", "is_active")
    list_select_related = ("program",)
    list_filter = ("is_active",)
    ordering = ("program", "-is_active", "serial")
    fields = ("program", "name", "description", "colour", "threshold", "secondary_threshold", "earn_multiplier",
              "max_redeem_per_bill", "renew_purchase_amount", "renew_visits", "renew_points", "serial", "is_active",
              "retired_at")

    def get_queryset(self, request):
        members = (TierMembership.objects.filter(tier=OuterRef("pk")).values("tier")
                   .annotate(n=Count("id")).values("n"))
        return super().get_queryset(request).annotate(member_count=Coalesce(Subquery(members), 0))

    def get_readonly_fields(self, request, obj=None):
        base = ("serial", "is_active", "retired_at")
        return base + ("program", "threshold") if obj else base

    @admin.display(description="Members", ordering="member_count")
    def members(self, obj):
        return obj.member_count

    @admin.display(description="Renewal")
    def renewal(self, obj):
        return ", ".join(f"{k.lower()} {v:f}" for k, v in obj.renewal_conditions.items()) or "—"

    def has_delete_permission(self, request, obj=None):
        return False  # tiers are retired through a ladder change, never deleted

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items()
                if k in services.ladder.TIER_FIELDS and (change is False or k in form.changed_data)}
        try:
            if change:
                saved = services.tier_update(org=obj.org, tier=obj, **data)
            else:
                saved = services.tier_create(org=obj.program.org, program=obj.program,
                                             threshold=form.cleaned_data.get("threshold") or 0, **data)
        except DomainError as exc:  # the form checked the ladder; a concurrent change can still refuse it
            self.message_user(request, exc.message, messages.ERROR)
            raise
        obj.pk, obj.org_id, obj.serial = saved.pk, saved.org_id, saved.serial


@admin.register(TierMembership)
class TierMembershipAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("customer", "program", "tier", "since", "valid_until", "source", "is_manual", "floor_tier",
                    "manual_until", "return_check_on", "links")
    list_select_related = ("customer", "program", "tier", "floor_tier")
    list_filter = ("source", "is_manual")
    search_fields = ("=customer__id",)
    raw_id_fields = ("customer", "upgrade_bill", "floor_tier")
    ordering = ("-updated_at", "-id")
    actions = [adjust_tier_action]

    def has_tier_adjust_permission(self, request) -> bool:
        return tier_adjust_permitted(request)

    @admin.display(description="")
    def links(self, obj):
        return format_html('<a href="{}?customer__id__exact={}">history</a> · <a href="{}?customer_id={}&program={}">'
                           'adjust</a>', reverse("admin:tiers_tierchange_changelist"), obj.customer_id,
                           reverse("admin:tiers_manual_adjust"), obj.customer_id, obj.program_id)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("adjust/", view(self.adjust_view), name="tiers_manual_adjust"), *super().get_urls()]

    def adjust_view(self, request):
        """Manual tier adjustment (tier_manual_adjust) with a reason and an optional expiry."""
        if not request.user.has_perm("tiers.change_tiermembership") and not request.user.is_superuser:
            raise PermissionDenied
        programs = _programs(self, request)
        form = ManualAdjustmentForm(request.POST or None, programs=programs,
                                    initial={"customer_id": request.GET.get("customer_id"),
                                             "program": request.GET.get("program")})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            program = data["program"]
            from apps.customers.models import Customer

            customer = Customer.objects.filter(org_id=program.org_id, pk=data["customer_id"]).first()
            if customer is None:
                form.add_error("customer_id", "No such customer in this programme's organisation")
            else:
                try:
                    result = services.tier_manual_adjust(
                        org=program.org, customer=customer, program=program, action=data["slab_action"],
                        to_tier_name=data["to_tier"], validity=data["validity"], validity_upto=data["validity_upto"],
                        reassess_on_next_activity=data["reassess_on_next_activity"], reason=data["reason"],
                        actor=f"staff:{request.user.pk}")
                except DomainError as exc:
                    form.add_error(None, f"{exc.message} (code {exc.code})")
                else:
                    change = result.change
                    self.message_user(request, f"{customer}: {change.from_name} → {change.to_name}.",
                                      messages.SUCCESS)
                    return redirect(f"{reverse('admin:tiers_tierchange_changelist')}"
                                    f"?customer__id__exact={customer.pk}")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": "Manual tier adjustment"}
        return TemplateResponse(request, "tiers/admin/adjust.html", context)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """Tier history: every change with its source."""

    list_display = ("created_at", "customer", "program", "from_name", "to_name", "change_type", "source",
                    "valid_until", "reason", "bill", "store", "actor")
    list_select_related = ("customer", "program", "bill", "store")
    list_filter = ("source", "change_type")
    search_fields = ("=customer__id",)
    ordering = ("-created_at", "-id")


@admin.register(TierCheck)
class TierCheckAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("check_date", "kind", "outcome", "customer", "program", "created_at")
    list_select_related = ("customer", "program")
    list_filter = ("kind", "outcome")
    search_fields = ("=customer__id",)
    ordering = ("-check_date", "-id")


@admin.register(LadderChange)
class LadderChangeAdmin(OrgScopedAdmin):
    """Propose (with a preview of who moves), then apply as a background job."""

    form = LadderChangeForm
    list_display = ("id", "program", "kind", "move_down", "status", "moves", "created_at", "applied_at", "job")
    list_select_related = ("program", "job_run")
    list_filter = ("status", "kind")
    readonly_fields = ("status", "preview_table", "job_run", "created_by", "created_at", "applied_at")
    actions = ["apply_selected"]
    ordering = ("-created_at", "-id")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("program", "kind", "params", "move_down") + self.readonly_fields
        return ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("program", "kind", "params", "move_down")
        return ("program", "kind", "params", "move_down", "status", "preview_table", "job_run", "created_by",
                "created_at", "applied_at")

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == "DRAFT"  # drafts one by one; applied changes stay for the record

    @admin.display(description="Moves (up / down / same)")
    def moves(self, obj):
        preview = obj.preview or {}
        return f"{preview.get('up', 0)} / {preview.get('down', 0)} / {preview.get('same', 0)}"

    @admin.display(description="Job")
    def job(self, obj):
        if obj.job_run_id is None:
            return "—"
        return format_html('<a href="{}">{}%</a>', reverse("admin:core_jobrun_change", args=[obj.job_run_id]),
                           obj.job_run.percent)

    @admin.display(description="Preview")
    def preview_table(self, obj):
        preview = obj.preview or {}
        rows = format_html_join("", "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>", (
            (r["serial"], r["name"], " (new)" if r.get("new") else "", r["threshold"], r["customers"])
            for r in preview.get("ladder", [])))
        return format_html("<p>{} up · {} down · {} unchanged, of {} customers (as of {})</p>"
                           "<table><tr><th>#</th><th>Tier</th><th>Threshold</th><th>Customers after</th></tr>{}"
                           "</table>", preview.get("up", 0), preview.get("down", 0), preview.get("same", 0),
                           preview.get("customers", 0), preview.get("at", ""), rows)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = services.ladder_change_create(org=obj.program.org, program=obj.program, kind=obj.kind,
                                                  params=form.cleaned_data["params"], move_down=obj.move_down,
                                                  user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise
        obj.pk, obj.org_id, obj.preview = saved.pk, saved.org_id, saved.preview

    @admin.action(description="Apply the selected ladder change (background job)")
    def apply_selected(self, request, queryset):
        changes = list(queryset.select_related("program__org")[:2])
        if len(changes) != 1:
            self.message_user(request, "Select exactly one ladder change to apply.", messages.ERROR)
            return None
        change = changes[0]
        try:
            run = services.ladder_change_apply_start(org=change.program.org, change=change, user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        self.message_user(request, f"Applying ladder change #{change.pk}: the job re-places {run.total} customers.",
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:core_jobrun_change", args=[run.pk]))
