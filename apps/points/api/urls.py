"""Routes of the points domain, per API version (v1 reuses the v1.1 list).

The v2 customer routes come before the customers app's in loyalty/api/v2.py; lookup routes precede the
`{customer_id}` ones so "lookup" is never read as an id.
"""
from django.urls import path, re_path

from .v1_1 import views as v11
from .v2 import customers as v2c
from .v2 import ledger as v2l
from .v2 import views as v2

JSON = r"(?:\.json)?$"

v11_urlpatterns = [
    re_path(r"^points/isredeemable" + JSON, v11.PointsIsRedeemableV11.as_view()),
    re_path(r"^points/validationcode" + JSON, v11.PointsValidationCodeV11.as_view()),
    re_path(r"^points/redeem" + JSON, v11.PointsRedeemV11.as_view()),
]

v2_urlpatterns = [
    path("points/isTransferrable", v2.PointsIsTransferrableV2.as_view()),
    path("points/transfer", v2.PointsTransferV2.as_view()),
    path("points/reverse", v2.PointsReverseV2.as_view()),
    path("points/unlockPromisedPoints", v2.PointsUnlockV2.as_view()),
    path("pointsLedger/getCustomerLedgerBalance", v2l.LedgerBalanceV2.as_view()),
    path("pointsLedger/getCustomerLedgerInfo", v2l.LedgerInfoV2.as_view()),
    path("pointsLedger/getLedgerExplodeInfo", v2l.LedgerExplodeV2.as_view()),
    path("customers/lookup/points/balance", v2c.PointsBalanceLookupV2.as_view()),
    path("customers/lookup/pointsExpirySchedule", v2c.PointsExpiryScheduleLookupV2.as_view()),
    path("customers/lookup/promisedPointsSchedule", v2c.PromisedScheduleLookupV2.as_view()),
    path("customers/lookup/loyaltyDetails", v2c.LoyaltyDetailsLookupV2.as_view()),
    path("customers/<str:customer_id>/points/balance", v2c.PointsBalanceV2.as_view()),
    path("customers/<str:customer_id>/pointsExpirySchedule", v2c.PointsExpiryScheduleV2.as_view()),
    path("customers/<str:customer_id>/promisedPointsSchedule", v2c.PromisedScheduleV2.as_view()),
    path("customers/<str:customer_id>/loyaltyDetails", v2c.LoyaltyDetailsV2.as_view()),
    path("customers/<str:customer_id>/pointsTransfers", v2c.PointsTransfersV2.as_view()),
    path("customers/<str:customer_id>/pointsStatement", v2c.PointsStatementV2.as_view()),
]
