"""v2 shapes of the status log and subscription change log, and the yyyy-MM-dd query dates."""
from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework import serializers


from .serializers import iso

# Stable numbers for the subscription log's `commChannelId` (the platform numbers its channels; ours are fixed).
CHANNEL_IDS = {"SMS": 1, "EMAIL": 2, "ANDROID": 3, "IOS": 4, "WECHAT": 5, "LINE": 6, "PUSH": 7, "WHATSAPP": 9}
CHANNEL_TYPES = {"SMS": "mobile", "EMAIL": "email", "ANDROID": "android", "IOS": "ios", "WECHAT": "wechat",
                 "LINE": "line", "PUSH": "mobilePush", "WHATSAPP": "whatsapp"}


def day_param(raw, *, error, end_of_day: bool = False):
    """An aware datetime at the start (or end) of a yyyy-MM-dd day; None when blank; `error` when malformed."""
    if raw in (None, ""):
        return None
    day = parse_date(str(raw).strip()) if len(str(raw).strip()) == 10 else None
    if day is None:
        raise error()
    return timezone.make_aware(datetime.combine(day, time.max if end_of_day else time.min))


class StatusLogItemV2(serializers.BaseSerializer):
    """One status change: createdByUser, reason, createdBy, actions, autoUpdateTime, createdOn, entityId, isActive,
    label, prevLabel (when there was one), status."""

    def to_representation(self, event):
        org, params = self._kwargs_org, event.parameters
        item = {"createdByUser": event.actor_name, "reason": params.get("reason") or "",
                "createdBy": event.till_id or event.user_id or -1, "actions": [],
                "autoUpdateTime": iso(event.created_at, org)[:10], "createdOn": self._created_on(event, org),
                "entityId": event.customer_id, "isActive": event.pk == self._active_id, "label": params.get("label"),
                "status": params.get("status")}
        if params.get("prevLabel"):
            item["prevLabel"] = params["prevLabel"]
        return item

    @staticmethod
    def _created_on(event, org) -> str:
        stated = event.parameters.get("createdOn")
        if stated:
            return iso(datetime.fromisoformat(stated), org)
        return iso(event.created_at, org)

    def __init__(self, *args, org=None, active_id=None, **kwargs):
        self._kwargs_org, self._active_id = org, active_id
        super().__init__(*args, **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        child_kwargs = {k: kwargs.pop(k) for k in ("org", "active_id") if k in kwargs}
        kwargs["child"] = cls(**child_kwargs)
        return serializers.ListSerializer(*args, **kwargs)


class SubscriptionLogItemV2(serializers.BaseSerializer):
    """One opt-in/opt-out change in the platform's subscriptionStatusChangeLog shape."""

    def __init__(self, *args, org=None, **kwargs):
        self._org = org
        super().__init__(*args, **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        child = cls(org=kwargs.pop("org", None))
        kwargs["child"] = child
        return serializers.ListSerializer(*args, **kwargs)

    def to_representation(self, event):
        params = event.parameters
        channel = params.get("channel", "")
        return {"orgUnitId": -1, "source": params.get("source", ""), "accountId": params.get("accountId", ""),
                "orgSourceId": -1, "commChannelId": CHANNEL_IDS.get(channel, -1),
                "commChannelType": CHANNEL_TYPES.get(channel, channel.lower()), "communicationCategoryId": -1,
                "priority": params.get("priority", ""), "status": bool(params.get("subscribed")),
                "addedBy": event.till_id or event.user_id or -1, "addedOn": iso(event.created_at, self._org)[:10],
                "reason": params.get("reason") or ""}
