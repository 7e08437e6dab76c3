"""Enumerations of the customer domain, with the platform's spellings as values."""
from django.db import models


class Source(models.TextChoices):
    """Where a customer's source account (profile) was registered."""

    INSTORE = "INSTORE", "In store"
    ECOMMERCE = "ECOMMERCE", "E-commerce"
    WEBSITE = "WEBSITE", "Website"
    MOBILE_APP = "MOBILE_APP", "Mobile app"
    FACEBOOK = "FACEBOOK", "Facebook"
    WECHAT = "WECHAT", "WeChat"
    LINE = "LINE", "LINE"
    MARTJACK = "MARTJACK", "Martjack"
    TMALL = "TMALL", "Tmall"
    TAOBAO = "TAOBAO", "Taobao"
    JD = "JD", "JD"
    WEB_ENGAGE = "WEB_ENGAGE", "WebEngage"


# Sources whose customers live in one of several accounts (the platform asks for accountId there).
MULTI_ACCOUNT_SOURCES = frozenset({Source.FACEBOOK, Source.WEB_ENGAGE, Source.WECHAT, Source.LINE, Source.MOBILE_APP})
# Accepted on reads in place of a source: every source.
SOURCE_ALL = "ALL"


class IdentifierType(models.TextChoices):
    """Identifier kinds; values are the v2 spellings (`type` in bodies, `identifierName` in lookups)."""

    MOBILE = "mobile", "Mobile"
    EMAIL = "email", "Email"
    EXTERNAL_ID = "externalId", "External id"
    CARD_NUMBER = "cardnumber", "Card number"
    CARD_EXTERNAL_ID = "cardExternalId", "Card external id"
    WECHAT = "wechat", "WeChat id"
    MARTJACK_ID = "martjackId", "Martjack id"
    FB_ID = "fbId", "Facebook id"
    LINE = "line", "LINE id"
    CUID = "cuid", "App customer id"
    UNION_ID = "unionId", "WeChat union id"
    TMALL_UNAME = "tmall_uname", "Tmall user name"
    ALI_UNAME = "ali_uname", "Alibaba user name"
    JD_UNAME = "jd_uname", "JD user name"
    VIP_UNAME = "vip_uname", "VIP user name"


# identifierName spellings seen in the platform's docs and clients, mapped to ours (matched case-insensitively).
IDENTIFIER_ALIASES = {t.value.lower(): t.value for t in IdentifierType} | {
    "external_id": IdentifierType.EXTERNAL_ID,
    "card_number": IdentifierType.CARD_NUMBER,
    "card_external_id": IdentifierType.CARD_EXTERNAL_ID,
    "martjack_id": IdentifierType.MARTJACK_ID,
    "fb_id": IdentifierType.FB_ID,
}
# Lookups may also name the customer's own id.
IDENTIFIER_ID = "id"


class LoyaltyType(models.TextChoices):
    LOYALTY = "LOYALTY", "Loyalty"
    NON_LOYALTY = "NON_LOYALTY", "Non-loyalty"


class CustomerStatus(models.TextChoices):
    """The platform's fixed lifecycle statuses; orgs name them with their own labels."""

    ACTIVE = "ACTIVE", "Active"
    SUSPENDED = "SUSPENDED", "Suspended"
    DELETED = "DELETED", "Deleted"
    FRAUD_SUSPECTED = "FRAUD_SUSPECTED", "Fraud suspected"
    FRAUD_CONFIRMED = "FRAUD_CONFIRMED", "Fraud confirmed"
    INTERNAL = "INTERNAL", "Internal"
    PENDING_DELETION = "PENDING_DELETION", "Pending deletion"


class FraudStatus(models.TextChoices):
    NONE = "NONE", "None"
    MARKED = "MARKED", "Marked"
    CONFIRMED = "CONFIRMED", "Confirmed"
    RECONFIRMED = "RECONFIRMED", "Reconfirmed"
    NOT_FRAUD = "NOT_FRAUD", "Not fraud"
    INTERNAL = "INTERNAL", "Internal"


class CommChannelType(models.TextChoices):
    """Contact points of a profile (`commChannels[].type`)."""

    MOBILE = "mobile", "Mobile"
    EMAIL = "email", "Email"
    WECHAT = "wechat", "WeChat"
    WHATSAPP = "whatsapp", "WhatsApp"
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"
    LINE = "line", "LINE"
    MOBILE_PUSH = "mobilePush", "Mobile push"


class Channel(models.TextChoices):
    """Subscription channels."""

    SMS = "SMS", "SMS"
    EMAIL = "EMAIL", "Email"
    WHATSAPP = "WHATSAPP", "WhatsApp"
    PUSH = "PUSH", "Push"
    ANDROID = "ANDROID", "Android push"
    IOS = "IOS", "iOS push"
    WECHAT = "WECHAT", "WeChat"
    LINE = "LINE", "LINE"


# Channel spellings clients send (v2 `MOBILE`, v1.1 `sms`, comm-channel types), matched case-insensitively.
CHANNEL_ALIASES = {c.value.lower(): c.value for c in Channel} | {
    "mobile": Channel.SMS, "mobilepush": Channel.PUSH,
}


class Priority(models.TextChoices):
    TRANS = "TRANS", "Transactional"
    BULK = "BULK", "Bulk (promotional)"


class SubscriptionType(models.TextChoices):
    OPTIN = "OPTIN", "Opted in"
    OPTOUT = "OPTOUT", "Opted out"


class CustomerEventType(models.TextChoices):
    """Audit events of a customer (C7); status and subscription logs read these rows."""

    REGISTERED = "REGISTERED", "Registered"
    PROFILE_ADDED = "PROFILE_ADDED", "Source account added"
    UPDATED = "UPDATED", "Profile updated"
    LOYALTY_TYPE_CHANGED = "LOYALTY_TYPE_CHANGED", "Loyalty type changed"
    STATUS_CHANGED = "STATUS_CHANGED", "Status changed"
    FRAUD_STATUS_CHANGED = "FRAUD_STATUS_CHANGED", "Fraud status changed"
    IDENTIFIER_ADDED = "IDENTIFIER_ADDED", "Identifier added"
    IDENTIFIER_REMOVED = "IDENTIFIER_REMOVED", "Identifier removed"
    SUBSCRIPTION_CHANGED = "SUBSCRIPTION_CHANGED", "Subscription changed"
    IMAGE_SET = "IMAGE_SET", "Image set"
    IMAGE_DELETED = "IMAGE_DELETED", "Image deleted"


class TicketPriority(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class TicketReportedFrom(models.TextChoices):
    EMAIL = "EMAIL", "Email"
    INTOUCH = "INTOUCH", "InTouch"
    CALLCENTER = "CALLCENTER", "Call centre"
    CLIENT = "CLIENT", "Client"
    MICROSITE = "MICROSITE", "Microsite"
    SOCIAL = "SOCIAL", "Social"


class InteractionNetwork(models.TextChoices):
    CAPILLARY = "capillary", "Brand messages and surveys"
    FACEBOOK = "facebook", "Facebook"
    TWITTER = "twitter", "Twitter"
    FOURSQUARE = "foursquare", "Foursquare"
