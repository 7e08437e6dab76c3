"""Reads of the fields domain: the org's extended fields and the platform's standard ("meta") fields."""
from __future__ import annotations

from django.db.models import QuerySet

from apps.core.orgcache import org_data
from apps.organizations.models import CustomField, Organization
from apps.organizations.selectors import custom_field_list

from . import errors, meta
from .models import ExtendedField
from .scopes import scope_internal


def extended_field_list(*, org: Organization, entity: str | None = None,
                        active_only: bool = False) -> QuerySet[ExtendedField]:
    """The org's extended fields (optionally of one entity, optionally only active ones), in display order."""
    qs = ExtendedField.objects.for_org(org).select_related("parent").order_by("entity", "position", "name", "id")
    if entity is not None:
        qs = qs.filter(entity=entity)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def extended_field_get(*, org: Organization, field_id: int) -> ExtendedField:
    """One extended field of the org; another org's answers like a missing one."""
    try:
        return ExtendedField.objects.for_org(org).select_related("parent").get(pk=field_id)
    except ExtendedField.DoesNotExist:
        raise errors.ExtendedFieldNotFound(field="extendedFieldId") from None


def extended_field_meta(*, org: Organization, entity: str | None = None) -> list[tuple[meta.StandardField, bool]]:
    """The platform's standard fields with, for each, whether the org has enabled it (one query)."""
    enabled = set(ExtendedField.objects.for_org(org).filter(is_active=True).values_list("entity", "name"))
    return [(f, (f.entity, f.name) in enabled) for f in meta.standard_fields(entity)]


def custom_fields_of_scope(*, org: Organization, scope: str | None = None) -> QuerySet[CustomField]:
    """The org's custom fields, optionally of one scope given by its org or v2 name."""
    return custom_field_list(org=org, scope=scope_internal(scope) if scope else None)


EXTENDED_FIELDS_DATA = "extended-fields"


def extended_definitions(*, org: Organization, entity: str) -> tuple[ExtendedField, ...]:
    """The entity's active extended fields, from the process's copy while none changed (read-only)."""
    return org_data(org.pk, EXTENDED_FIELDS_DATA, (entity,),
                    lambda: tuple(extended_field_list(org=org, entity=entity, active_only=True)))
