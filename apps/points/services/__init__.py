"""Writes of the points domain (a package: ledger primitives and one module per operation)."""
from .earning import points_adjust, points_convert_promised, points_credit, points_revoke, promised_due_customers
from .expiry import points_expire_chunk, points_expire_due
from .invariants import account_check, ledger_check
from .otp import validation_code_check, validation_code_consume, validation_code_issue
from .ledger import SYSTEM, Actor, expiry_for, points_amount, points_round, points_value, program_resolve
from .programs import program_create, program_ensure_default
from .redemption import Redeemability, ReversalResult, points_redeem, points_redeemability, points_reverse_redemption
from .transfers import points_transfer, transfer_check, transferable_points

__all__ = [
    "SYSTEM", "Actor", "Redeemability", "ReversalResult", "account_check", "expiry_for", "ledger_check",
    "points_adjust", "points_amount", "points_convert_promised", "points_credit", "points_expire_chunk",
    "points_expire_due", "points_redeem", "points_redeemability", "points_reverse_redemption", "points_revoke",
    "points_round", "points_transfer", "points_value", "program_create", "program_ensure_default", "program_resolve",
    "promised_due_customers", "transfer_check", "transferable_points", "validation_code_check",
    "validation_code_consume", "validation_code_issue",
]
