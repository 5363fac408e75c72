from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users"

    def ready(self) -> None:
        from accounts import backends  # noqa: F401 - connects the sign-in limit's signals
        from accounts.receivers import receivers_connect  # models are ready only here

        receivers_connect()
