from django.apps import AppConfig


class FieldsConfig(AppConfig):
    name = "apps.fields"
    label = "fields"
    verbose_name = "Extended and custom fields"
