"""The demo shops' data, plain Python with no Django: the Procfile's ``shops`` process
(``demo.shop_fake``) imports it before any app is ready; ``demo.shops`` seeds from it."""

import hashlib

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
