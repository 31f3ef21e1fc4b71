from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "knotless.training"
    label = "training"
    verbose_name = "Training"
