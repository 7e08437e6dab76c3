"""Base classes of every API view: tenancy, access groups, idempotency, envelopes per version.

Views never read the organisation from the body or URL: `request.org` is set once by authentication.
"""
from __future__ import annotations

from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.views import APIView

from apps.core import services
from apps.core.errors import NotFound

from .envelopes import V2Envelope, V3Envelope, V11Envelope
from .handlers import v2_exception_handler, v3_exception_handler, v11_exception_handler
from .pagination import V2Pagination, V11Pagination

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Responses worth replaying to a retry; others (auth, throttling, conflicts, server errors) free the key.
_NOT_STORED = {401, 403, 409, 429}


class _Replay(Exception):
    def __init__(self, stored: services.StoredResponse):
        self.stored = stored


class ApiViewMixin:
    """Shared behaviour; subclasses pick the version's envelope and paginator.

    access_resource: the access-group resource this view belongs to (None: no access group needed).
    access_levels: per action or HTTP method, the level needed when it differs from the default
                   (VIEW for safe methods, MODIFY otherwise); e.g. {"is_redeemable": "VIEW"}.
    """

    envelope = V2Envelope
    access_resource: str | None = None
    access_levels: dict[str, str] = {}
    exception_handler_fn = staticmethod(v2_exception_handler)

    def get_exception_handler(self):
        return self.exception_handler_fn

    # -- idempotency (Stripe semantics) -------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        self._idempotency_record = None
        super().initial(request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key")
        principal = getattr(request, "principal", None)
        if key is not None and request.method in WRITE_METHODS and principal is not None:
            outcome = services.idempotency_begin(
                org=principal.org, credential=principal.credential, key=key.strip(),
                method=request.method, path=request.get_full_path(), body=request._request.body,
            )
            if isinstance(outcome, services.StoredResponse):
                raise _Replay(outcome)
            self._idempotency_record = outcome

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            response = HttpResponse(exc.stored.body, status=exc.stored.status,
                                    content_type=exc.stored.content_type or "application/json")
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is not None:
            self._idempotency_record = None
            if response.status_code >= 500 or response.status_code in _NOT_STORED:
                services.idempotency_release(record=record)
            else:
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                services.idempotency_complete(
                    record=record, status=response.status_code,
                    body=response.content.decode("utf-8"), content_type=response.get("Content-Type", ""),
                )
        return response

    # -- tenancy -------------------------------------------------------------------------------
    def get_queryset(self):
        """The view's queryset narrowed to the caller's org (C3); subclasses add select_related."""
        return self.queryset.for_org(self.request.org)

    def get_object_or_404(self, queryset, **lookup):
        """One object of the caller's org; another org's object answers exactly like a missing one."""
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise NotFound()
        return obj


class V2APIView(ApiViewMixin, APIView):
    envelope = V2Envelope
    exception_handler_fn = staticmethod(v2_exception_handler)
    pagination_class = V2Pagination


class V2ViewSet(ApiViewMixin, viewsets.GenericViewSet):
    envelope = V2Envelope
    exception_handler_fn = staticmethod(v2_exception_handler)
    pagination_class = V2Pagination


class V11APIView(ApiViewMixin, APIView):
    """v1.1 handlers; the v1 paths are served by the same classes."""

    envelope = V11Envelope
    exception_handler_fn = staticmethod(v11_exception_handler)
    pagination_class = V11Pagination


class V3APIView(ApiViewMixin, APIView):
    """v3 and api_gateway handlers: {"data", "errors", "warnings"}."""

    envelope = V3Envelope
    exception_handler_fn = staticmethod(v3_exception_handler)


def paginate(view, queryset, serializer_class, **serializer_kwargs):
    """Page a queryset with the view's paginator and serialize the page: (paginator, data)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    data = serializer_class(page, many=True, context={"request": view.request}, **serializer_kwargs).data
    return paginator, data
