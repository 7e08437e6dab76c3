"""Back-office screens of bills (read-only, with lines, tenders and the evaluation log), the rejected-bill queue
(retrigger / mark failed actions) and the SKU master. Writes go through the services."""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import services
from .models import Bill, BillLine, BillTender, Product, RejectedBill


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BillLineInline(_ReadOnlyInline):
    model = BillLine
    fields = readonly_fields = ("position", "type", "item_code", "description", "category", "brand", "qty", "rate",
                                "value", "discount", "amount", "points", "returned_qty", "returned_amount",
                                "points_returned", "parent_line")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent_line").order_by("position")


class BillTenderInline(_ReadOnlyInline):
    model = BillTender
    fields = readonly_fields = ("mode", "value", "notes", "payment_mode")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment_mode")


@admin.register(Bill)
class BillAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """Bills are ledger-like: viewed, never edited by hand (returns and updates go through the API)."""

    list_display = ("number", "type", "return_type", "customer", "store", "billing_time", "amount", "points",
                    "points_returned", "points_reversed", "return_mode")
    list_filter = ("type", "return_mode", "delivery_status", "source")
    list_select_related = ("org", "customer", "store")
    search_fields = ("=number",)
    date_hierarchy = "billing_time"
    ordering = ("-billing_time", "-id")
    inlines = (BillLineInline, BillTenderInline)
    readonly_fields = ("org", "number", "bill_date", "billing_time", "type", "return_type", "parent", "customer",
                       "program", "store", "till", "source", "account_id", "bill_client_id", "amount", "gross_amount",
                       "discount", "currency", "local_currency", "local_amount", "conversion_ratio", "note",
                       "delivery_status", "outlier_status", "not_interested_reason", "extended_fields",
                       "custom_fields", "customer_identifiers", "redemption_codes", "points", "bill_points",
                       "points_returned", "points_reversed", "returned_amount", "return_mode", "is_fully_returned",
                       "evaluation", "effects_applied", "created_at", "updated_at")
    exclude = ("evaluation_log", "effects", "number_is_unique")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store", "till", "customer", "program", "parent")

    @admin.display(description="Evaluation log")
    def evaluation(self, obj):
        """One row per candidate rule: matched or not, why, and what it awarded."""
        if not obj.evaluation_log:
            return "No rule was evaluated for this bill."
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((item.get("ruleId", ""), item.get("ruleName", ""), "yes" if item.get("matched") else "no",
              item.get("reason", ""), json.dumps(item.get("effects", []))) for item in obj.evaluation_log))
        return format_html('<table><thead><tr><th>Rule</th><th>Name</th><th>Matched</th><th>Reason</th>'
                           '<th>Effects</th></tr></thead><tbody>{}</tbody></table>', rows)

    @admin.display(description="Effects (as credited)")
    def effects_applied(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.effects, indent=2)) if obj.effects else "-"


@admin.register(RejectedBill)
class RejectedBillAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "number", "type", "status", "reason_summary", "store", "till", "attempts", "bill",
                    "created_at")
    list_filter = ("status",)
    list_select_related = ("org", "store", "till", "bill")
    search_fields = ("=number",)
    ordering = ("-created_at", "-id")
    readonly_fields = ("number", "billing_time", "type", "store", "till", "customer_reference", "reason_list",
                       "status", "attempts", "bill", "failed_reason", "payload", "created_at", "updated_at")
    exclude = ("reasons",)
    actions = ("retrigger_selected", "mark_failed_selected")

    def has_change_permission(self, request, obj=None):
        # The change view is a read-only detail page; the actions below need "change" rights.
        return request.user.has_perm("transactions.change_rejectedbill") if obj is None else False

    @admin.display(description="Reasons")
    def reason_summary(self, obj):
        return "; ".join(f"{r.get('code')} {r.get('reason')}" for r in obj.reasons)

    @admin.display(description="Reasons")
    def reason_list(self, obj):
        return format_html_join("", "<li>{} ({}): {}</li>",
                                ((r.get("reason"), r.get("code"), r.get("message")) for r in obj.reasons))

    def _ids(self, queryset) -> list[int]:
        return list(queryset.values_list("pk", flat=True)[:100])

    @admin.action(description="Retrigger selected rejected bills (in the background)", permissions=["change"])
    def retrigger_selected(self, request, queryset):
        try:
            run = services.rejected_bills_retrigger(org=self._org(request), ids=self._ids(queryset), user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"Retrigger job #{run.pk} started for {run.total} bill(s); follow it under "
                                   f"Core > Job runs.", messages.SUCCESS)

    @admin.action(description="Mark selected rejected bills as failed", permissions=["change"])
    def mark_failed_selected(self, request, queryset):
        try:
            results = services.rejected_bills_mark_failed(org=self._org(request), ids=self._ids(queryset),
                                                          reason=f"Marked failed by {request.user.get_username()}")
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        done = sum(1 for r in results if "row" in r)
        skipped = [r["error"].message for r in results if "error" in r]
        self.message_user(request, f"{done} bill(s) marked failed.", messages.SUCCESS)
        if skipped:
            self.message_user(request, "; ".join(skipped), messages.WARNING)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("item_code", "description", "category", "brand", "price", "attributes", "is_active")

    def clean_item_code(self):
        code = self.cleaned_data["item_code"].strip()
        org = getattr(self, "org", None)
        clash = Product.objects.filter(org=org, item_code=code).exclude(pk=self.instance.pk)
        if org is not None and clash.exists():
            raise forms.ValidationError("This item code is already in the product master.")
        return code


@admin.register(Product)
class ProductAdmin(OrgScopedAdmin):
    form = ProductForm
    list_display = ("item_code", "description", "category", "brand", "price", "is_active")
    list_filter = ("is_active", "category", "brand")
    list_select_related = ("org",)
    search_fields = ("item_code", "description")
    ordering = ("item_code", "id")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.org = obj.org if obj is not None else self._org(request)
        return form

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ProductForm.Meta.fields}
        try:
            if change:
                saved = services.product_update(org=obj.org, product=obj, **fields)
            else:
                saved = services.product_create(org=self._org(request), **fields)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk, obj.org_id = saved.pk, saved.org_id
