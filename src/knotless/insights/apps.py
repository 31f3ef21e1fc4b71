from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "knotless.insights"
    label = "insights"
    verbose_name = "What helped"
