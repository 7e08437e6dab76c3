"""Labels as a customer filter, for any django-filter FilterSet over customers (API lists, screens, exports).

    class CustomerFilter(django_filters.FilterSet):
        label_id = customer_label_filter()

The filter narrows with an `Exists` subquery on the link index, tied to each customer's own org, so a label id
of another org matches nobody.
"""
from __future__ import annotations

import django_filters

from .selectors import customers_with_label


def filter_customers_by_label(queryset, name, value):
    """django-filter `method=` callable: customers carrying the label `value` (a Label or its id)."""
    if value in (None, ""):
        return queryset
    return customers_with_label(queryset, label_id=getattr(value, "pk", value))


def customer_label_filter(**kwargs) -> django_filters.NumberFilter:
    """A `label_id` filter for a Customer FilterSet."""
    kwargs.setdefault("label", "Label id")
    return django_filters.NumberFilter(method=filter_customers_by_label, **kwargs)
