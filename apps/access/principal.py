"""Who is calling the API: resolved once by authentication, read everywhere else."""
from __future__ import annotations

from dataclasses import dataclass, field

from .choices import LEVEL_RANK, AccessLevel


@dataclass
class Principal:
    org: object
    till: object | None
    store: object | None
    kind: str  # "till" (HTTP Basic) or "client" (OAuth token)
    credential: str  # stable id of the credential, e.g. "till:12" (rate limits, idempotency keys)
    permissions: dict[str, str] = field(default_factory=dict)
    client: object | None = None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def pk(self) -> str:
        return self.credential

    def can(self, resource: str, level: str) -> bool:
        granted = self.permissions.get(resource, AccessLevel.NONE)
        return LEVEL_RANK[AccessLevel(granted)] >= LEVEL_RANK[AccessLevel(level)]


def merge_permissions(groups) -> dict[str, str]:
    """The highest level each resource reaches across the given access groups."""
    merged: dict[str, str] = {}
    for group in groups:
        for resource, level in (group.permissions or {}).items():
            if LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(merged.get(resource, AccessLevel.NONE), 0):
                merged[resource] = level
    return merged
