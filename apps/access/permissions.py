"""Access-group checks: every API view names its resource; safe methods need View, others Modify."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .choices import AccessLevel


class HasAccessGroupPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        principal = getattr(request, "principal", None)
        if principal is None:
            return False
        resource = getattr(view, "access_resource", None)
        if resource is None:
            return True
        overrides = getattr(view, "access_levels", {}) or {}
        action = getattr(view, "action", None)
        level = overrides.get(action) or overrides.get(request.method)
        if level is None:
            level = AccessLevel.VIEW if request.method in SAFE_METHODS else AccessLevel.MODIFY
        return principal.can(resource, level)


class IsAuthenticatedPrincipal(BasePermission):
    """Any authenticated API credential, whatever its access groups (e.g. verifying a login)."""

    def has_permission(self, request, view) -> bool:
        return getattr(request, "principal", None) is not None
