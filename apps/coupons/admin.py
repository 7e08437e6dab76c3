"""Back office of coupons: the series editor (live counts), issue to a label with a progress bar, code uploads,
coupon search by code, and read-only redemptions, uploads, jobs and events."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import selectors, services
from .choices import AudienceType, CouponStatus, UploadKind
from .codes import code_normalise
from .forms import CouponSeriesAdminForm, IssueToLabelForm, UploadCodesForm
from .models import Coupon, CouponEvent, CouponIssueJob, CouponRedemption, CouponSeries, CouponUpload
from .services.series import EDITABLE


def _count(model, **filters):
    rows = model.objects.filter(series=OuterRef("pk"), **filters).order_by().values("series")
    return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")[:1], output_field=IntegerField()), 0)


@admin.register(CouponSeries)
class CouponSeriesAdmin(OrgScopedAdmin):
    form = CouponSeriesAdminForm
    change_form_template = "admin/coupons/couponseries/change_form.html"
    list_display = ("id", "description", "discount_code", "discount", "code_source", "valid_till", "issued",
                    "redeemed", "actions_links")
    list_select_related = ("org",)
    search_fields = ("description", "discount_code", "series_code")
    list_filter = ("code_source", "discount_type")
    readonly_fields = ("series_code", "live_counts")
    fieldsets = (
        ("Offer", {"fields": ("description", "discount_code", "series_code", "info", "discount_type",
                              "discount_value", "discount_upto", "discount_on", "live_counts")}),
        ("Validity", {"fields": ("valid_till", "expiry_strategy", "expiry_days", "redemption_valid_from",
                                 "redemption_valid_after_days", "redemption_range", "reminder_days")}),
        ("Limits (-1 = unlimited)", {"fields": (
            "max_create", "max_redeem", "redemption_per_coupon_max_limit", "max_redemptions_in_series_per_user",
            "same_user_multiple_redeem", "is_multiple_use_allowed", "is_multiple_vouchers_per_user_allowed",
            "max_vouchers_per_user", "min_days_between_vouchers", "min_days_between_redemption", "min_bill_amount",
            "max_bill_amount", "max_discount_per_customer")}),
        ("Where and what", {"fields": ("store_ids", "zone_ids", "product_codes", "categories",
                                       "mutually_exclusive_series_ids")}),
        ("Who", {"fields": ("any_user", "is_transferrable", "is_validation_required")}),
        ("Codes", {"fields": ("code_source", "code_length", "code_prefix", "code_suffix", "common_code")}),
        ("Messages", {"fields": ("sms_template", "is_sms_disabled", "do_not_resend_existing_voucher",
                                 "client_handling_type", "custom_properties")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            live_issued=_count(Coupon, customer__isnull=False, status=CouponStatus.ISSUED),
            live_redeemed=_count(CouponRedemption, is_reversed=False))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.org = obj.org if obj is not None else self._org(request)
        return form

    @admin.display(description="Discount")
    def discount(self, obj):
        return f"{obj.discount_value}{'%' if obj.discount_type == 'PERC' else ''} on {obj.discount_on}"

    @admin.display(description="Issued", ordering="live_issued")
    def issued(self, obj):
        return obj.live_issued

    @admin.display(description="Redeemed", ordering="live_redeemed")
    def redeemed(self, obj):
        return obj.live_redeemed

    @admin.display(description="")
    def actions_links(self, obj):
        return format_html('<a href="{}">Issue to a label</a> · <a href="{}">Upload codes</a>',
                           reverse("admin:coupons_couponseries_issue", args=[obj.pk]),
                           reverse("admin:coupons_couponseries_upload", args=[obj.pk]))

    @admin.display(description="Issued / redeemed (live)")
    def live_counts(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        counts = selectors.series_live_counts(org=obj.org, series_ids=[obj.pk])[obj.pk]
        return format_html('<span id="coupon-live-counts" data-url="{}">{} issued · {} redeemed</span>',
                           reverse("admin:coupons_couponseries_counts", args=[obj.pk]), counts["issued"],
                           counts["redeemed"])

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in form.cleaned_data if k in EDITABLE}
        try:
            if change:
                saved = services.series_update(org=obj.org, series=obj, data=data)
            else:
                saved = services.series_create(org=self._org(request) or obj.org, data=data)
        except DomainError as exc:  # the form ran the same checks; a race can still refuse
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk, obj.series_code = saved.pk, saved.series_code

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/counts/", view(self.counts_view), name="coupons_couponseries_counts"),
            path("<int:pk>/issue/", view(self.issue_view), name="coupons_couponseries_issue"),
            path("<int:pk>/upload/", view(self.upload_view), name="coupons_couponseries_upload"),
            *super().get_urls(),
        ]

    def _series(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def counts_view(self, request, pk):
        """JSON counts the series screen polls, so issued and redeemed move while a job runs."""
        series = self._series(request, pk)
        return JsonResponse(selectors.series_live_counts(org=series.org, series_ids=[series.pk])[series.pk])

    def _screen(self, request, series, form, title, button):
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta,
                   "original": series, "form": form, "button": button, "media": self.media + form.media}
        return TemplateResponse(request, "admin/coupons/couponseries/job_form.html", context)

    def issue_view(self, request, pk):
        """Issue one coupon of the series to every customer carrying a label, as a job with a progress bar."""
        series = self._series(request, pk)
        if not self.has_change_permission(request, series):
            return HttpResponseRedirect(reverse("admin:coupons_couponseries_changelist"))
        form = IssueToLabelForm(request.POST or None, org=series.org)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.issue_job_start(org=series.org, series_id=series.pk, audience_type=AudienceType.LABEL,
                                               label=form.cleaned_data["label"].name,
                                               notify=form.cleaned_data["notify"], created_by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"Issuing to {job.job_run.total} customer(s) has started.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:core_jobrun_change", args=[job.job_run_id]))
        return self._screen(request, series, form, f"Issue “{series.description}” to a label", "Start issuing")

    def upload_view(self, request, pk):
        """Upload a CSV of codes; the upload's status report lists refused rows."""
        series = self._series(request, pk)
        if not self.has_change_permission(request, series):
            return HttpResponseRedirect(reverse("admin:coupons_couponseries_changelist"))
        form = UploadCodesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            try:
                upload = services.upload_create(
                    org=series.org, series_id=series.pk, file_name=file.name, content=file.read(),
                    customer_identifier=form.cleaned_data["customer_identifier"], kind=UploadKind.CODES,
                    options={"customerIdentifierColumn": form.cleaned_data["identifier_column"]},
                    created_by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{upload.total_rows} row(s) queued.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:coupons_couponupload_change", args=[upload.pk]))
        return self._screen(request, series, form, f"Upload codes to “{series.description}”", "Upload")


@admin.register(Coupon)
class CouponAdmin(OrgScopedAdmin):
    list_display = ("code", "series", "customer", "status", "valid_till", "redemption_count", "issued_at")
    list_select_related = ("series", "customer")
    search_fields = ("=code",)
    search_help_text = "Exact coupon code (any case)"
    list_filter = ("status",)
    raw_id_fields = ("series", "customer", "issued_by_till", "issued_at_store", "job_run")
    readonly_fields = ("code", "series", "customer", "status", "issued_at", "redemption_count", "job_run",
                       "reminded_at", "revoked_at", "created_at", "is_common", "transaction_number", "issued_by_till",
                       "issued_at_store")
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, code_normalise(search_term))

    @admin.action(description="Revoke selected unredeemed coupons", permissions=["change"])
    def revoke_selected(self, request, queryset):
        org = self._org(request)
        for series_id in set(queryset.values_list("series_id", flat=True)):
            codes = list(queryset.filter(series_id=series_id).values_list("code", flat=True)[:50])
            try:
                outcome = services.coupons_revoke(org=org, series=CouponSeries.objects.get(pk=series_id, org=org),
                                                  codes=codes)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(request, f"{len(outcome.revoked)} revoked, {len(outcome.redeemed)} already redeemed")


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "coupon", "customer", "bill_number", "bill_amount", "discount", "store", "redeemed_at",
                    "is_reversed")
    list_select_related = ("coupon", "customer", "store")
    search_fields = ("=coupon__code", "=bill_number")


@admin.register(CouponUpload)
class CouponUploadAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "series", "kind", "file_name", "status", "total_rows", "success_count", "error_count",
                    "created_at")
    list_select_related = ("series",)
    exclude = ("content",)
    readonly_fields = ("series", "kind", "status", "file_name", "stored_name", "customer_identifier", "options",
                       "total_rows", "success_count", "error_count", "errors", "job_run", "created_at")


@admin.register(CouponIssueJob)
class CouponIssueJobAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("id", "series", "audience_type", "issued", "skipped", "progress", "created_at")
    list_select_related = ("series", "job_run")

    @admin.display(description="Progress")
    def progress(self, obj):
        percent = obj.job_run.percent
        return format_html('<progress value="{}" max="100"></progress> {}%', percent, percent)


@admin.register(CouponEvent)
class CouponEventAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("created_at", "type", "series", "coupon", "customer", "parameters")
    list_select_related = ("series", "coupon", "customer")
    list_filter = ("type",)
