"""/till/...: the till screens (mounted by loyalty/urls.py)."""
from django.urls import path

from . import views

app_name = "till"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login", views.LoginView.as_view(), name="login"),
    path("login/pin", views.PinLoginView.as_view(), name="login-pin"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("enrol", views.EnrolView.as_view(), name="enrol"),
    path("customers/<int:pk>/", views.CustomerView.as_view(), name="customer"),
    path("customers/<int:pk>/bill", views.BillView.as_view(), name="bill"),
    path("customers/<int:pk>/redeem-points", views.RedeemPointsView.as_view(), name="redeem-points"),
    path("customers/<int:pk>/redeem-coupon", views.RedeemCouponView.as_view(), name="redeem-coupon"),
    path("customers/<int:pk>/issue-coupon", views.IssueCouponView.as_view(), name="issue-coupon"),
    path("bills/<int:pk>/", views.BillDetailView.as_view(), name="bill-detail"),
    path("returns", views.ReturnView.as_view(), name="return"),
    path("sku", views.SkuLookupView.as_view(), name="sku"),
    path("activity", views.ActivityView.as_view(), name="activity"),
]
