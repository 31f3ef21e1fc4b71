from django.apps import AppConfig


class UnderstandConfig(AppConfig):
    name = "knotless.understand"
    label = "understand"
    verbose_name = "Understand: atlas and finder"
