"""A client's shop connection (tenant schema): where the desk looks up the customer's orders."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Plain HTTP only to this machine (the tests' and the demo's fake shops, where private
# addresses are allowed: development); a shop is HTTPS.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def validate_shop_url(value: str) -> None:
    """An https:// address (http:// only for a shop on this machine, in development). A
    private or local network's address is refused by the form (orders.forms: it asks the
    DNS) and at each request (orders.connectors)."""
    parts = urlsplit(value)
    local = parts.hostname in LOCAL_HOSTS and settings.ORDERS_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationError(_("The shop's address must start with https://."))
    if not parts.hostname:
        raise ValidationError(_("The shop's address must name its host."))


class ShopConnection(models.Model):
    """The client's shop: its platform, address, encrypted credentials and how long the
    desk waits for it. One per client (the first enabled one is used)."""

    class Platform(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        WOOCOMMERCE = "woocommerce", "WooCommerce"
        SIGNED = "signed", "Signed order lookup URL"

    platform = models.CharField(max_length=20, choices=Platform.choices)
    shop_url = models.URLField(
        max_length=300,
        validators=[validate_shop_url],
        help_text="Shopify: https://your-shop.myshopify.com; WooCommerce: the site's address; "
        "signed lookup: the full address of the shop's lookup URL",
    )
    api_version = models.CharField(
        max_length=20,
        blank=True,
        default="2025-01",
        help_text="Shopify's Admin API version, e.g. 2025-01 (part of the URL)",
    )
    # Fernet token of a JSON object (orders.credentials); never shown again once saved.
    credentials_encrypted = models.TextField(blank=True, default="", editable=False)
    timeout_seconds = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0.5), MaxValueValidator(10)],
        help_text="seconds the desk waits for the shop before it says the shop did not answer",
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "shop connection"

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.shop_url}"


class ShopWebhookDelivery(models.Model):
    """One signed order webhook from the client's shop and what came of it: the dedup key
    of the platform's deliveries (X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID) and the
    log of what the shop sent. The body is not kept: the customer's data goes to the order
    event (order_updates), which the customer's erasure reaches; this log holds none."""

    platform = models.CharField(max_length=20)
    delivery_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    # What was done: "shipped: order event 12 (new)", "ignored: …", "not used: …".
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "delivery_id"], name="orders_webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["-received_at"], name="orders_webhook_received")]

    def __str__(self) -> str:
        return f"{self.platform} {self.topic} {self.delivery_id}"
