from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Imported here, not at the top: the receivers module needs the models, which are not
        # loaded when apps.py is imported.
        from audit import receivers

        receivers.receivers_connect()
