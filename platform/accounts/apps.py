from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users"

    def ready(self) -> None:
        from accounts import backends  # noqa: F401 - connects the sign-in limit's signals
