from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "knotless.accounts"
    label = "accounts"
    verbose_name = "Accounts"
