"""The demo's shops: Bohemia Shoes on a fake Shopify, Wisła Sport on a fake WooCommerce,
both served by ``demo.shop_fake`` (the Procfile's ``shops`` process), and the orders they
hold for the demo's customers, made up from the customer's e-mail or the order number asked
for, the same on every run."""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django_tenants.utils import schema_context

from demo.shop_orders import DEMO_SHOPS
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from tenants.models import Client


def seed_shops(log: Callable[[str], None]) -> None:
    """The demo clients' shop connections to the fake shops (``DEMO_SHOP_PORT``; one edited
    in the admin stays)."""
    port = settings.DEMO_SHOP_PORT
    for slug, platform, credentials in DEMO_SHOPS:
        client = Client.objects.filter(slug=slug).first()
        if client is None:
            continue
        with schema_context(client.schema_name):
            _, created = ShopConnection.objects.get_or_create(
                platform=platform,
                defaults={
                    "shop_url": f"http://127.0.0.1:{port}",
                    "credentials_encrypted": credentials_encrypt(credentials),
                    "timeout_seconds": Decimal(2),
                },
            )
        log(f"shop of {slug}: {platform} {'connected' if created else 'present'}")
