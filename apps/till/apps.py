from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TillConfig(AppConfig):
    name = "apps.till"
    label = "till"
    verbose_name = _("Till screens")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_permissions_after_migrate, dispatch_uid="till-permissions")


def _permissions_after_migrate(sender, app_config=None, using="default", **kwargs):
    """Once per migrate (on the auth app's signal, when its tables exist): the till's permissions."""
    if app_config is None or app_config.label != "auth":
        return
    from .services import till_permissions_ensure

    till_permissions_ensure()
