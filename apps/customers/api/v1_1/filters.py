"""Query filters of the v1.1 ticket list (customer/tickets GET), applied to the customer's tickets."""
from __future__ import annotations

import django_filters

from apps.customers.models import CustomerTicket


class CustomerTicketFilterV11(django_filters.FilterSet):
    """status, priority, department, ticket_code, reported_from, type, start_date / end_date (YYYY-MM-DD)."""

    status = django_filters.CharFilter(lookup_expr="iexact")
    priority = django_filters.CharFilter(lookup_expr="iexact")
    department = django_filters.CharFilter(lookup_expr="iexact")
    ticket_code = django_filters.CharFilter(field_name="code")
    reported_from = django_filters.CharFilter(lookup_expr="iexact")
    type = django_filters.CharFilter(lookup_expr="iexact")
    start_date = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", input_formats=["%Y-%m-%d"])
    end_date = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", input_formats=["%Y-%m-%d"])

    class Meta:
        model = CustomerTicket
        fields = ()
