"""Writes of customer labels: the org's catalogue, tagging and untagging, and the bulk tagging job."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError, InvalidInput
from apps.core.events import after_commit
from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_progress, job_run_start
from apps.customers.models import Customer
from apps.organizations.models import Organization

from . import errors
from .choices import LabelAction
from .models import CustomerLabel, CustomerLabelEvent, Label
from .selectors import label_limit, label_name_exists, labels_by_name

NAME_MAX_LENGTH = Label._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = Label._meta.get_field("description").max_length
TAG_JOB_KIND = "labels.tag_customers"
TAG_JOB_MAX_CUSTOMERS = 50_000
TAG_JOB_CHUNK = 500


def _clean_name(raw, *, field: str = "name") -> str:
    name = str(raw if raw is not None else "").strip()
    if not name:
        raise InvalidInput(f"Invalid input. {field}: label name is required", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Invalid input. {field}: at most {NAME_MAX_LENGTH} characters", field=field)
    return name


def _clean_description(raw, *, field: str = "description") -> str:
    text = str(raw if raw is not None else "").strip()
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(f"Invalid input. {field}: at most {DESCRIPTION_MAX_LENGTH} characters", field=field)
    return text


def _lock_org(org) -> None:
    # Count-then-insert against ORG_MAX_LABEL_COUNT: concurrent adds for one org queue on the org row.
    Organization.objects.select_for_update().filter(pk=org.pk).values_list("pk", flat=True).first()


@transaction.atomic
def labels_create(*, org, labels: list[dict], till=None) -> list[Label]:
    """Add labels ({name, description}) to the org's catalogue, all or none.

    Refuses an empty payload (33006), a name the org already has in any case or one repeated in the payload
    (33003), and going past ORG_MAX_LABEL_COUNT (33005; 33004 when the limit is 0).
    """
    if not labels:
        raise errors.LabelsPayloadEmpty()
    cleaned, seen = [], set()
    for index, item in enumerate(labels):
        name = _clean_name(item.get("name"), field=f"orgLabels[{index}].name")
        if name.lower() in seen:
            raise errors.LabelExists(name=name, field=f"orgLabels[{index}].name")
        seen.add(name.lower())
        cleaned.append((name, _clean_description(item.get("description"), field=f"orgLabels[{index}].description")))
    _lock_org(org)
    limit = label_limit(org=org)
    if limit <= 0:
        raise errors.LabelLimitNotSet()
    existing = labels_by_name(org=org, names=[name for name, _ in cleaned], active_only=False)
    for name, _ in cleaned:
        if name.lower() in existing:
            raise errors.LabelExists(name=existing[name.lower()].name, field="orgLabels")
    if Label.objects.for_org(org).count() + len(cleaned) > limit:
        raise errors.LabelLimitExceeded()
    created = []
    for name, description in cleaned:
        label = Label(org=org, name=name, description=description, created_by_till=till, last_updated_by_till=till)
        label.full_clean()
        label.save()
        created.append(label)
    return created


def label_create(*, org, name: str, description: str = "", till=None) -> Label:
    """Add one label to the org's catalogue (the admin's add screen)."""
    return labels_create(org=org, labels=[{"name": name, "description": description}], till=till)[0]


@transaction.atomic
def label_update(*, org, label: Label, name: str | None = None, description: str | None = None,
                 is_active: bool | None = None, till=None) -> Label:
    """Rename, re-describe or (de)activate a label; an inactive label can no longer be tagged or searched."""
    label = Label.objects.for_org(org).select_for_update().get(pk=label.pk)
    if name is not None:
        name = _clean_name(name)
        if label_name_exists(org=org, name=name, exclude_pk=label.pk):
            raise errors.LabelExists(name=name, field="name")
        label.name = name
    if description is not None:
        label.description = _clean_description(description)
    if is_active is not None:
        label.is_active = bool(is_active)
    label.last_updated_by_till = till or label.last_updated_by_till
    label.full_clean()
    label.save()
    return label


def _event(*, org, customer_id: int, label: Label, action: str, till=None, user=None, job_run=None,
           at=None) -> CustomerLabelEvent:
    return CustomerLabelEvent(org=org, customer_id=customer_id, label=label, action=action, till=till, user=user,
                              job_run=job_run, created_at=at or timezone.now())


def _tag(*, org, customer: Customer, label: Label, till=None, user=None) -> bool:
    """Link the customer to the label; False when the link was already active (nothing written)."""
    now = timezone.now()
    link, created = CustomerLabel.objects.select_for_update().get_or_create(
        org=org, customer=customer, label=label,
        defaults={"added_by_till": till, "added_by_user": user, "added_at": now})
    if not created:
        if link.is_active:
            return False
        link.is_active, link.added_at, link.removed_at = True, now, None
        link.added_by_till, link.added_by_user = till, user
        link.save(update_fields=["is_active", "added_at", "removed_at", "added_by_till", "added_by_user"])
    _event(org=org, customer_id=customer.pk, label=label, action=LabelAction.TAGGED, till=till, user=user,
           at=now).save()
    return True


def _untag(*, org, customer: Customer, label: Label, till=None, user=None) -> bool:
    """Switch the link off; False when the customer did not carry the label."""
    now = timezone.now()
    updated = CustomerLabel.objects.for_org(org).filter(customer=customer, label=label, is_active=True).update(
        is_active=False, removed_at=now)
    if not updated:
        return False
    _event(org=org, customer_id=customer.pk, label=label, action=LabelAction.UNTAGGED, till=till, user=user,
           at=now).save()
    return True


@transaction.atomic
def customer_labels_change(*, org, customer: Customer, add: list[str] | None = None,
                           remove: list[str] | None = None, till=None, user=None) -> list[DomainError]:
    """Tag and untag one customer by label name (case-insensitive); removals first, then additions.

    Returns warnings: 33000 for a name the org has no label by (no active one, for additions), 33001 for a
    removal of a label the customer does not carry. Re-adding a label the customer carries changes nothing.
    """
    add = [str(n).strip() for n in (add or []) if str(n or "").strip()]
    remove = [str(n).strip() for n in (remove or []) if str(n or "").strip()]
    if not add and not remove:
        raise errors.LabelChangesEmpty()
    known = labels_by_name(org=org, names=add)
    # A deactivated label can no longer be given, but customers who carry it can still lose it.
    removable = labels_by_name(org=org, names=remove, active_only=False)
    warnings: list[DomainError] = []
    for name in dict.fromkeys(remove):
        label = removable.get(name.lower())
        if label is None:
            warnings.append(errors.LabelNotFound(name=name))
        elif not _untag(org=org, customer=customer, label=label, till=till, user=user):
            warnings.append(errors.CustomerLabelsNotFound())
    for name in dict.fromkeys(add):
        label = known.get(name.lower())
        if label is None:
            warnings.append(errors.LabelNotFound(name=name))
        else:
            _tag(org=org, customer=customer, label=label, till=till, user=user)
    return warnings


# -- bulk tagging job (admin action) ---------------------------------------------------------------------
@transaction.atomic
def customer_labels_tag_job_start(*, org, label: Label, customer_ids: list[int], user=None) -> JobRun:
    """Start a background job tagging these customers with the label; progress is kept in a JobRun.

    The ids are stored on the run and processed in chunks of TAG_JOB_CHUNK once this transaction commits.
    """
    if label.org_id != org.pk:
        raise errors.LabelNotFound(name=label.pk)
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        raise InvalidInput("Select at least one customer")
    if len(ids) > TAG_JOB_MAX_CUSTOMERS:
        raise errors.TagJobTooLarge(maximum=TAG_JOB_MAX_CUSTOMERS)
    run = job_run_start(org=org, kind=TAG_JOB_KIND, total=len(ids), created_by=user,
                        parameters={"label_id": label.pk, "label": label.name, "customer_ids": ids, "next_offset": 0})

    def enqueue():
        from .tasks import customer_labels_tag_batch_task

        customer_labels_tag_batch_task.delay(org_id=org.pk, run_id=run.pk, offset=0)

    after_commit(enqueue)
    return run


@transaction.atomic
def customer_labels_tag_batch(*, org_id: int, run_id: int, offset: int, limit: int = TAG_JOB_CHUNK) -> int | None:
    """Tag one chunk of a tagging job; returns the next offset, or None when the job is finished (or this chunk
    was already done by an earlier delivery of the same task, so a duplicate chain stops here).

    Safe to run twice: the run row is locked and carries the cursor; customers already carrying the label are
    counted as done without writing; ids that are no longer the org's customers count as failed.
    """
    run = JobRun.objects.select_for_update().filter(pk=run_id, org_id=org_id, kind=TAG_JOB_KIND).first()
    if run is None or run.finished_at is not None:
        return None
    params = run.parameters
    if params.get("next_offset", 0) != offset:
        return None
    label = Label.objects.filter(org_id=org_id, pk=params.get("label_id"), is_active=True).first()
    if label is None:
        job_run_finish(run_id=run.pk, failed=True, message="The label was deleted or deactivated; job stopped")
        return None
    chunk = params["customer_ids"][offset:offset + limit]
    valid = set(Customer.objects.filter(org_id=org_id, pk__in=chunk).values_list("pk", flat=True))
    tagged = _tag_many(org_id=org_id, label=label, customer_ids=sorted(valid), user_id=run.created_by_id, run=run)
    failed = len(chunk) - len(valid)
    next_offset = offset + len(chunk)
    params["next_offset"] = next_offset
    run.parameters = params
    run.save(update_fields=["parameters"])
    job_run_progress(run_id=run.pk, done=len(valid), failed=failed,
                     message=f"{tagged} tagged, {len(valid) - tagged} already tagged, {failed} not found"
                     if chunk else None)
    if next_offset >= len(params["customer_ids"]):
        job_run_finish(run_id=run.pk, message=f"Tagging with “{label.name}” finished")
        return None
    return next_offset


def _tag_many(*, org_id: int, label: Label, customer_ids: list[int], user_id: int | None, run: JobRun) -> int:
    """Tag many customers in a handful of queries; returns how many links were created or re-activated."""
    if not customer_ids:
        return 0
    now = timezone.now()
    links = {link.customer_id: link for link in CustomerLabel.objects.select_for_update()
             .filter(org_id=org_id, label=label, customer_id__in=customer_ids)}
    revive = [link.pk for link in links.values() if not link.is_active]
    if revive:
        CustomerLabel.objects.filter(pk__in=revive).update(is_active=True, added_at=now, removed_at=None,
                                                           added_by_till=None, added_by_user_id=user_id)
    fresh = [pk for pk in customer_ids if pk not in links]
    CustomerLabel.objects.bulk_create(
        [CustomerLabel(org_id=org_id, customer_id=pk, label=label, added_by_user_id=user_id, added_at=now)
         for pk in fresh], ignore_conflicts=True)
    changed = fresh + [link.customer_id for link in links.values() if not link.is_active]
    CustomerLabelEvent.objects.bulk_create(
        [CustomerLabelEvent(org_id=org_id, customer_id=pk, label=label, action=LabelAction.TAGGED,
                            user_id=user_id, job_run=run, created_at=now) for pk in changed])
    return len(changed)
