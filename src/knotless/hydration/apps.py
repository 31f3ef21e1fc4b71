from django.apps import AppConfig


class HydrationConfig(AppConfig):
    name = "knotless.hydration"
    label = "hydration"
    verbose_name = "Water"
