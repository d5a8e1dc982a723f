from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carnet.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from carnet.accounts import signals  # noqa: F401
