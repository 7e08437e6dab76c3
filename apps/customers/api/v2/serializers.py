"""v2 customer shapes: input serializers map the platform's field names onto service keyword arguments, output
serializers render the documented response bodies (field names as in the platform's samples)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from django.urls import reverse
from rest_framework import serializers

from apps.customers.choices import LoyaltyType
from apps.customers.errors import NoValidIdentifiers

FLEX = serializers.JSONField  # values the platform sends as either strings or numbers/booleans


def iso(value, org) -> str | None:
    """ISO-8601 with the org's offset, seconds precision (the platform's `2016-06-23T19:11:18+08:00`)."""
    if value is None:
        return None
    try:
        zone = ZoneInfo(org.timezone or "UTC")
    except Exception:  # noqa: BLE001 (an unknown zone name falls back to UTC)
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).isoformat(timespec="seconds")


# -- input --------------------------------------------------------------------------------------------
class CustomerIdentifierInputV2(serializers.Serializer):
    type = serializers.CharField()
    value = FLEX()
    seriesId = FLEX(required=False)
    seriesCode = serializers.CharField(required=False)
    statusLabel = serializers.CharField(required=False)


class CustomerCommChannelInputV2(serializers.Serializer):
    type = serializers.CharField()
    value = FLEX()
    primary = FLEX(required=False)
    verified = FLEX(required=False)
    subscribed = FLEX(required=False)
    meta = serializers.DictField(required=False)
    attributes = serializers.DictField(required=False)


class CustomerProfileInputV2(serializers.Serializer):
    firstName = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    lastName = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    identifiers = CustomerIdentifierInputV2(many=True, required=False)
    commChannels = CustomerCommChannelInputV2(many=True, required=False)
    fields = serializers.DictField(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = FLEX(required=False, allow_null=True)
    createDate = serializers.CharField(required=False, allow_blank=True)


class CustomerLoyaltyInfoInputV2(serializers.Serializer):
    loyaltyType = serializers.CharField(required=False, allow_blank=True)


class CustomerSubscriptionItemInputV2(serializers.Serializer):
    channel = serializers.CharField()
    priority = serializers.CharField()
    type = serializers.CharField()
    accountId = FLEX(required=False, allow_null=True)
    sourceName = serializers.CharField(required=False, allow_blank=True)
    orgUnitId = FLEX(required=False, allow_null=True)


class CustomerSubscriptionInfoInputV2(serializers.Serializer):
    subscriptions = CustomerSubscriptionItemInputV2(many=True)


def _identifier_dicts(items) -> list[dict]:
    out = []
    for item in items or []:
        entry = {"type": item["type"], "value": item["value"]}
        entry.update({k: item[k] for k in ("seriesId", "seriesCode", "statusLabel") if item.get(k) not in (None, "")})
        out.append(entry)
    return out


def _comm_channel_dicts(items) -> list[dict]:
    return [{k: v for k, v in item.items()} for item in items or []]


class CustomerInputV2(serializers.Serializer):
    """POST /v2/customers and the items of the bulk upsert (loyaltyProgramEnrollments belong to the points
    domain and are accepted but not acted on here)."""

    profiles = CustomerProfileInputV2(many=True, required=False)
    extendedFields = serializers.DictField(required=False, allow_null=True)
    loyaltyInfo = CustomerLoyaltyInfoInputV2(required=False)
    associatedWith = serializers.CharField(required=False, allow_blank=True)
    referralCode = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    statusLabel = serializers.CharField(required=False, allow_blank=True)
    statusLabelReason = serializers.CharField(required=False, allow_blank=True)
    loyaltyProgramEnrollments = serializers.ListField(child=serializers.DictField(), required=False)
    subscriptionInfo = CustomerSubscriptionInfoInputV2(required=False)

    def validate(self, attrs):
        if not attrs.get("profiles"):
            raise NoValidIdentifiers(field="profiles")
        return attrs

    def profile_kwargs(self, profile: dict, *, default_source: str | None = None) -> dict:
        """Service keyword arguments of one profile of the body."""
        account = profile.get("accountId")
        return {"source": profile.get("source") or default_source, "account_id": "" if account is None else str(account),
                "identifiers": _identifier_dicts(profile.get("identifiers")),
                "comm_channels": _comm_channel_dicts(profile.get("commChannels")),
                "custom_fields": profile.get("fields") or None}

    def customer_kwargs(self) -> dict:
        """Keyword arguments shared by every profile (names come from the first profile that has them)."""
        data = self.validated_data
        profiles = data.get("profiles") or []
        first = next((p for p in profiles if p.get("firstName")), {})
        last = next((p for p in profiles if p.get("lastName")), {})
        kwargs = {"extended_fields": data.get("extendedFields") or None}
        if first:
            kwargs["first_name"] = first["firstName"]
        if last:
            kwargs["last_name"] = last["lastName"]
        loyalty = (data.get("loyaltyInfo") or {}).get("loyaltyType")
        if loyalty:
            kwargs["loyalty_type"] = loyalty
        if data.get("associatedWith"):
            kwargs["associated_with"] = data["associatedWith"]
        if data.get("statusLabel"):
            kwargs["status_label"] = data["statusLabel"]
        created = next((p.get("createDate") for p in profiles if p.get("createDate")), None)
        if created:
            kwargs["registered_on"] = created
        return kwargs

    def subscriptions(self) -> list[dict]:
        info = self.validated_data.get("subscriptionInfo") or {}
        return [dict(item) for item in info.get("subscriptions") or []]


class CustomerUpdateInputV2(CustomerInputV2):
    """PUT /v2/customers/{id} and /v2/customers/lookup: the add shape, every part optional."""

    def validate(self, attrs):
        return attrs


class CustomerChangeIdentifierInputV2(serializers.Serializer):
    add = CustomerIdentifierInputV2(many=True, required=False)
    remove = CustomerIdentifierInputV2(many=True, required=False)


class CustomerSubscriptionsInputV2(serializers.Serializer):
    communicationId = FLEX(required=False, allow_null=True)
    campaignId = FLEX(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.DictField(required=False)
    subscriptions = CustomerSubscriptionItemInputV2(many=True)


class CustomerStatusInputV2(serializers.Serializer):
    reason = serializers.CharField(allow_blank=False)
    label = serializers.CharField(allow_blank=False)
    createdOn = serializers.CharField(required=False, allow_blank=True)


class CustomerLookupQueryV2(serializers.Serializer):
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = serializers.CharField(required=False, allow_blank=True)
    identifierName = serializers.CharField(required=False, allow_blank=True)
    identifierValue = serializers.CharField(required=False, allow_blank=True)


class CustomerGetQueryV2(serializers.Serializer):
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = serializers.CharField(required=False, allow_blank=True)
    embed = serializers.CharField(required=False, allow_blank=True,
                                  help_text="Comma-separated; `points`, `mlp`, `subscriptions` and `customerImage` are "
                                            "served, other embeds (userGroup, segments, ...) are accepted and ignored.")
    gapToUpgrade = serializers.IntegerField(required=False, min_value=0, max_value=36500,
                                            help_text="With embed=mlp: days from today the upgrade gap is projected to.")
    gapToRenew = serializers.IntegerField(required=False, min_value=0, max_value=36500,
                                          help_text="With embed=mlp: days from today the renewal gap is projected to.")


class CustomerSearchQueryV2(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    registeredFrom = serializers.CharField(required=False, allow_blank=True, help_text="yyyy-MM-dd (our extension)")
    registeredTo = serializers.CharField(required=False, allow_blank=True, help_text="yyyy-MM-dd (our extension)")


# -- output -------------------------------------------------------------------------------------------
def _till_block(till) -> dict | None:
    if till is None:
        return None
    return {"id": till.pk, "code": till.code, "description": till.description, "name": till.name, "type": "TILL"}


def identifier_v2(row) -> dict:
    item = {"type": row.type, "value": row.value}
    item.update(row.attributes or {})
    return item


def comm_channel_v2(row) -> dict:
    return {"type": row.type, "value": row.value, "primary": row.is_primary, "verified": row.is_verified,
            "meta": row.meta or {}, "attributes": row.attributes or {}}


def profile_v2(customer, profile, *, org) -> dict:
    """One source account of a prefetched customer, in the platform's `profiles[]` shape."""
    identifiers = [r for r in customer.identifiers.all() if r.profile_id == profile.pk]
    channels = [r for r in customer.comm_channels.all() if r.profile_id in (profile.pk, None)]
    modified = profile.updated_at if profile.updated_at and profile.updated_at > customer.updated_at else customer.updated_at
    return {
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "attribution": {"createDate": iso(profile.created_at, org), "createdBy": _till_block(profile.created_by_till),
                        "modifiedBy": _till_block(profile.modified_by_till or customer.modified_by_till),
                        "modifiedDate": iso(modified, org)},
        "fields": dict(customer.custom_fields or {}),
        "identifiers": [identifier_v2(r) for r in identifiers],
        "commChannels": [comm_channel_v2(r) for r in channels],
        "source": profile.source,
        "userId": customer.pk,
        "accountId": profile.account_id,
        "conflictingProfileList": [],
        "autoUpdateTime": iso(modified, org),
        "identifiersAll": [identifier_v2(r) for r in customer.identifiers.all()],
    }


def subscription_v2(row) -> dict:
    return {"channel": row.channel, "accountId": row.account_id, "priority": row.priority,
            "type": "OPTIN" if row.is_subscribed else "OPTOUT"}


def image_v2(image, *, org, request=None) -> dict:
    path = reverse("v2:customer-image-file", kwargs={"customer_id": image.customer_id, "image_id": image.pk})
    url = request.build_absolute_uri(path) if request is not None else path
    return {"id": image.pk, "code": 200, "file": image_file_v2(image, org=org), "filePath": url,
            "secureFilePath": url, "message": "Success", "status": "true"}


def image_file_v2(image, *, org) -> dict:
    stamp = iso(image.created_at, org)
    return {"acl": "PRIVATE", "fileSize": str(image.size), "fileHandle": str(image.file_handle),
            "lastModified": stamp[:19].replace("T", " ") if stamp else None, "latestVersion": image.version,
            "name": f"{image.org_id}/{image.customer_id}/{image.version - 1}", "namespace": "customerImage",
            "s3Token": image.file.name, "version": image.version}


def customer_v2(customer, *, org, source: str | None = None, account_id: str | None = None,
                embeds: set[str] = frozenset(), subscriptions=None, images=None, request=None, loyalty=None,
                lifetime_purchases=None, upgrade=None, renew=None) -> dict:
    """The GET /v2/customers/{id} body of a prefetched customer.

    `loyalty` (apps.customers.api.loyalty.CustomerLoyalty) feeds `loyaltyInfo.lifetimePurchases` and the
    `pointsSummary` (embed=points) and `loyaltyProgramDetails` (embed=mlp) blocks; `upgrade` / `renew` (per
    programme id, from upgrade_gaps / renew_gaps) add `upgradeStrategies` / `gapToRenewSummary` to each programme."""
    profiles = list(customer.profiles.all())
    if source and source != "ALL":
        chosen = [p for p in profiles if p.source == source and (not account_id or p.account_id == account_id)]
        profiles = chosen or profiles
    body = {
        "id": customer.pk,
        "profiles": [profile_v2(customer, p, org=org) for p in profiles],
        "loyaltyInfo": {
            "loyaltyType": "loyalty" if customer.loyalty_type == LoyaltyType.LOYALTY else "non_loyalty",
            "attributionV2": {"createDate": iso(customer.registered_on, org),
                              "createdBy": _till_block(customer.registered_till),
                              "modifiedBy": _till_block(customer.modified_by_till),
                              "modifiedDate": iso(customer.updated_at, org),
                              "createdFromSource": customer.registered_source},
        },
        "segments": {},
        "associatedWith": customer.registered_till.code if customer.registered_till else "",
        "extendedFields": dict(customer.extended_fields or {}),
        "cardDetails": [],
    }
    if loyalty is not None:
        body["loyaltyInfo"]["lifetimePurchases"] = loyalty.lifetime_purchases
        if "points" in embeds and loyalty.default is not None:
            body["pointsSummary"] = points_summary_v2(loyalty.default)
        if "mlp" in embeds:
            body["loyaltyProgramDetails"] = [
                program_details_v2(f, upgrade=None if upgrade is None else upgrade.get(f.program.pk, []),
                                   renew=None if renew is None else renew.get(f.program.pk))
                for f in loyalty.programs]
    elif lifetime_purchases is not None:
        body["loyaltyInfo"]["lifetimePurchases"] = lifetime_purchases
    if "subscriptions" in embeds:
        body["subscriptionInfo"] = {"subscriptions": [subscription_v2(r) for r in subscriptions or []]}
    if "customerimage" in embeds:
        body["customerImage"] = [image_v2(i, org=org, request=request) for i in images or []]
    body["warnings"] = []
    return body


def slab_v2(slab) -> dict:
    """The tier ("slab") fields, as loyaltyDetails prints them; blanks and -1 for a programme without a ladder."""
    if slab is None:
        return {"currentSlab": "", "nextSlab": "", "nextSlabSerialNumber": -1, "nextSlabDescription": "",
                "slabSNo": -1, "slabExpiryDate": None}
    nxt = slab.next
    return {"currentSlab": slab.current.name, "nextSlab": nxt.name if nxt else "",
            "nextSlabSerialNumber": nxt.serial if nxt else -1, "nextSlabDescription": nxt.description if nxt else "",
            "slabSNo": slab.current.serial, "slabExpiryDate": f"{slab.expires_on.isoformat()}T23:59:59Z"}


def _points_v2(figures) -> dict:
    balance = figures.balance
    return {"redeemed": balance.figure("redeemed"), "expired": balance.figure("expired"), "returned": figures.returned,
            "adjusted": balance.figure("adjusted"), "lifetimePoints": balance.figure("lifetime_earned"),
            "loyaltyPoints": balance.available, "cumulativePurchases": figures.purchases,
            "loyaltyId": balance.account.pk if balance.account else -1}


def points_summary_v2(figures) -> dict:
    """`pointsSummary` (embed=points): the default programme's points, purchases and tier."""
    body = {**_points_v2(figures), **slab_v2(figures.slab)}
    return {key: body[key] for key in sorted(body)}


def upgrade_strategy_v2(gap) -> dict:
    return {"upgrade_based_on": gap.based_on, "upgradeThreshold": gap.threshold,
            "customerUpgradeEntityValues": {"currentValue": gap.current, "gapToUpgrade": gap.gap,
                                            "valueValidUpto": gap.valid_up_to.isoformat() if gap.valid_up_to
                                            else None}}


def renew_summary_v2(renew) -> dict:
    return {"tierExpiryDate": renew.expires_on.isoformat(), "renewConfirmed": renew.verdict.renewed,
            "renewStrategies": [{"renewBasedOn": c["name"], "renewThreshold": c["required"],
                                 "customerRenewEntityValue": c["actual"],
                                 "customerGapToRenewValue": c["shortfall"]} for c in renew.verdict.conditions]}


def program_details_v2(figures, *, upgrade=None, renew=None) -> dict:
    """One `loyaltyProgramDetails[]` item (embed=mlp). `upgrade` (a list) and `renew` are given when the request
    asked for gapToUpgrade / gapToRenew; the renewal block is left out for the base tier or a tier that never
    expires, as the platform leaves it out."""
    balance, program = figures.balance, figures.program
    revoked = balance.figure("revoked")
    body = {**_points_v2(figures), **slab_v2(figures.slab), "programId": program.pk,
            "delayedPoints": balance.promised, "delayedReturnedPoints": balance.promised_returned,
            "totalAvailablePoints": balance.available + balance.promised, "totalReturnedPoints": revoked,
            "linkedPartnerPrograms": [], "programTitle": program.name, "programDescription": program.description,
            "programPointsToCurrencyRatio": program.point_value}
    if upgrade is not None:
        body["upgradeStrategies"] = [upgrade_strategy_v2(g) for g in upgrade]
    if renew is not None:
        body["gapToRenewSummary"] = renew_summary_v2(renew)
    return body


class CustomerOutputV2(serializers.Serializer):
    """Schema of the customer body (rendered by customer_v2)."""

    id = serializers.IntegerField()
    profiles = serializers.ListField(child=serializers.DictField())
    loyaltyInfo = serializers.DictField()
    segments = serializers.DictField()
    associatedWith = serializers.CharField()
    extendedFields = serializers.DictField()
    cardDetails = serializers.ListField(child=serializers.DictField())
    pointsSummary = serializers.DictField(required=False)
    loyaltyProgramDetails = serializers.ListField(child=serializers.DictField(), required=False)
    subscriptionInfo = serializers.DictField(required=False)
    customerImage = serializers.ListField(child=serializers.DictField(), required=False)
    warnings = serializers.ListField(child=serializers.DictField())


class CustomerCreatedOutputV2(serializers.Serializer):
    createdId = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())
    sideEffects = serializers.ListField(child=serializers.DictField(), required=False)


class CustomerEntityOutputV2(serializers.Serializer):
    entity = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())


class CustomerSearchItemOutputV2(serializers.Serializer):
    userId = serializers.IntegerField()
    matchedIdentifiers = serializers.ListField(child=serializers.DictField())
    profiles = serializers.ListField(child=serializers.DictField())


class CustomerSubscriptionOutputV2(serializers.Serializer):
    channel = serializers.CharField()
    accountId = serializers.CharField()
    priority = serializers.CharField()
    type = serializers.CharField()


class CustomerSubscriptionsOutputV2(serializers.Serializer):
    subscriptions = CustomerSubscriptionOutputV2(many=True)
    campaignId = serializers.IntegerField()
    communicationId = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())


class CustomerDataListOutputV2(serializers.Serializer):
    data = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class CustomerBulkUpsertOutputV2(serializers.Serializer):
    response = serializers.ListField(child=serializers.DictField())
    totalCount = serializers.IntegerField()
    failureCount = serializers.IntegerField()


class CustomerStatusOutputV2(serializers.Serializer):
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())
    error = serializers.ListField(child=serializers.DictField())


class CustomerMessageOutputV2(serializers.Serializer):
    message = serializers.CharField()
    status = serializers.CharField()
    warnings = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.DictField())


class CustomerImageUploadInputV2(serializers.Serializer):
    file = serializers.FileField()
