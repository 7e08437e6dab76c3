"""Back-office screens of customer labels, and the reusable "tag with a label" action for the customer admin."""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import services
from .forms import LabelAdminForm, TagWithLabelForm
from .models import CustomerLabel, CustomerLabelEvent, Label
from .selectors import customers_with_label, label_list_with_counts


def _request_org(modeladmin, request):
    if hasattr(modeladmin, "_org"):
        return modeladmin._org(request)
    return getattr(request, "org", None) or getattr(request.user, "org", None)


@admin.action(description="Tag selected customers with a label", permissions=["change"])
def tag_with_label_action(modeladmin, request, queryset):
    """Admin action for a Customer changelist: pick a label, then tag the selection in a background job.

    Shows an intermediate page with the org's active labels; on confirmation starts a JobRun (see
    services.customer_labels_tag_job_start) and redirects to its progress page.
    """
    org = _request_org(modeladmin, request)
    form = TagWithLabelForm(request.POST if "apply" in request.POST else None, org=org)
    if "apply" in request.POST and form.is_valid():
        label = form.cleaned_data["label"]
        ids = list(queryset.filter(org_id=label.org_id).order_by("pk")
                   .values_list("pk", flat=True)[:services.TAG_JOB_MAX_CUSTOMERS + 1])
        try:
            run = services.customer_labels_tag_job_start(org=label.org, label=label, customer_ids=ids,
                                                         user=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
            return None
        modeladmin.message_user(request, f"Tagging {run.total} customer(s) with “{label.name}” has started.",
                                messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:core_jobrun_change", args=[run.pk]))
    select_across = request.POST.get("select_across") == "1"
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Tag customers with a label",
        "opts": modeladmin.model._meta,
        "form": form,
        "count": queryset.count(),
        "select_across": select_across,
        "selected": [] if select_across else request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_name": request.POST.get("action", "tag_with_label_action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "labels/admin/tag_with_label.html", context)


class _OrgLabelListFilter(admin.SimpleListFilter):
    """Choices are the labels of the staff member's org (every org's for platform operators)."""

    title = "label"
    parameter_name = "label_id"

    def lookups(self, request, model_admin):
        org = _request_org(model_admin, request)
        labels = Label.objects.all() if org is None else Label.objects.for_org(org)
        return [(str(pk), name) for pk, name in labels.order_by("name", "id").values_list("pk", "name")[:200]]

    def _label_id(self):
        try:
            return int(self.value())
        except (TypeError, ValueError):
            return None


class CustomerLabelListFilter(_OrgLabelListFilter):
    """list_filter for the customer admin: customers carrying the chosen label."""

    def queryset(self, request, queryset):
        label_id = self._label_id()
        return customers_with_label(queryset, label_id=label_id) if label_id else queryset


class LinkLabelListFilter(_OrgLabelListFilter):
    def queryset(self, request, queryset):
        label_id = self._label_id()
        return queryset.filter(label_id=label_id) if label_id else queryset


@admin.register(Label)
class LabelAdmin(OrgScopedAdmin):
    form = LabelAdminForm
    list_display = ("name", "description", "is_active", "customer_count", "last_updated_by_till", "updated_at")
    list_select_related = ("last_updated_by_till",)
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    ordering = ("name", "id")

    def get_queryset(self, request):
        return label_list_with_counts(super().get_queryset(request))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"org": obj.org if obj is not None else self._org(request)})

    @admin.display(description="Customers", ordering="customer_count")
    def customer_count(self, obj) -> int:
        return obj.customer_count

    def save_model(self, request, obj, form, change):
        """Writes go through the services, which enforce the org's label rules."""
        org = obj.org if obj.org_id else self._org(request)
        if change:
            saved = services.label_update(org=org, label=obj, name=obj.name, description=obj.description,
                                          is_active=obj.is_active)
        else:
            saved = services.label_create(org=org, name=obj.name, description=obj.description)
            if not obj.is_active:
                saved = services.label_update(org=org, label=saved, is_active=False)
        obj.pk, obj.org = saved.pk, org


@admin.register(CustomerLabel)
class CustomerLabelAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """Who carries which label now (tag and untag through the API or the customer admin's action)."""

    list_display = ("customer", "label", "is_active", "added_at", "added_by_till", "added_by_user", "removed_at")
    list_select_related = ("customer", "label", "added_by_till", "added_by_user")
    list_filter = ("is_active", LinkLabelListFilter)
    search_fields = ("label__name",)
    raw_id_fields = ("customer",)


@admin.register(CustomerLabelEvent)
class CustomerLabelEventAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """The append-only tagging log."""

    list_display = ("created_at", "customer", "label", "action", "till", "user", "job_run")
    list_select_related = ("customer", "label", "till", "user", "job_run")
    list_filter = ("action", LinkLabelListFilter)
