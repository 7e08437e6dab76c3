"""POST /v3/oauth/token/generate: exchange a client key and secret for a short-lived token."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.access import services
from apps.core.api.views import V3APIView


class TokenInputV3(serializers.Serializer):
    key = serializers.CharField(max_length=128)
    secret = serializers.CharField(max_length=256, trim_whitespace=False)


class OAuthTokenGenerateV3(V3APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(request=TokenInputV3, auth=[], tags=["authentication"], responses=inline_serializer(
        "TokenOutputV3", {"data": inline_serializer("TokenDataV3", {
            "accessToken": serializers.CharField(), "ttlSeconds": serializers.IntegerField()}),
            "errors": serializers.ListField(child=serializers.DictField(), allow_null=True)}))
    def post(self, request):
        data = TokenInputV3(data=request.data)
        data.is_valid(raise_exception=True)
        token, ttl = services.oauth_token_issue(key=data.validated_data["key"], secret=data.validated_data["secret"])
        return Response({"data": {"accessToken": token, "ttlSeconds": ttl}, "errors": None})
