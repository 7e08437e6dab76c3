"""Tenancy base classes and the platform's own rows (idempotency records, job runs)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import IdempotencyState, JobStatus


class OrgScopedQuerySet(models.QuerySet):
    """Every tenant-owned queryset narrows to one organisation through this method."""

    def for_org(self, org):
        return self.filter(org=org)


class OrgOwned(models.Model):
    """Abstract base of every tenant-owned row: it carries its organisation."""

    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The stored outcome of a write sent with an Idempotency-Key (Stripe semantics), per credential."""

    org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    credential = models.CharField(max_length=64)  # e.g. "till:12", "client:4"
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=512)
    state = models.CharField(max_length=12, choices=IdempotencyState.choices, default=IdempotencyState.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "credential", "key"], name="%(app_label)s_%(class)s_unique_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="core_idem_created_idx")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.credential} {self.key}"


class JobRun(OrgOwned):
    """Progress of a long-running (Celery) job, shown in the admin."""

    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict, blank=True)
    log = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at"], name="core_jobrun_org_created_idx")]  # Default ordering

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return min(100, int(100 * (self.done + self.failed) / self.total))
