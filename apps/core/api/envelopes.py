"""How each API version wraps errors (and, where it has one, success bodies).

v2:          {"errors": [{"status": false, "code": 8015, "message": "..."}], "warnings": []}
v1.1 / v1:   {"response": {"status": {"success": "false", "code": 404, "message": "..."}}}
v3/gateway:  {"data": null, "errors": [{"code": ..., "message": "..."}], "warnings": []}
"""
from __future__ import annotations

from apps.core.errors import DomainError


def http_status_of(errs: list[DomainError]) -> int:
    """The HTTP status for a list of errors: the first error's, which is the one that stopped the request."""
    return errs[0].status


class V2Envelope:
    name = "v2"

    @staticmethod
    def error_item(err: DomainError) -> dict:
        item = {"status": False, "code": err.code, "message": err.message}
        if err.field:
            item["field"] = err.field
        return item

    @classmethod
    def errors(cls, errs: list[DomainError]) -> dict:
        return {"errors": [cls.error_item(e) for e in errs], "warnings": []}

    @staticmethod
    def success(payload: dict) -> dict:
        body = dict(payload)
        body.setdefault("warnings", [])
        return body


class V11Envelope:
    name = "v1.1"

    @staticmethod
    def status(*, success: bool, code: int, message: str, **extra) -> dict:
        status = {"success": "true" if success else "false", "code": code, "message": message}
        status.update({k: str(v) for k, v in extra.items()})
        return status

    @classmethod
    def errors(cls, errs: list[DomainError]) -> dict:
        first = errs[0]
        message = "; ".join(e.message for e in errs) if len(errs) > 1 else first.message
        return {"response": {"status": cls.status(success=False, code=first.code, message=message)}}

    @classmethod
    def success(cls, payload: dict, *, code: int = 200, message: str = "SUCCESS", **extra) -> dict:
        return {"response": {"status": cls.status(success=True, code=code, message=message, **extra), **payload}}


class V3Envelope:
    name = "v3"

    @staticmethod
    def errors(errs: list[DomainError]) -> dict:
        items = []
        for e in errs:
            item = {"code": e.code, "message": e.message}
            if e.field:
                item["field"] = e.field
            items.append(item)
        return {"data": None, "errors": items, "warnings": []}

    @staticmethod
    def success(data) -> dict:
        return {"data": data, "errors": None, "warnings": []}


def envelope_for_path(path: str):
    """The envelope of the API version a URL path belongs to (used where no view is involved, e.g. 404)."""
    if path.startswith(("/v1.1/", "/v1/")):
        return V11Envelope
    if path.startswith(("/v3/", "/api_gateway/")):
        return V3Envelope
    return V2Envelope
