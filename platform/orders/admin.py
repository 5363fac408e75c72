"""The client's shop connection in the client's content admin (its own domain, /admin/),
kept by agency admins, with the form of the portal's shop page (orders.forms)."""

from django.contrib import admin

from audit.admin import ClientAdminAudited
from content.admin import content_admin_site
from orders.forms import ShopConnectionForm
from orders.models import ShopConnection

__all__ = ["ShopConnectionAdmin", "ShopConnectionForm"]


@admin.register(ShopConnection, site=content_admin_site)
class ShopConnectionAdmin(ClientAdminAudited):
    form = ShopConnectionForm
    list_display = ["__str__", "enabled", "timeout_seconds", "updated_at"]
    fields = [
        "platform",
        "shop_url",
        "api_version",
        "access_token",
        "consumer_key",
        "consumer_secret",
        "secret",
        "webhook_secret",
        "timeout_seconds",
        "enabled",
    ]

    # Its edits go to the client's audit log (ClientAdminAudited): the label is the platform
    # and address, and the fields changed are named, never their values (the credentials).
