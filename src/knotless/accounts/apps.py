from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "knotless.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from knotless import checks  # noqa: F401  (registers the deployment checks)
        from knotless.accounts import freshness

        freshness.connect()
