"""Reads of the staff domain."""
from django.db.models import QuerySet

from .choices import StaffRole
from .models import User

# The platform's v1.1 store/staff types.
STAFF_TYPE_ROLES = {
    "ASSOCIATE": [StaffRole.TILL_OPERATOR],
    "MANAGER": [StaffRole.STORE_MANAGER, StaffRole.ORG_ADMIN],
}


def staff_list(*, org, staff_type: str | None = None, store=None) -> QuerySet[User]:
    """The org's active staff, optionally of one type (ASSOCIATE / MANAGER) and one store."""
    qs = User.objects.filter(org=org, is_active=True).exclude(role="").select_related("store").order_by("username", "id")
    if staff_type:
        qs = qs.filter(role__in=STAFF_TYPE_ROLES.get(staff_type.upper(), []))
    if store is not None:
        qs = qs.filter(store=store)
    return qs
