"""The demo's shops: Bohemia Shoes on a fake Shopify, Wisła Sport on a fake WooCommerce,
both served by ``demo.shop_fake`` (the Procfile's ``shops`` process), and the orders they
hold for the demo's customers, made up from the customer's e-mail or the order number asked
for, the same on every run."""

import hashlib
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django_tenants.utils import schema_context

from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from tenants.models import Client

# (client slug, platform, credentials the fake accepts)
DEMO_SHOPS = [
    ("bohemia-shoes", "shopify", {"access_token": "shpat_demo"}),
    ("wisla-sport", "woocommerce", {"consumer_key": "ck_demo", "consumer_secret": "cs_demo"}),
]
PRODUCTS = ["Trail boots", "Running shoes", "Wool socks", "Rain jacket", "Tent", "Water bottle"]
CITIES = [("Brno", "CZ"), ("Bratislava", "SK"), ("Kraków", "PL"), ("Gdańsk", "PL")]
CARRIERS = ["PPL", "DPD", "InPost", "GLS"]


def demo_orders(*, email: str = "", number: str = "") -> list[dict]:
    """The orders the demo's shops hold for ``email`` (two) or under ``number`` (one), as
    plain records; numbers look like the demo's conversations' (2026-1042)."""
    seeds = [number] if number else [f"{email}#1", f"{email}#2"] if email else []
    orders = []
    for seed in seeds:
        digest = hashlib.sha256(seed.encode()).digest()
        shipped = digest[1] % 3 != 0
        city, country = CITIES[digest[2] % len(CITIES)]
        order_number = number or f"2026-{1000 + int.from_bytes(digest[:2]) % 9000:04d}"
        orders.append(
            {
                "number": order_number,
                "email": email,
                "created_at": f"2026-11-{1 + digest[3] % 28:02d}T10:00:00Z",
                "shipped": shipped,
                "items": [(PRODUCTS[digest[4] % len(PRODUCTS)], 1 + digest[5] % 2)],
                "city": city,
                "country": country,
                "carrier": CARRIERS[digest[6] % len(CARRIERS)],
                "tracking": f"DEMO{int.from_bytes(digest[7:11]):010d}",
            }
        )
    return orders


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
