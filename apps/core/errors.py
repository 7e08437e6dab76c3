"""One domain error type with stable codes; every API version renders it in its own envelope.

`code` is the platform's numeric code (what clients switch on); `status` is the HTTP status.
"""
from __future__ import annotations


class DomainError(Exception):
    """A failure the caller can act on; never a 500."""

    code: int = 400
    status: int = 400
    template: str = "Invalid input"

    def __init__(self, message: str = "", *, field: str | None = None, **data):
        self.data = data
        self.field = field
        if message:
            self.message = message
        else:
            try:
                self.message = self.template.format(**data)
            except (KeyError, IndexError):
                self.message = self.template
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidInput(DomainError):
    code, status, template = 400, 400, "Invalid input"


class NotAuthenticated(DomainError):
    code, status = 401, 401
    template = "Authentication failed. Please check your username/password or authentication token"


class AccessDenied(DomainError):
    code, status, template = 4000, 403, "Not authorized. Access is denied!"


class NotFound(DomainError):
    code, status, template = 404, 404, "Incorrect resource or resource not found"


class MethodNotAllowed(DomainError):
    code, status, template = 405, 405, "The operation is not supported for the resource"


class NotAcceptable(DomainError):
    code, status, template = 406, 406, "Requested response format is not supported"


class UnsupportedMediaType(DomainError):
    code, status = 415, 415
    template = "Unsupported media type. Content-Type should be application/json"


class RateLimited(DomainError):
    code, status, template = 429, 429, "Rate limit exceeded. Try again in {wait} seconds"


class Conflict(DomainError):
    code, status, template = 409, 409, "Conflict"


class IdempotencyKeyInProgress(DomainError):
    code, status = 409, 409
    template = "A request with this Idempotency-Key is still being processed"


class IdempotencyKeyReused(DomainError):
    code, status = 422, 422
    template = "This Idempotency-Key was already used with a different request"


class LimitTooLarge(DomainError):
    code, status, template = 8102, 400, "Limit cannot be greater than {maximum}"


class LimitTooSmall(DomainError):
    code, status, template = 8101, 400, "Limit cannot be less than or equal to 0"


class OffsetNegative(DomainError):
    code, status, template = 8100, 400, "Offset cannot be less than 0"


class BatchLimitExceeded(DomainError):
    code, status, template = 1060, 400, "Batch limit size exceeded. At most {maximum} items per request"


class ServerError(DomainError):
    code, status, template = 500, 500, "Requests have failed due to errors"


# IntegrityError on a known constraint name maps to a domain error (see normalise.py).
CONSTRAINT_ERRORS: dict[str, type[DomainError]] = {}


def register_constraint_error(constraint_name: str, error: type[DomainError]) -> None:
    """Map a database constraint name to the domain error a client should see when it fires."""
    CONSTRAINT_ERRORS[constraint_name] = error
