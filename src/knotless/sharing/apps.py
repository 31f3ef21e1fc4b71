from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "knotless.sharing"
    label = "sharing"
    verbose_name = "Shares with a physio"
