"""v2 input and output of GET /v2/customers/lookup/recommendations."""
from rest_framework import serializers


class RecommendationsQueryV2(serializers.Serializer):
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = serializers.CharField(required=False, allow_blank=True)
    identifierName = serializers.CharField(required=False, allow_blank=True)
    identifierValue = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.IntegerField(required=False, default=10)
    offset = serializers.IntegerField(required=False, default=0)


class ValuesOutputV2(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    brand = serializers.CharField()
    price = serializers.CharField(allow_null=True)


class RecommendedItemOutputV2(serializers.Serializer):
    sku = serializers.CharField()
    score = serializers.IntegerField()
    rank = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=["BOUGHT_TOGETHER", "TOP_SELLER"])
    values = ValuesOutputV2()


class RecommendationCustomerOutputV2(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    accountId = serializers.CharField()
    type = serializers.CharField()


class RecommendationsOutputV2(serializers.Serializer):
    customer = RecommendationCustomerOutputV2()
    count = serializers.IntegerField()
    recommendations = RecommendedItemOutputV2(many=True)
    warnings = serializers.ListField(child=serializers.DictField())
