"""Organisations and their hierarchy: zones and concepts, stores, tills; config, tenders, custom fields, locations."""
from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone

from apps.core.models import OrgOwned

from .choices import AdminType, CustomFieldScope, CustomFieldType, TillType
from .reference import validate_currency, validate_timezone

code_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$",
                                "Use 1-50 letters, digits, '.', '_' or '-', starting with a letter or digit.")


class Organization(models.Model):
    """A retailer running a loyalty programme: the tenant every other row belongs to."""

    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=64, unique=True)
    base_currency = models.CharField(max_length=3, default="INR", validators=[validate_currency])
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    default_locale = models.CharField(max_length=16, default="en")
    locales = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    pincode = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    website = models.URLField(blank=True)
    logo_url = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Zone(OrgOwned):
    """A geographical grouping of stores; zones may nest."""

    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]

    def __str__(self) -> str:
        return self.name


class Concept(OrgOwned):
    """A brand or format grouping of stores (e.g. supermarket, express)."""

    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]

    def __str__(self) -> str:
        return self.name


class Store(OrgOwned):
    """A physical or online store; tills belong to it."""

    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="stores")
    concept = models.ForeignKey(Concept, null=True, blank=True, on_delete=models.PROTECT, related_name="stores")
    admin_type = models.CharField(max_length=10, choices=AdminType.choices, default=AdminType.GENERAL)
    external_id = models.CharField(max_length=100, blank=True)
    external_id_1 = models.CharField(max_length=100, blank=True)
    external_id_2 = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    land_line = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    area = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    pincode = models.CharField(max_length=20, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))])
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))])
    currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    language = models.CharField(max_length=16, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.UniqueConstraint(fields=["org", "external_id"], condition=~Q(external_id=""),
                                    name="%(app_label)s_%(class)s_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def effective_currency(self) -> str:
        return self.currency or self.org.base_currency

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.org.timezone


class Till(OrgOwned):
    """A POS terminal (or store server): the credential API calls are made as."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="tills")
    code = models.CharField(max_length=50, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    type = models.CharField(max_length=12, choices=TillType.choices, default=TillType.TILL)
    admin_type = models.CharField(max_length=10, choices=AdminType.choices, default=AdminType.GENERAL)
    # Login name for HTTP Basic; unique across the platform because it identifies the org.
    username = models.CharField(max_length=100, unique=True, validators=[code_validator])
    # Django password hash of md5(password): clients send md5(password), never the clear password.
    password = models.CharField(max_length=256, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    access_groups = models.ManyToManyField("access.AccessGroup", blank=True, related_name="tills")
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]
        indexes = [models.Index(fields=["org", "store"], name="org_till_store_idx")]

    def __str__(self) -> str:
        return self.code

    def set_api_password(self, raw_password: str) -> None:
        from .passwords import md5_hex

        self.password = make_password(md5_hex(raw_password))

    def check_api_password(self, sent: str) -> bool:
        """True when sent is md5(password) (what the platform's clients send) or the plain password."""
        from .passwords import candidates

        return any(check_password(candidate, self.password) for candidate in candidates(sent)) if self.password else False


class OrgConfig(OrgOwned):
    """A configuration value of the org, or of one store when store is set (store values override)."""

    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.CASCADE, related_name="configs")
    key = models.CharField(max_length=100)
    value = models.CharField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "key"], condition=Q(store__isnull=True),
                                    name="%(app_label)s_%(class)s_unique_org_key"),
            models.UniqueConstraint(fields=["org", "store", "key"], condition=Q(store__isnull=False),
                                    name="%(app_label)s_%(class)s_unique_store_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class PaymentMode(OrgOwned):
    """A tender the org accepts (cash, card, points, ...)."""

    name = models.CharField(max_length=50)
    canonical_name = models.CharField(max_length=50)
    description = models.CharField(max_length=250, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name")]

    def __str__(self) -> str:
        return self.name


class CustomField(OrgOwned):
    """An org-defined field captured with customers, transactions, stores, ... (scope)."""

    # v2 `dataType` values; blank means "derived from type" (see datatype).
    DATA_TYPES = [("String", "String"), ("Integer", "Integer"), ("Double", "Double"), ("Boolean", "Boolean")]

    name = models.CharField(max_length=64, validators=[RegexValidator(
        r"^[A-Za-z](?:[A-Za-z0-9_ .-]{0,62}[A-Za-z0-9_])?$",
        "Use letters, digits, spaces, '_', '.' or '-', starting with a letter and not ending with a space.")])
    label = models.CharField(max_length=100)
    scope = models.CharField(max_length=32, choices=CustomFieldScope.choices)
    type = models.CharField(max_length=16, choices=CustomFieldType.choices, default=CustomFieldType.TEXT)
    data_type = models.CharField(max_length=16, choices=DATA_TYPES, blank=True)
    # The v2 `type` (how client applications render it: text, textarea, datepicker, ...); blank = derived from type.
    widget = models.CharField(max_length=20, blank=True)
    default_value = models.CharField(max_length=250, blank=True)
    options = models.JSONField(default=list, blank=True)
    regex = models.CharField(max_length=250, blank=True)
    error_message = models.CharField(max_length=250, blank=True)
    rule = models.TextField(blank=True)
    server_rule = models.TextField(blank=True)
    help_text = models.CharField(max_length=250, blank=True)
    attrs = models.CharField(max_length=500, blank=True)
    is_mandatory = models.BooleanField(default=False)
    is_disabled = models.BooleanField(default=False)
    disable_at_server = models.BooleanField(default=False)
    is_updatable = models.BooleanField(default=True)
    enable_audit_trail = models.BooleanField(default=False)
    is_pii_data = models.BooleanField(default=False)
    is_psi_data = models.BooleanField(default=False)
    phase = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scope", "position", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "scope", "name"], name="%(app_label)s_%(class)s_unique_name")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.name}"

    @property
    def datatype(self) -> str:
        if self.data_type:
            return self.data_type
        return {CustomFieldType.NUMBER: "Integer", CustomFieldType.DATE: "Date",
                CustomFieldType.CHECKBOX: "Boolean"}.get(self.type, "String")


class Location(OrgOwned):
    """A named place (country, region, mall, ...) that rules and stores can refer to by code."""

    code = models.CharField(max_length=64, validators=[code_validator])
    label = models.CharField(max_length=200)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]

    def __str__(self) -> str:
        return self.label

