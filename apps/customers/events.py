"""Audit rows of customer changes (C7), written inside the service's transaction."""
from __future__ import annotations

from .choices import CustomerEventType
from .models import Customer, CustomerEvent


def _event(customer: Customer, event_type: str, *, till=None, user=None, **parameters) -> CustomerEvent:
    event = CustomerEvent(org_id=customer.org_id, customer=customer, type=event_type, parameters=parameters, till=till,
                          user=user)
    event.save()
    return event


def customer_registered_event(customer, *, source: str, account_id: str, till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.REGISTERED, till=till, user=user, source=source, accountId=account_id)


def customer_profile_added_event(customer, *, source: str, account_id: str, till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.PROFILE_ADDED, till=till, user=user, source=source,
                  accountId=account_id)


def customer_updated_event(customer, *, changed: list[str], till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.UPDATED, till=till, user=user, changed=sorted(changed))


def customer_loyalty_type_changed_event(customer, *, previous: str, till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.LOYALTY_TYPE_CHANGED, till=till, user=user, previous=previous,
                  current=customer.loyalty_type)


def customer_status_changed_event(customer, *, previous_status: str | None, previous_label: str | None,
                                  reason: str, till=None, user=None, created_on: str | None = None) -> CustomerEvent:
    """created_on: the time the caller says the change happened (v2 `createdOn`), kept next to our own time."""
    extra = {"createdOn": created_on} if created_on else {}
    return _event(customer, CustomerEventType.STATUS_CHANGED, till=till, user=user, status=customer.status,
                  label=customer.status_label, prevStatus=previous_status, prevLabel=previous_label, reason=reason,
                  **extra)


def customer_fraud_status_changed_event(customer, *, previous: str, reason: str, till=None, user=None):
    return _event(customer, CustomerEventType.FRAUD_STATUS_CHANGED, till=till, user=user, previous=previous,
                  current=customer.fraud_status, reason=reason)


def customer_identifier_added_event(customer, *, type: str, value: str, source: str, account_id: str, till=None,
                                    user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.IDENTIFIER_ADDED, till=till, user=user, identifierType=type, value=value,
                  source=source, accountId=account_id)


def customer_identifier_removed_event(customer, *, type: str, value: str, source: str, account_id: str, till=None,
                                      user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.IDENTIFIER_REMOVED, till=till, user=user, identifierType=type, value=value,
                  source=source, accountId=account_id)


def customer_subscription_changed_event(customer, *, subscription, reason: str, till=None, user=None):
    return _event(customer, CustomerEventType.SUBSCRIPTION_CHANGED, till=till, user=user,
                  channel=subscription.channel, priority=subscription.priority, source=subscription.source,
                  accountId=subscription.account_id, subscribed=subscription.is_subscribed, reason=reason)


def customer_image_set_event(customer, *, image, till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.IMAGE_SET, till=till, user=user, imageId=image.pk,
                  fileHandle=str(image.file_handle))


def customer_image_deleted_event(customer, *, image_ids: list[int], till=None, user=None) -> CustomerEvent:
    return _event(customer, CustomerEventType.IMAGE_DELETED, till=till, user=user, imageIds=image_ids)
