"""Back-office screens of cards: series (with a "generate cards" page whose progress is a JobRun), cards (search by
number, status log inline, a status-change page), and the generation log."""
from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin
from apps.core.errors import DomainError

from . import services
from .choices import MANUAL_TRANSITIONS
from .forms import CardSeriesAdminForm, CardStatusForm, GenerateCardsForm
from .models import Card, CardGenerationLog, CardSeries, CardStatusLog


class GenerationLogInline(admin.TabularInline):
    model = CardGenerationLog
    fields = ("created_at", "count", "generated", "description", "progress")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-created_at",)
    show_change_link = True

    @admin.display(description="Progress")
    def progress(self, obj):
        if not obj.job_run_id:
            return "-"
        url = reverse("admin:core_jobrun_change", args=[obj.job_run_id])
        return format_html('<a href="{}">{} / {}</a>', url, obj.generated, obj.count)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("job_run")


@admin.register(CardSeries)
class CardSeriesAdmin(OrgScopedAdmin):
    form = CardSeriesAdminForm
    list_display = ("code", "name", "type", "number_format", "method", "generation_enabled", "is_active",
                    "is_default", "max_active_cards_per_customer", "generate_link")
    list_filter = ("type", "is_active", "generation_enabled")
    search_fields = ("code", "name")
    ordering = ("code", "id")
    readonly_fields = ("next_sequence", "created_at", "updated_at")
    inlines = [GenerationLogInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # the number format is fixed once the series exists
            fields += ["code", "prefix", "suffix", "length", "offset", "method"]
        return fields

    @admin.display(description="Format")
    def number_format(self, obj):
        if not obj.length:
            return "external / manual"
        body = obj.length - len(obj.prefix) - len(obj.suffix)
        return f"{obj.prefix}{'#' * body}{obj.suffix}"

    @admin.display(description="")
    def generate_link(self, obj):
        if not obj.length or not obj.generation_enabled:
            return ""
        return format_html('<a class="button" href="{}">Generate cards</a>',
                           reverse("admin:cards_cardseries_generate", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:series_id>/generate/", self.admin_site.admin_view(self.generate_view),
                     name="cards_cardseries_generate"), *super().get_urls()]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"org": obj.org if obj is not None else self._org(request)})

    def save_model(self, request, obj, form, change):
        """Writes go through the services (the form ran the same checks, so they succeed here)."""
        org = obj.org if obj.org_id else self._org(request)
        if change:
            saved = services.series_update(org=org, series=obj, **form.update_kwargs())
        else:
            saved = services.series_create(org=org, **form.create_kwargs())
        obj.pk, obj.org = saved.pk, org

    def generate_view(self, request, series_id: int):
        series = self.get_queryset(request).filter(pk=series_id).first()
        if series is None or not self.has_change_permission(request, series):
            raise Http404
        form = GenerateCardsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                log = services.card_generation_start(
                    org=series.org, series=series, count=form.cleaned_data["count"],
                    description=form.cleaned_data["description"], user=request.user, inline=False)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"Generating {log.count} card number(s) in {series.code} has started.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:core_jobrun_change", args=[log.job_run_id]))
        context = {**self.admin_site.each_context(request), "title": f"Generate cards in {series}",
                   "opts": self.model._meta, "form": form, "submit_label": "Generate",
                   "intro": "Numbers are generated in the background; the next page shows the progress."}
        return TemplateResponse(request, "cards/admin/form_page.html", context)


class StatusLogInline(admin.TabularInline):
    model = CardStatusLog
    fields = ("created_at", "previous_status", "status", "label", "reason", "customer", "till", "user")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "till", "user")


@admin.register(Card)
class CardAdmin(OrgScopedAdmin):
    """Search by number (whole or leading part) or external id; status changes go through the lifecycle."""

    list_display = ("number", "series", "status", "status_label", "customer", "issued_at", "expires_at",
                    "status_link")
    list_select_related = ("series", "customer")
    list_filter = ("status", "series__type")
    search_fields = ("^number", "=external_id")
    search_help_text = "Card number (whole or leading part) or external id"
    # Every change goes through the services (the status page here, the API for fields and links).
    fields = ("number", "external_id", "series", "status", "status_label", "customer", "mapped_till",
              "issued_at", "expires_at", "extended_fields", "custom_fields", "generation", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [StatusLogInline]
    ordering = ("-id",)

    def has_add_permission(self, request):
        return False  # cards come from generation, the API or linking

    @admin.display(description="")
    def status_link(self, obj):
        if not MANUAL_TRANSITIONS.get(obj.status):
            return ""
        return format_html('<a href="{}">Change status</a>', reverse("admin:cards_card_status", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:card_id>/status/", self.admin_site.admin_view(self.status_view), name="cards_card_status"),
                *super().get_urls()]

    def status_view(self, request, card_id: int):
        card = self.get_queryset(request).filter(pk=card_id).first()
        if card is None or not self.has_change_permission(request, card):
            raise Http404
        choices = [(s, s) for s in sorted(MANUAL_TRANSITIONS.get(card.status, ()))]
        form = CardStatusForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                services.card_update(org=card.org, number=card.number, status_label=form.cleaned_data["status_label"],
                                     reason=form.cleaned_data["reason"], user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"Card {card.number} updated.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:cards_card_change", args=[card.pk]))
        context = {**self.admin_site.each_context(request), "title": f"Change the status of card {card.number}",
                   "opts": self.model._meta, "form": form, "submit_label": "Change status",
                   "intro": f"The card is {card.status}."}
        return TemplateResponse(request, "cards/admin/form_page.html", context)


@admin.register(CardGenerationLog)
class CardGenerationLogAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("created_at", "series", "count", "generated", "status_label", "created_by_till",
                    "created_by_user", "progress")
    list_select_related = ("series", "created_by_till", "created_by_user", "job_run")
    list_filter = ("series",)
    ordering = ("-created_at",)

    @admin.display(description="Progress")
    def progress(self, obj):
        percent = int(100 * obj.generated / obj.count) if obj.count else 100
        bar = format_html('<progress value="{}" max="100"></progress> {}%', percent, percent)
        if obj.job_run_id:
            return format_html('<a href="{}">{}</a>', reverse("admin:core_jobrun_change", args=[obj.job_run_id]), bar)
        return bar
