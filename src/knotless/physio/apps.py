from django.apps import AppConfig


class PhysioConfig(AppConfig):
    name = "knotless.physio"
    label = "physio"
    verbose_name = "Programmes from a physio"
