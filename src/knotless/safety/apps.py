from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "knotless.safety"
    label = "safety"
    verbose_name = "Safety: red-flag screening"
