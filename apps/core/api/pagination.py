"""One paginator per API version, each with an enforced maximum page size and a refusal of unordered lists."""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from apps.core.errors import InvalidInput, LimitTooLarge, LimitTooSmall, OffsetNegative


def _int_param(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"Invalid input. {name}: must be an integer", field=name) from None


class QuerySetNotOrdered(ImproperlyConfigured):
    pass


class LimitOffsetPaginationBase(BasePagination):
    default_limit = 10
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        if hasattr(queryset, "ordered") and not queryset.ordered:
            raise QuerySetNotOrdered(f"{view.__class__.__name__} paginates an unordered queryset")
        self.limit = _int_param(request, "limit", self.default_limit)
        self.offset = _int_param(request, "offset", 0)
        if self.limit <= 0:
            raise LimitTooSmall()
        if self.limit > self.max_limit:
            raise LimitTooLarge(maximum=self.max_limit)
        if self.offset < 0:
            raise OffsetNegative()
        self.total = queryset.count() if hasattr(queryset, "count") else len(queryset)
        return list(queryset[self.offset:self.offset + self.limit])

    def pagination_block(self) -> dict:
        return {"limit": self.limit, "offset": self.offset, "total": self.total}


class V2Pagination(LimitOffsetPaginationBase):
    """v2 lists: ?limit&offset, answered with {"pagination": {limit, offset, total}, "data": [...]}."""

    default_limit = 10
    max_limit = 100

    def get_paginated_response(self, data):
        return Response({"pagination": self.pagination_block(), "data": data, "warnings": []})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "properties": {
                "pagination": {"type": "object", "properties": {
                    "limit": {"type": "integer"}, "offset": {"type": "integer"}, "total": {"type": "integer"}}},
                "data": schema,
                "warnings": {"type": "array", "items": {"type": "object"}},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "maximum": self.max_limit}},
            {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
        ]


class V11Pagination(LimitOffsetPaginationBase):
    """v1.1 lists: ?limit&offset (the legacy API pages few lists; the caller wraps the page itself)."""

    default_limit = 20
    max_limit = 100

    def get_schema_operation_parameters(self, view):
        return V2Pagination.get_schema_operation_parameters(self, view)
