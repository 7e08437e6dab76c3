"""Saving a programme's settings from the back office (creation goes through programs.program_create)."""
from __future__ import annotations

from django.db import transaction

from ..models import LoyaltyProgram
from .ledger import currency_default


@transaction.atomic
def program_settings_save(*, org, program: LoyaltyProgram) -> LoyaltyProgram:
    """Validate and save an edited programme; making it the default demotes the org's previous default."""
    if program.org_id != org.pk:
        raise ValueError("programme of another organisation")
    if program.is_default:
        LoyaltyProgram.objects.for_org(org).filter(is_default=True).exclude(pk=program.pk).update(is_default=False)
    program.full_clean()
    program.save()
    currency_default(program=program)
    return program
