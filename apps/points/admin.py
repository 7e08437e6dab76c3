"""Back office for programmes and the points ledger.

Programme settings are grouped by concern; accounts, entries, lots, redemptions, transfers and validation codes are
read-only (the ledger changes only through services). Extra screens: an account's statement (entries with the lots
each one touched), a manual adjustment form (points_adjust), and the points liability by expiry month.
"""
from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import selectors
from .models import LedgerEntry, LoyaltyProgram, PointsAccount, PointsLot, Redemption, Transfer, ValidationCode
from .services import Actor, ledger_check, points_adjust, points_amount
from .services.program_settings import program_settings_save

# Above this many selected accounts the invariant check runs as a background job (JobRun) instead of inline.
INLINE_CHECK_LIMIT = 5000
STATEMENT_PAGE_SIZE = 50


class ProgramFilter(admin.SimpleListFilter):
    """Programmes of the staff member's own org (a plain FK filter would list every org's programmes)."""

    title = "programme"
    parameter_name = "program"
    field = "program_id"

    def lookups(self, request, model_admin):
        org = getattr(request, "org", None) or getattr(request.user, "org", None)
        programs = LoyaltyProgram.objects.all() if org is None else LoyaltyProgram.objects.for_org(org)
        return [(p.pk, p.name) for p in programs.order_by("name", "id")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class EntryProgramFilter(ProgramFilter):
    field = "account__program_id"


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(OrgScopedAdmin):
    list_display = ("name", "point_value", "is_default", "is_active", "expiry_policy", "min_redeem_points",
                    "validation_code_required", "created_at")
    list_filter = ("is_default", "is_active", "expiry_policy")
    search_fields = ("name",)
    readonly_fields = ("created_at",)
    actions = ["check_invariants"]
    change_list_template = "points/admin/program_change_list.html"
    fieldsets = (
        (None, {"fields": ("org", "name", "description", "is_default", "is_active", "point_value", "created_at")}),
        ("Earning", {"fields": ("points_decimals", "rounding_mode", "promised_delay_days")}),
        ("Redemption", {"fields": ("min_redeem_points", "max_redeem_per_bill", "redeem_multiple", "eligibility_basis",
                                   "eligibility_threshold", "allow_redemption_reversal")}),
        ("Validation codes", {"fields": ("validation_code_required", "otp_validity_minutes", "otp_max_attempts")}),
        ("Expiry", {"fields": ("expiry_policy", "expiry_days", "expiry_months", "expiry_fixed_date",
                               "rolling_window_days", "reminder_offsets_days")}),
        ("Returns", {"fields": ("deficit_policy",)}),
        ("Transfers", {"fields": ("allow_transfer", "min_transfer_points")}),
    )

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if self._is_operator(request):
            return sets
        first = (sets[0][0], {"fields": tuple(f for f in sets[0][1]["fields"] if f != "org")})
        return (first, *sets[1:])

    def save_model(self, request, obj, form, change):
        if not change and not getattr(obj, "org_id", None):
            obj.org = self._org(request)
        program_settings_save(org=obj.org, program=obj)

    @admin.action(description="Check ledger invariants of the selected programmes' accounts")
    def check_invariants(self, request, queryset):
        accounts = PointsAccount.objects.filter(program__in=queryset)
        _check_accounts(self, request, accounts)

    def get_urls(self):
        return [path("liability/", self.admin_site.admin_view(self.liability_view), name="points_liability"),
                *super().get_urls()]

    def liability_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        org = None if self._is_operator(request) else self._org(request)
        rows = selectors.liability_by_month(org=org)
        totals: dict[tuple, dict] = {}
        for row in rows:
            total = totals.setdefault((row["org"], row["program"], row["currency"]), {
                "org": row["org"], "program": row["program"], "currency": row["currency"], "available": Decimal(0),
                "value": Decimal(0), "promised": Decimal(0)})
            total["available"] += row["available"]
            total["value"] += row["value"]
            total["promised"] += row["promised"]
        context = {**self.admin_site.each_context(request), "title": "Points liability by expiry month",
                   "rows": rows, "totals": list(totals.values()), "show_org": org is None, "opts": self.model._meta}
        return TemplateResponse(request, "points/admin/liability.html", context)


def _check_accounts(model_admin, request, accounts) -> None:
    """Run ledger_check over the accounts inline, or as the nightly job's task when there are too many."""
    ids = list(accounts.order_by("pk").values_list("pk", flat=True)[:INLINE_CHECK_LIMIT + 1])
    if len(ids) > INLINE_CHECK_LIMIT:
        from .tasks import points_ledger_check_task

        for org_id in sorted(set(accounts.values_list("org_id", flat=True))):
            points_ledger_check_task.delay(org_id=org_id)
        model_admin.message_user(request, "Too many accounts to check here: a ledger check job was started; "
                                          "follow it under Job runs.", messages.INFO)
        return
    problems = ledger_check(account_ids=ids)
    if not problems:
        model_admin.message_user(request, f"{len(ids)} accounts checked: every balance matches its entries and lots.",
                                 messages.SUCCESS)
        return
    listed = "; ".join(f"account {p.account_id}: {p.message}" for p in problems[:20])
    model_admin.message_user(request, f"{len(problems)} invariant violations in {len(ids)} accounts: {listed}",
                             messages.ERROR)


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(max_digits=18, decimal_places=3,
                                help_text="Positive to credit, negative to debit (first-expiring points first).")
    reason = forms.CharField(max_length=250)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "customer", "program", "currency", "available", "promised", "negative_balance",
                    "lifetime_earned", "redeemed", "expired", "updated_at", "links")
    list_select_related = ("customer", "program", "currency__program")
    list_filter = (ProgramFilter,)
    search_fields = ("=id", "=customer__id")
    readonly_fields = ("customer", "program", "currency", "available", "promised", "negative_balance",
                       "lifetime_earned", "redeemed", "expired", "revoked", "adjusted", "transferred_in",
                       "transferred_out", "shortfall", "allow_negative", "created_at", "updated_at")
    raw_id_fields = ("customer",)
    actions = ["check_invariants"]
    ordering = ("-id",)

    @admin.display(description="")
    def links(self, obj):
        return format_html('<a href="{}">statement</a> · <a href="{}">adjust</a>',
                           reverse("admin:points_account_statement", args=[obj.pk]),
                           reverse("admin:points_account_adjust", args=[obj.pk]))

    @admin.action(description="Check ledger invariants of the selected accounts")
    def check_invariants(self, request, queryset):
        _check_accounts(self, request, queryset)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:account_id>/statement/", view(self.statement_view), name="points_account_statement"),
                path("<int:account_id>/adjust/", view(self.adjust_view), name="points_account_adjust"),
                *super().get_urls()]

    def _account(self, request, account_id) -> PointsAccount:
        account = self.get_queryset(request).select_related("customer", "program", "currency").filter(
            pk=account_id).first()
        if account is None:
            raise Http404("No such account")
        return account

    def _context(self, request, account, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "account": account, **extra}

    def statement_view(self, request, account_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        account = self._account(request, account_id)
        page = Paginator(selectors.account_statement(account=account), STATEMENT_PAGE_SIZE).get_page(
            request.GET.get("page"))
        return TemplateResponse(request, "points/admin/statement.html", self._context(
            request, account, title=f"Statement of account {account.pk}", page=page))

    def adjust_view(self, request, account_id):
        if not request.user.has_perm("points.add_ledgerentry"):
            raise PermissionDenied
        account = self._account(request, account_id)
        if request.method == "POST":
            form = AdjustmentForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    points_amount(abs(data["points"]), program=account.program)
                    points_adjust(org=account.org, customer=account.customer, program=account.program,
                                  points=data["points"], reason=data["reason"], actor=Actor.for_staff(request.user),
                                  idempotency_key=f"admin-adjust:{account.org_id}:{data['token']}")
                except DomainError as exc:
                    form.add_error(None, f"{exc.message} (code {exc.code})")
                else:
                    self.message_user(request, f"Adjusted account {account.pk} by {data['points']} points.",
                                      messages.SUCCESS)
                    return redirect("admin:points_account_statement", account.pk)
        else:
            form = AdjustmentForm(initial={"token": uuid.uuid4().hex})
        return TemplateResponse(request, "points/admin/adjust.html", self._context(
            request, account, title=f"Adjust account {account.pk}", form=form))


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "account", "customer", "kind", "available_delta", "promised_delta", "available_after",
                    "promised_after", "source_type", "source_ref", "till", "created_at")
    list_select_related = ("account__customer", "till")
    list_filter = ("kind", "source_type", EntryProgramFilter)
    search_fields = ("=id", "=account__id", "=account__customer__id", "source_ref")
    ordering = ("-id",)

    @admin.display(description="Customer")
    def customer(self, obj):
        return obj.account.customer


@admin.register(PointsLot)
class PointsLotAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "account", "state", "amount", "remaining", "expired_amount", "earned_at", "expires_at",
                    "available_from", "source_type", "source_ref", "is_transferable")
    list_select_related = ("account",)
    list_filter = ("state", "source_type", EntryProgramFilter)
    search_fields = ("=id", "=account__id", "=account__customer__id", "source_ref")
    ordering = ("-id",)


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("code", "customer", "points", "value", "bill_number", "external_reference", "status",
                    "reversed_points", "till", "redeemed_at")
    list_select_related = ("customer", "till")
    list_filter = ("status",)
    search_fields = ("code", "bill_number", "external_reference", "=customer__id")
    ordering = ("-redeemed_at", "-id")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("code", "from_account", "to_account", "points", "notes", "created_at")
    list_select_related = ("from_account", "to_account")
    search_fields = ("code", "=from_account__customer__id", "=to_account__customer__id")
    ordering = ("-created_at", "-id")


@admin.register(ValidationCode)
class ValidationCodeAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "customer", "purpose", "channel", "attempts", "max_attempts", "created_at", "expires_at",
                    "used_at")
    list_select_related = ("customer",)
    list_filter = ("purpose", "channel")
    exclude = ("nonce",)  # with the server's secret the nonce gives the code away
    search_fields = ("=customer__id",)
    ordering = ("-created_at", "-id")
