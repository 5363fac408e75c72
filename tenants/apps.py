from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Clients"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from tenants.domains import forget_all

        # A domain or client changed is seen at once in this process (tenants.domains).
        for name in ("Client", "Domain"):
            model = self.get_model(name)
            post_save.connect(forget_all, sender=model, dispatch_uid=f"forget-saved-{name}")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"forget-deleted-{name}")
        # A flush (tests between transactional cases) sends no delete signals, but this.
        post_migrate.connect(forget_all, dispatch_uid="forget-after-flush")
