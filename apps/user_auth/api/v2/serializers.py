"""v2 user_auth shapes: `{mobile, email, password}` in, the customer or `{entity: true}` out."""
from __future__ import annotations

from rest_framework import serializers


class UserAuthInputV2(serializers.Serializer):
    mobile = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=50)
    email = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)
    password = serializers.CharField(required=False, allow_blank=True, allow_null=True, write_only=True,
                                     max_length=64, trim_whitespace=False, style={"input_type": "password"},
                                     help_text="md5(password) as 32 hex digits")

    def to_service_kwargs(self) -> dict:
        data = self.validated_data
        return {"mobile": data.get("mobile"), "email": data.get("email"), "password": data.get("password")}


class UserAuthEntityOutputV2(serializers.Serializer):
    entity = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.DictField())
