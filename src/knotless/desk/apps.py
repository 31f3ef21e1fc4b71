from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "knotless.desk"
    label = "desk"
    verbose_name = "Desk guard"
