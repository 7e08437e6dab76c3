"""The v1.1 batch contract shared by the customer endpoints.

Bodies are `{"root": {"<item>": [ ... ]}}` (a single object is accepted for the list, as the legacy XML-shaped
clients send it). Each item is processed on its own, in its own transaction: good items are committed, bad ones are
reported with their own `item_status` and roll back alone.

Request-level `response.status`:
- every item succeeded: success "true", code 200, "Success";
- some failed:          success "true", code 201, "Some requests have failed due to errors";
- all failed:           success "false", code 500, "All requests have failed due to errors".
`total` and `success_count` are strings, as the platform sends them.

HTTP status: the platform answers these in the body (its HTTP status is not a contract), so we use the HTTP status
to help generic clients: 200 when at least one item succeeded; when every item failed, the items' common HTTP status
(404 when none of the customers exists, so "not yours" and "not found" read alike), otherwise 400. Request-level
problems (malformed JSON, no `root`, too many items) never reach the items: they are answered in the v1.1 error
envelope by the base view (400, or 1060 "Batch limit exceeded").
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from rest_framework.response import Response

from apps.core.api.normalise import to_domain_errors
from apps.core.api.pagination import V11Pagination
from apps.core.errors import BatchLimitExceeded, DomainError, InvalidInput
from apps.customers.errors import as_v11

# The platform documents the 1060 "Batch limit exceeded" code but no number; 100 matches our other bulk APIs.
BATCH_LIMIT = 100
# Echoed back on a failed item so the client can tell which one it was.
ECHO_KEYS = ("user_id", "id", "mobile", "email", "external_id", "card_number", "card_external_id")


class V11ListPagination(V11Pagination):
    """Lists inside a v1.1 customer answer (notes, tickets, interactions): up to 100, `limit`/`offset` to page."""

    default_limit = 100
    max_limit = 100


def root_items(data, key: str) -> list:
    """The items of `{"root": {key: [...]}}`; a request-level InvalidInput / BatchLimitExceeded otherwise."""
    root = data.get("root") if isinstance(data, dict) else None
    if not isinstance(root, dict):
        raise InvalidInput(f'Invalid input. The body must be {{"root": {{"{key}": [...]}}}}', field="root")
    items = root.get(key)
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise InvalidInput(f"Invalid input. root.{key}: a non-empty list is required", field=f"root.{key}")
    if len(items) > BATCH_LIMIT:
        raise BatchLimitExceeded(maximum=BATCH_LIMIT)
    return items


def comma_values(raw: str | None) -> list[str]:
    """Distinct non-blank values of a comma-separated query parameter, in the order given (at most BATCH_LIMIT)."""
    values = list(dict.fromkeys(part.strip() for part in str(raw or "").split(",") if part.strip()))
    if len(values) > BATCH_LIMIT:
        raise BatchLimitExceeded(maximum=BATCH_LIMIT)
    return values


def collapse(items: list):
    """One element as an object, several as a list: how the older v1.1 endpoints (notes, tickets) shape lists."""
    return items[0] if len(items) == 1 else items


def warning_codes(warnings: Iterable[DomainError]) -> list[str]:
    return [str(as_v11(w).code) for w in warnings]


def item_status(*, success: bool, code: int, message: str, warnings: Iterable[DomainError] = ()) -> dict:
    warnings = list(warnings)
    if success and warnings:
        message = ", ".join([message, *dict.fromkeys(w.message for w in warnings)])
    return {"success": "true" if success else "false", "code": str(code), "message": message,
            "warnings": {"warning": warning_codes(warnings)}}


def echo(item) -> dict:
    """The identifiers a failed item was sent with."""
    if not isinstance(item, dict):
        return {}
    return {key: str(item[key]) for key in ECHO_KEYS if item.get(key) not in (None, "") and not isinstance(
        item[key], (dict, list))}


def failure(payload: dict, errs: list[DomainError]) -> tuple[dict, DomainError]:
    first = as_v11(errs[0])
    message = "; ".join(as_v11(e).message for e in errs)
    return {**payload, "item_status": item_status(success=False, code=first.code, message=message)}, first


class Batch:
    """Runs items one by one and collects their answers and the request-level outcome."""

    def __init__(self) -> None:
        self.results: list[dict] = []
        self.failures: list[DomainError] = []

    def run(self, item, handler: Callable[[dict], dict]) -> None:
        """handler(item) returns the item's answer (with its item_status) or raises; a bug still raises."""
        try:
            if not isinstance(item, dict):
                raise InvalidInput("Invalid input. Each item must be a JSON object")
            self.results.append(handler(item))
        except Exception as exc:  # per-item failure: reported, the others go on
            errs = to_domain_errors(exc)
            if errs is None:
                raise
            self.fail(echo(item), errs)

    def fail(self, payload: dict, errs: list[DomainError]) -> None:
        result, first = failure(payload, errs)
        self.results.append(result)
        self.failures.append(first)

    def ok(self, result: dict) -> None:
        self.results.append(result)

    @property
    def total(self) -> int:
        return len(self.results)

    def status(self) -> dict:
        total, good = self.total, self.total - len(self.failures)
        if good == total:
            success, code, message = "true", 200, "Success"
        elif good:
            success, code, message = "true", 201, "Some requests have failed due to errors"
        else:
            success, code, message = "false", 500, "All requests have failed due to errors"
        return {"success": success, "code": code, "message": message, "total": str(total), "success_count": str(good)}

    def http_status(self) -> int:
        if len(self.failures) < self.total:
            return 200
        statuses = {err.status for err in self.failures}
        return statuses.pop() if len(statuses) == 1 else 400

    def response(self, body: Callable[[list[dict]], dict]) -> Response:
        """The answer: `body(results)` placed next to the request-level status."""
        return Response({"response": {"status": self.status(), **body(self.results)}}, status=self.http_status())
