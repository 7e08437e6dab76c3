"""Reads of the platform layer."""
from .models import JobRun


def job_run_list(*, org):
    """The org's job runs, newest first."""
    return JobRun.objects.for_org(org).select_related("created_by").order_by("-created_at", "-id")


def job_run_get(*, org, run_id: int) -> JobRun | None:
    """One job run of the org, or None."""
    return JobRun.objects.for_org(org).filter(pk=run_id).first()
