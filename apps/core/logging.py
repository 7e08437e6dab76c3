"""Request-id propagation into every log line."""
import contextvars
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class DropSocketFilter(logging.Filter):
    """runserver attaches the raw socket to its access-log records; keep it out of the JSON lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request") and not hasattr(record.request, "META"):
            record.__dict__.pop("request", None)
        return True
