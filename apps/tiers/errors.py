"""Errors of the tiers domain with the platform's codes (Manual Tier Adjustment, tierDetails)."""
from __future__ import annotations

from apps.core.errors import DomainError, NotFound


class TierInvalid(DomainError):
    """A ladder or settings change that would break the ladder's rules."""

    code, status, template = 400, 400, "Invalid tier configuration: {detail}"


class TierProgramInvalid(NotFound):
    code, template = 1101, "invalid programId passed"


class SlabActionMissing(DomainError):
    code, status, template = 8917, 400, "slabAction field is not set"


class ManualValidityMissing(DomainError):
    code, status, template = 8920, 400, "manualSLabActionValidity field is not set"


class ManualValidityUptoInvalid(DomainError):
    code, status, template = 8921, 400, "manualSLabActionValidityUpto value should be an integer"


class SlabNotFound(DomainError):
    code, status, template = 8923, 400, "slab not found for the given slab name"


class SlabNotHigher(DomainError):
    code, status, template = 8925, 400, "target slab must be higher than the current slab"


class SlabNotLower(DomainError):
    code, status, template = 8926, 400, "target slab must be lower than the current slab"


class NoTiers(DomainError):
    code, status, template = 8924, 400, "the programme has no tiers configured"


class LadderChangeNotDraft(DomainError):
    code, status, template = 409, 409, "This ladder change was already applied or is being applied"
