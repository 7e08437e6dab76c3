"""Admin base class that keeps every tenant's staff inside their own organisation, and the job-run screens."""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from .models import JobRun


def _is_org_owned(model) -> bool:
    try:
        field = model._meta.get_field("org")
    except Exception:  # noqa: BLE001 (FieldDoesNotExist)
        return False
    return field.is_relation and field.related_model._meta.label == "organizations.Organization"


class OrgScopedAdmin(admin.ModelAdmin):
    """Staff see and edit only their org's rows; platform operators (superusers without an org) see all."""

    show_full_result_count = False  # no COUNT(*) over the whole table on every changelist

    def _org(self, request):
        return getattr(request, "org", None) or getattr(request.user, "org", None)

    def _is_operator(self, request) -> bool:
        return request.user.is_superuser and self._org(request) is None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._is_operator(request):
            return qs
        org = self._org(request)
        return qs.filter(org=org) if org is not None else qs.none()

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not self._is_operator(request) and "org" not in exclude:
            exclude.append("org")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if self._is_operator(request):
            filters.insert(0, "org")
        return filters

    def save_model(self, request, obj, form, change):
        if not change and not getattr(obj, "org_id", None):
            obj.org = self._org(request)
        super().save_model(request, obj, form, change)

    def _scope_related(self, request, db_field, kwargs):
        related = db_field.related_model
        org = self._org(request)
        if org is not None and _is_org_owned(related):
            kwargs["queryset"] = related._default_manager.filter(org=org)
        elif org is not None and related._meta.label == "organizations.Organization":
            kwargs["queryset"] = related._default_manager.filter(pk=org.pk)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_related(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_related(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Ledger-like rows: viewable, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "kind", "status", "progress", "done", "failed", "total", "created_at", "finished_at")
    list_filter = ("status", "kind")
    list_select_related = ("org",)
    readonly_fields = ("kind", "status", "total", "done", "failed", "parameters", "log", "created_by", "created_at",
                       "started_at", "finished_at")
    ordering = ("-created_at",)

    @admin.display(description="Progress")
    def progress(self, obj):
        return format_html('<progress value="{}" max="100" aria-label="{}% done"></progress> {}%',
                           obj.percent, obj.percent, obj.percent)


