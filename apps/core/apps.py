from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from .orgcache import request_tokens_end, request_tokens_start

        request_started.connect(request_tokens_start, dispatch_uid="orgcache-request-start")
        request_finished.connect(request_tokens_end, dispatch_uid="orgcache-request-end")
