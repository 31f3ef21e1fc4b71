from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "knotless.journal"
    label = "journal"
    verbose_name = "Knot journal"
