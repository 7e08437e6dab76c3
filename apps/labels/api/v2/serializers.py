"""v2 label shapes: field names as in the platform's samples."""
from __future__ import annotations

from rest_framework import serializers


class OrgLabelInputV2(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False)


class OrgLabelsInputV2(serializers.Serializer):
    orgLabels = OrgLabelInputV2(many=True, required=False)


class LabelNameInputV2(serializers.Serializer):
    labelName = serializers.CharField(allow_blank=True)


class ChangeLabelsInputV2(serializers.Serializer):
    add = LabelNameInputV2(many=True, required=False)
    remove = LabelNameInputV2(many=True, required=False)

    def names(self, key: str) -> list[str]:
        return [item["labelName"] for item in self.validated_data.get(key) or []]


class LabelSearchQueryV2(serializers.Serializer):
    q = serializers.CharField(max_length=150)


def org_label_v2(label) -> dict:
    return {"id": label.pk, "orgId": label.org_id, "description": label.description,
            "lastUpdatedBy": label.last_updated_by_till_id, "name": label.name, "active": label.is_active}


def customer_label_v2(link) -> dict:
    return {"id": link.pk, "orgId": link.org_id, "addedBy": link.added_by_till_id or link.added_by_user_id,
            "labelId": link.label_id, "userId": link.customer_id, "labelName": link.label.name,
            "deleted": not link.is_active}


def search_label_v2(link) -> dict:
    return {"orgId": link.org_id, "labelId": link.label_id, "userId": link.customer_id, "labelName": link.label.name}


class OrgLabelOutputV2(serializers.Serializer):
    id = serializers.IntegerField()
    orgId = serializers.IntegerField()
    description = serializers.CharField()
    lastUpdatedBy = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    active = serializers.BooleanField()


class CustomerLabelOutputV2(serializers.Serializer):
    id = serializers.IntegerField()
    orgId = serializers.IntegerField()
    addedBy = serializers.IntegerField(allow_null=True)
    labelId = serializers.IntegerField()
    userId = serializers.IntegerField()
    labelName = serializers.CharField()
    deleted = serializers.BooleanField()


class LabelSearchLabelOutputV2(serializers.Serializer):
    orgId = serializers.IntegerField()
    labelId = serializers.IntegerField()
    userId = serializers.IntegerField()
    labelName = serializers.CharField()


class LabelSearchItemOutputV2(serializers.Serializer):
    userId = serializers.IntegerField()
    customerLabels = LabelSearchLabelOutputV2(many=True)


class _Messages(serializers.Serializer):
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class OrgLabelListOutputV2(_Messages):
    data = OrgLabelOutputV2(many=True)


class CustomerLabelListOutputV2(_Messages):
    data = CustomerLabelOutputV2(many=True)


class LabelSearchOutputV2(_Messages):
    pagination = serializers.DictField()
    data = LabelSearchItemOutputV2(many=True)


class LabelEntityOutputV2(serializers.Serializer):
    entity = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())
