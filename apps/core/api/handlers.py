"""Exception handlers per API version, and JSON 404/500 pages for API paths."""
from __future__ import annotations

import logging

from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.errors import NotFound, ServerError

from .envelopes import V2Envelope, V3Envelope, V11Envelope, envelope_for_path, http_status_of
from .normalise import to_domain_errors

logger = logging.getLogger("apps.api")


def _handler(envelope):
    def handle(exc, context):
        errs = to_domain_errors(exc)
        set_rollback()
        if errs is None:
            logger.exception("Unhandled error serving API request", exc_info=exc)
            errs = [ServerError()]
        response = Response(envelope.errors(errs), status=http_status_of(errs))
        wait = getattr(exc, "wait", None)
        if wait:
            response["Retry-After"] = str(int(wait))
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    return handle


v2_exception_handler = _handler(V2Envelope)
v11_exception_handler = _handler(V11Envelope)
v3_exception_handler = _handler(V3Envelope)


def _is_api_path(path: str) -> bool:
    return path.startswith(("/v1/", "/v1.1/", "/v2/", "/v3/", "/api_gateway/"))


def not_found_view(request, exception=None):
    """404 for URLs no route matches: the version's envelope on API paths, Django's page elsewhere."""
    if _is_api_path(request.path):
        envelope = envelope_for_path(request.path)
        return JsonResponse(envelope.errors([NotFound()]), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error_view(request):
    """500 outside DRF views: the version's envelope on API paths."""
    if _is_api_path(request.path):
        return JsonResponse(envelope_for_path(request.path).errors([ServerError()]), status=500)
    from django.views.defaults import server_error

    return server_error(request)
