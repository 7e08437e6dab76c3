"""Back-office screens of referrals: invitations with their status, and referees (both read-only records)."""
from __future__ import annotations

from django.contrib import admin

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin

from .models import Referee, Referral


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """Invitations customers sent; they turn REGISTERED when the invitee joins with the referrer's code."""

    list_display = ("created_at", "referrer", "channel", "identifier", "name", "status", "referee", "campaign_token",
                    "till")
    list_select_related = ("referrer", "referee", "till")
    list_filter = ("status", "channel")
    search_fields = ("identifier", "campaign_token", "name")
    ordering = ("-created_at", "-id")


@admin.register(Referee)
class RefereeAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    """Customers who registered with another customer's referral code."""

    list_display = ("added_on", "referrer", "referee", "code", "event_type", "referral", "till")
    list_select_related = ("referrer", "referee", "till", "referral")
    list_filter = ("event_type",)
    search_fields = ("code",)
    ordering = ("-added_on", "-id")
