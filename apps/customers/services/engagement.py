"""Notes, preferences, tickets, interactions and profile images of a customer."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.fields.services import custom_fields_validate
from apps.organizations.selectors import org_config_value

from .. import errors, events
from ..choices import InteractionNetwork, TicketPriority, TicketReportedFrom
from ..models import (
    Customer, CustomerImage, CustomerInteraction, CustomerNote, CustomerPreference, CustomerTicket,
)
from ._common import as_datetime

PREFERENCE_SCOPE = "customer_preferences"
IMAGE_MIN_BYTES = 32
# Magic numbers of the image formats we accept; no image library needed to recognise them.
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def _own(org, customer: Customer) -> None:
    if customer.org_id != org.pk:
        raise errors.CustomerNotFound()


@transaction.atomic
def customer_note_add(*, org, customer: Customer, description: str, note_date=None, till=None) -> CustomerNote:
    """Write a note about the customer."""
    _own(org, customer)
    text = str(description or "").strip()
    if not text:
        raise errors.NoteDescriptionMissing(field="description")
    note = CustomerNote(org=org, customer=customer, description=text,
                        note_date=as_datetime(note_date, field="date") or timezone.now(), created_by_till=till)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def customer_note_update(*, org, customer: Customer, note_id, description: str, note_date=None) -> CustomerNote:
    """Rewrite one of the customer's notes; NoteNotFound for a note of someone else."""
    _own(org, customer)
    try:
        note = CustomerNote.objects.for_org(org).select_for_update().get(customer=customer, pk=int(note_id))
    except (CustomerNote.DoesNotExist, TypeError, ValueError):
        raise errors.NoteNotFound(field="id") from None
    text = str(description or "").strip()
    if not text:
        raise errors.NoteDescriptionMissing(field="description")
    note.description = text
    if note_date not in (None, ""):
        note.note_date = as_datetime(note_date, field="date")
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def customer_preferences_set(*, org, customer: Customer, values: dict | list, store=None
                             ) -> tuple[list[CustomerPreference], list]:
    """Set preferences (custom fields of the `customer_preferences` scope); unknown ones come back as warnings."""
    _own(org, customer)
    cleaned, warnings = custom_fields_validate(org=org, scope=PREFERENCE_SCOPE, values=values, partial=True)
    rows = []
    for name, value in cleaned.items():
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        row, _ = CustomerPreference.objects.update_or_create(
            org=org, customer=customer, name=name, defaults={"value": text[:1000], "store": store})
        rows.append(row)
    return rows, list(warnings)


@transaction.atomic
def customer_ticket_create(*, org, customer: Customer, subject: str, message: str = "", status: str = "OPEN",
                           priority: str = TicketPriority.MEDIUM, department: str = "", reported_from: str = "",
                           type: str = "", custom_fields: dict | None = None, code: str | None = None, till=None
                           ) -> CustomerTicket:
    """Open a ticket for the customer; an open ticket with the same subject is refused (1301)."""
    _own(org, customer)
    subject = str(subject or "").strip()
    if not subject:
        raise errors.TicketSubjectMissing(field="subject")
    if CustomerTicket.objects.for_org(org).filter(customer=customer, subject__iexact=subject).exclude(
            status__iexact="CLOSED").exists():
        raise errors.TicketSubjectExists(field="subject")
    ticket = CustomerTicket(
        org=org, customer=customer, subject=subject[:255], message=str(message or ""),
        status=str(status or "OPEN").strip().upper()[:32], priority=str(priority or "MEDIUM").strip().upper(),
        department=str(department or "")[:100], reported_from=str(reported_from or "").strip().upper(),
        type=str(type or "")[:20], custom_fields=custom_fields or {}, till=till, store=till.store if till else None)
    if code:
        ticket.code = str(code).strip()[:32]
    if ticket.reported_from and ticket.reported_from not in TicketReportedFrom.values:
        ticket.reported_from = ""
    ticket.full_clean()
    ticket.save()
    return ticket


@transaction.atomic
def customer_interaction_record(*, org, customer: Customer, type: str, network: str = InteractionNetwork.CAPILLARY,
                                subject: str = "", sender: str = "", receiver: str = "", status: str = "",
                                data: dict | None = None, occurred_at=None) -> CustomerInteraction:
    """Record a touchpoint (message sent, survey answered, check-in) with the customer."""
    _own(org, customer)
    row = CustomerInteraction(org=org, customer=customer, network=network, type=str(type)[:20], subject=subject[:255],
                              sender=sender[:255], receiver=receiver[:255], status=status[:20], data=data or {},
                              occurred_at=as_datetime(occurred_at, field="occurred_at") or timezone.now())
    row.full_clean()
    row.save()
    return row


def _image_limits(org) -> tuple[int, int]:
    max_bytes = int(org_config_value(org=org, key="CONF_CUSTOMER_IMAGE_MAX_BYTES") or 5242880)
    max_count = int(org_config_value(org=org, key="CONF_CUSTOMER_IMAGE_MAX_COUNT") or 5)
    return max_bytes, max_count


def image_content_type(head: bytes) -> str | None:
    """The image type the file's first bytes announce (PNG, JPEG, GIF, WebP), or None."""
    for signature, content_type in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def customer_image_set(*, org, customer: Customer, upload, till=None, user=None) -> CustomerImage:
    """Store a profile image (PNG/JPEG/GIF/WebP recognised by content, size-checked) with the default storage."""
    _own(org, customer)
    if upload is None:
        raise errors.ImageMissing(field="file")
    max_bytes, max_count = _image_limits(org)
    size = upload.size or 0
    if size < IMAGE_MIN_BYTES:
        raise errors.ImageTooSmall(field="file")
    if size > max_bytes:
        raise errors.ImageTooLarge(maximum=max_bytes, field="file")
    upload.seek(0)
    content_type = image_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise errors.ImageTypeInvalid(field="file")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    count = CustomerImage.objects.filter(customer=customer).count()
    if count >= max_count:
        raise errors.ImageLimitReached(maximum=max_count, field="file")
    image = CustomerImage(org=org, customer=customer, original_name=(upload.name or "")[:255],
                          content_type=content_type, size=size, version=count + 1)
    image.file.save(upload.name or "image", upload, save=False)
    try:
        image.full_clean()
        image.save()
    except Exception:
        image.file.delete(save=False)
        raise
    events.customer_image_set_event(customer, image=image, till=till, user=user)
    return image


@transaction.atomic
def customer_image_delete(*, org, customer: Customer, image_ids: list | None = None, till=None, user=None) -> int:
    """Delete some of the customer's images (files removed once the transaction commits); returns how many."""
    _own(org, customer)
    ids = []
    for raw in image_ids or []:
        try:
            ids.append(int(str(raw).strip()))
        except (TypeError, ValueError):
            raise errors.ImageToDeleteMissing(field="image_ids") from None
    if not ids:
        raise errors.ImageToDeleteMissing(field="image_ids")
    images = list(CustomerImage.objects.for_org(org).filter(customer=customer, pk__in=ids))
    if len(images) != len(set(ids)):
        raise errors.ImageToDeleteMissing(field="image_ids")
    names = [image.file.name for image in images]
    storage = images[0].file.storage
    CustomerImage.objects.filter(pk__in=[image.pk for image in images]).delete()
    events.customer_image_deleted_event(customer, image_ids=sorted(ids), till=till, user=user)
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(images)
