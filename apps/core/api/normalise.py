"""Turns any exception raised while serving a request into a list of DomainErrors, or None for a bug."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions as drf

from apps.core import errors


def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten DRF's nested error detail into (field path, message) pairs."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            nested = isinstance(value, (dict, list))
            out += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
        return out
    return [(prefix, str(detail))]


def _validation_errors(detail) -> list[errors.DomainError]:
    result = []
    for field, message in _flatten(detail):
        text = f"{field}: {message}" if field else message
        result.append(errors.InvalidInput(f"Invalid input. {text}", field=field or None))
    return result or [errors.InvalidInput()]


def _constraint_name(exc: IntegrityError) -> str | None:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    text = str(exc)
    for name in errors.CONSTRAINT_ERRORS:
        if name in text:
            return name
    return None


def to_domain_errors(exc: Exception) -> list[errors.DomainError] | None:
    """The errors a client should see for exc; None when exc is a server bug."""
    if isinstance(exc, errors.DomainError):
        return [exc]
    if isinstance(exc, drf.ValidationError):
        return _validation_errors(exc.detail)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _validation_errors(detail)
    if isinstance(exc, drf.ParseError):
        return [errors.InvalidInput(f"Invalid input. Malformed request body: {exc.detail}")]
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        detail = str(exc.detail)
        generic = detail in ("Authentication credentials were not provided.", "Incorrect authentication credentials.")
        return [errors.NotAuthenticated() if generic else errors.NotAuthenticated(detail)]
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return [errors.AccessDenied()]
    if isinstance(exc, (Http404, drf.NotFound)):
        return [errors.NotFound()]
    if isinstance(exc, drf.MethodNotAllowed):
        return [errors.MethodNotAllowed()]
    if isinstance(exc, drf.UnsupportedMediaType):
        return [errors.UnsupportedMediaType()]
    if isinstance(exc, drf.NotAcceptable):
        return [errors.NotAcceptable()]
    if isinstance(exc, drf.Throttled):
        return [errors.RateLimited(wait=int(exc.wait or 60))]
    if isinstance(exc, IntegrityError):
        name = _constraint_name(exc)
        if name and name in errors.CONSTRAINT_ERRORS:
            return [errors.CONSTRAINT_ERRORS[name]()]
    return None
