"""Routes of the transaction domain, per API version (v1 reuses the v1.1 list).

Customer-scoped history (v2/customers/{id}/transactions, v1.1/customer/transactions) lives here: it is bill data.
"""
from django.urls import path, re_path

from .v1_1 import views as v11
from .v2 import rejections, simulation
from .v2 import views as v2

JSON = r"(?:\.json)?$"

v11_urlpatterns = [
    re_path(r"^transaction/add" + JSON, v11.TransactionAddV11.as_view()),
    re_path(r"^transaction/add_with_local_currency" + JSON, v11.TransactionAddLocalCurrencyV11.as_view()),
    re_path(r"^transaction/update" + JSON, v11.TransactionUpdateV11.as_view()),
    re_path(r"^transaction/get" + JSON, v11.TransactionGetV11.as_view()),
    re_path(r"^customer/transactions" + JSON, v11.CustomerTransactionsV11.as_view()),
]

v2_urlpatterns = [
    path("transactions", v2.TransactionsV2.as_view()),
    path("transactions/bulk", v2.TransactionBulkV2.as_view()),
    path("transactions/searchEvaluationLog", v2.EvaluationLogV2.as_view()),
    path("transactions/getByBillNumber/<str:bill_number>", v2.TransactionByNumberV2.as_view()),
    path("transactions/<int:bill_id>", v2.TransactionV2.as_view()),
    path("customers/<int:customer_id>/transactions", v2.CustomerTransactionsV2.as_view()),
    path("simulation/transactions", simulation.SimulationTransactionsV2.as_view()),
    path("rejectedTransactions", rejections.RejectedTransactionsV2.as_view()),
    path("rejectedTransactions/retrigger", rejections.RetriggerV2.as_view()),
    path("rejectedTransactions/retriggerStatus/<int:retrigger_id>", rejections.RetriggerStatusV2.as_view()),
    path("rejectedTransactions/markFailed", rejections.MarkFailedV2.as_view()),
]
