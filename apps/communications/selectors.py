"""Reads of the communications domain."""
from .models import Message


def message_list(*, org, customer=None):
    qs = Message.objects.for_org(org).order_by("-created_at", "-id")
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs
