from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TelephonyConfig(AppConfig):
    name = "telephony"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from telephony.registrations import registrations_make
        from tenants.domains import forget_all

        registrations_make()
        # A number added, moved or removed is seen at once in this process (the webhooks
        # read numbers from telephony.selectors' cache).
        number = self.get_model("PhoneNumber")
        post_save.connect(forget_all, sender=number, dispatch_uid="forget-saved-number")
        post_delete.connect(forget_all, sender=number, dispatch_uid="forget-deleted-number")
