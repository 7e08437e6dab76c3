"""Writes of the customer domain (keyword-only, org first, atomic). Import from here, not from the submodules."""
from .engagement import (
    customer_image_delete, customer_image_set, customer_interaction_record, customer_note_add, customer_note_update,
    customer_preferences_set, customer_ticket_create,
)
from .lifecycle import (
    customer_fraud_status_change, customer_identifiers_change, customer_referral_code_set, customer_status_change,
    customer_status_label_create, customer_subscriptions_update,
)
from .registration import customer_create, customer_update
from .upsert import customer_upsert

__all__ = [
    "customer_create", "customer_update", "customer_upsert", "customer_identifiers_change", "customer_status_change",
    "customer_fraud_status_change", "customer_subscriptions_update", "customer_referral_code_set",
    "customer_status_label_create", "customer_note_add", "customer_note_update", "customer_preferences_set",
    "customer_ticket_create", "customer_interaction_record", "customer_image_set", "customer_image_delete",
]
