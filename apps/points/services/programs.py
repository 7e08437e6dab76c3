"""Loyalty programmes."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ..models import LoyaltyProgram
from .ledger import currency_default


@transaction.atomic
def program_create(*, org, name: str, description: str = "", point_value: Decimal = Decimal("1"),
                   is_default: bool = False, **settings) -> LoyaltyProgram:
    """Create a programme (with its main points currency); making it the default demotes the previous default."""
    if is_default:
        LoyaltyProgram.objects.for_org(org).filter(is_default=True).update(is_default=False)
    program = LoyaltyProgram(org=org, name=name, description=description, point_value=point_value,
                             is_default=is_default, **settings)
    program.full_clean()
    program.save()
    currency_default(program=program)
    return program


def program_ensure_default(*, org) -> LoyaltyProgram:
    """The org's default programme, created when it has none (idempotent)."""
    existing = LoyaltyProgram.objects.for_org(org).filter(is_default=True).first()
    if existing:
        return existing
    return program_create(org=org, name=f"{org.name} Programme", description="Default programme", is_default=True)
