"""Operations confirmed by a customer's validation code, where the code must be used up with the operation."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ..models import LoyaltyProgram, Transfer
from .ledger import SYSTEM, Actor, entry_replayed
from .otp import validation_code_consume
from .transfers import points_transfer

TRANSFER_PURPOSE = "TRANSFER"


@transaction.atomic
def points_transfer_confirmed(*, org, from_customer, to_customer, program: LoyaltyProgram, points: Decimal,
                              code: str | None, notes: str = "", actor: Actor = SYSTEM,
                              idempotency_key: str = "") -> Transfer:
    """Transfer points, using up the sender's transfer code in the same transaction when one is given.

    A retry with the same idempotency key returns the first transfer before looking at the code (which the first
    attempt used up). Callers check the code first with validation_code_check, outside any transaction, so wrong
    guesses stay counted when the request fails.
    """
    if idempotency_key and (done := entry_replayed(org=org, idempotency_key=f"{idempotency_key}:out")):
        return done.transfer_out
    if code is not None:
        validation_code_consume(org=org, customer=from_customer, code=code, purpose=TRANSFER_PURPOSE)
    return points_transfer(org=org, from_customer=from_customer, to_customer=to_customer, program=program,
                           points=points, notes=notes, actor=actor, idempotency_key=idempotency_key)
