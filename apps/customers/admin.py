"""Back-office screens of customers: a changelist searchable by any identifier, filters, read-only inlines,
status actions and a streaming CSV export. Writes go through the services."""
from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.utils.functional import cached_property

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError
from apps.labels.admin import CustomerLabelListFilter, tag_with_label_action
from apps.tiers.admin import adjust_tier_action, tier_adjust_permitted
from apps.organizations.models import Store

from . import selectors, services
from .choices import CustomerStatus, IdentifierType
from .models import (
    Customer, CustomerEvent, CustomerIdentifier, CustomerNote, CustomerStatusLabel, CustomerSubscription,
)

# The changelist counts at most this many matching rows (a bounded COUNT over a LIMIT subquery).
COUNT_CAP = 10_000
EXPORT_COLUMNS = ("id", "first_name", "last_name", "mobile", "email", "external_id", "loyalty_type", "status",
                  "status_label", "registered_on", "registered_source", "registered_store")
STATUS_ACTIONS = (CustomerStatus.ACTIVE, CustomerStatus.SUSPENDED, CustomerStatus.FRAUD_SUSPECTED,
                  CustomerStatus.DELETED)


class CappedCountPaginator(Paginator):
    """Counts up to COUNT_CAP rows, so a filter matching a million customers does not scan them all."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[:COUNT_CAP].count()


class RegisteredStoreFilter(admin.SimpleListFilter):
    """Registration store, offering only the logged-in staff member's stores."""

    title = "registration store"
    parameter_name = "registered_store"

    def lookups(self, request, model_admin):
        stores = Store.objects.order_by("code", "id")
        org = getattr(request, "org", None)
        if org is not None:
            stores = stores.filter(org=org)
        return [(str(s.pk), s.name) for s in stores[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(registered_store_id=self.value()) if self.value() else queryset


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdentifierInline(_ReadOnlyInline):
    model = CustomerIdentifier
    fields = readonly_fields = ("type", "value", "source", "account_id", "created_at")


class SubscriptionInline(_ReadOnlyInline):
    model = CustomerSubscription
    fields = readonly_fields = ("channel", "priority", "source", "account_id", "is_subscribed", "reason", "updated_at")


class NoteInline(_ReadOnlyInline):
    model = CustomerNote
    fields = readonly_fields = ("note_date", "description", "created_by_till")


def _status_action(status: str):
    def action(modeladmin, request, queryset):
        changed = 0
        for customer in queryset.order_by("pk")[:COUNT_CAP]:
            try:
                services.customer_status_change(org=customer.org, customer=customer, label=status,
                                                reason=f"Changed in the back office by {request.user.username}",
                                                user=request.user)
                changed += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"Customer {customer.pk}: {exc.message}", messages.ERROR)
        modeladmin.message_user(request, f"{changed} customer(s) moved to {CustomerStatus(status).label}")

    action.__name__ = f"mark_{status.lower()}"
    return admin.action(description=f"Change status to {CustomerStatus(status).label}", permissions=["change"])(action)


class _Echo:
    def write(self, value):
        return value


@admin.register(Customer)
class CustomerAdmin(OrgScopedAdmin):
    list_display = ("id", "first_name", "last_name", "mobile", "status_label", "loyalty_type", "registered_source",
                    "registered_store", "registered_on")
    list_select_related = ("registered_store",)
    list_filter = ("status", "loyalty_type", "registered_source", RegisteredStoreFilter, CustomerLabelListFilter)
    search_fields = ("first_name",)  # replaced by get_search_results below (identifier / name prefix)
    search_help_text = ("Mobile, email, external id or card number (whole or leading part), or part of a first or "
                        "last name")
    paginator = CappedCountPaginator
    ordering = ("-id",)
    inlines = [IdentifierInline, SubscriptionInline, NoteInline]
    actions = [*(_status_action(s) for s in STATUS_ACTIONS), "export_csv", tag_with_label_action,
               adjust_tier_action]

    def has_tier_adjust_permission(self, request) -> bool:
        return tier_adjust_permitted(request)
    fields = ("first_name", "last_name", "gender", "birth_date", "anniversary_date", "language", "loyalty_type",
              "status", "status_label", "status_reason", "fraud_status", "registered_on", "registered_source",
              "registered_store", "registered_till", "extended_fields", "custom_fields", "referral_code")
    readonly_fields = ("loyalty_type", "status", "status_label", "status_reason", "fraud_status", "registered_on",
                       "registered_source", "registered_store", "registered_till", "extended_fields",
                       "custom_fields", "referral_code")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("identifiers")

    def has_add_permission(self, request):
        return False  # registration needs identifiers and sources: the API and the till register customers

    @admin.display(description="Mobile")
    def mobile(self, obj):
        return next((i.value for i in obj.identifiers.all() if i.type == IdentifierType.MOBILE), "")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        org = self._org(request)
        if org is not None:
            ids = set(selectors.customer_search(org=org, q=term).values_list("pk", flat=True))
            # Names also match inside ("sharma" finds "Priya Sharma-Iyer"): trigram GIN indexes on PostgreSQL.
            ids.update(selectors.customer_name_contains_ids(org=org, text=term))
        else:  # platform operators: identifier prefix across orgs, bounded
            ids = set(CustomerIdentifier.objects.filter(value__startswith=term).values_list(
                "customer_id", flat=True)[:selectors.SEARCH_MATCH_LIMIT])
        return queryset.filter(pk__in=sorted(ids)), False

    def save_model(self, request, obj, form, change):
        """Profile edits go through customer_update (audit event, validation)."""
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in
                  ("first_name", "last_name", "gender", "language", "birth_date", "anniversary_date")}
        try:
            services.customer_update(org=obj.org, customer=Customer.objects.get(pk=obj.pk), user=request.user,
                                     **{k: ("" if v is None and k in ("gender", "language") else v)
                                        for k, v in fields.items()})
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Export selected customers as CSV")
    def export_csv(self, request, queryset):
        rows = queryset.select_related("registered_store").prefetch_related("identifiers").order_by("pk")
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(EXPORT_COLUMNS)
            for customer in rows.iterator(chunk_size=2000):
                found = {i.type: i.value for i in customer.identifiers.all()}
                yield writer.writerow([
                    customer.pk, customer.first_name, customer.last_name, found.get(IdentifierType.MOBILE, ""),
                    found.get(IdentifierType.EMAIL, ""), found.get(IdentifierType.EXTERNAL_ID, ""),
                    customer.loyalty_type, customer.status, customer.status_label,
                    customer.registered_on.isoformat(), customer.registered_source,
                    customer.registered_store.code if customer.registered_store else ""])

        response = StreamingHttpResponse(lines(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="customers.csv"'
        return response


@admin.register(CustomerStatusLabel)
class CustomerStatusLabelAdmin(OrgScopedAdmin):
    list_display = ("label", "status", "is_default", "description")
    list_filter = ("status", "is_default")
    list_select_related = ("org",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        services.customer_status_label_create(org=self._org(request) or obj.org, label=obj.label, status=obj.status,
                                              description=obj.description, is_default=obj.is_default)


@admin.register(CustomerEvent)
class CustomerEventAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "customer_id", "type", "till", "user", "created_at")
    list_filter = ("type",)
    list_select_related = ("till", "user")
    paginator = CappedCountPaginator
    ordering = ("-id",)
    search_fields = ("=customer__id",)
    readonly_fields = ("customer", "type", "parameters", "till", "user", "created_at")
