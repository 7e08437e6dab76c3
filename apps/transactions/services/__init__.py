"""Writes of the transaction domain (keyword-only, org first, atomic). Import from here, not from the submodules."""
from .bills import (BillResult, MasterDataRejected, SimulationResult, bill_add, bill_simulate, bill_submit,
                    bill_update, program_of)
from .inputs import BillInput, CustomerRef, LineInput, TenderInput
from .products import product_create, product_update
from .rejections import (rejected_bill_record, rejected_bill_retry, rejected_bills_mark_failed,
                         rejected_bills_retrigger, rejected_bills_retrigger_run)

__all__ = [
    "BillInput", "BillResult", "CustomerRef", "LineInput", "MasterDataRejected", "SimulationResult", "TenderInput",
    "bill_add", "bill_simulate", "bill_submit", "bill_update", "product_create", "product_update", "program_of",
    "rejected_bill_record", "rejected_bill_retry", "rejected_bills_mark_failed", "rejected_bills_retrigger",
    "rejected_bills_retrigger_run",
]
