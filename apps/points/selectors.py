"""Reads of the points domain."""
from django.db.models import QuerySet

from .models import LoyaltyProgram


def program_list(*, org) -> QuerySet[LoyaltyProgram]:
    return LoyaltyProgram.objects.for_org(org).filter(is_active=True).order_by("-is_default", "name", "id")
