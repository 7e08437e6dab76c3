from django.apps import AppConfig


class CouponsConfig(AppConfig):
    name = "apps.coupons"
    label = "coupons"
    verbose_name = "Coupons"

    def ready(self) -> None:
        from . import effects  # noqa: F401 (registers the issue_coupon rule effect)
