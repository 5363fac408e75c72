"""The shop connection's form, the same in the client's content admin (agency admins) and on
the client's portal (its managers): the credentials are write-only (never shown again; a
blank field keeps what is stored) and encrypted (orders.credentials)."""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from orders.credentials import credentials_decrypt, credentials_encrypt
from orders.models import ShopConnection
from webhooks.services import private_host

# The credential fields of each platform (name in the form = key in the stored JSON): the
# required ones, then the optional ones (the secret that signs the shop's order webhooks).
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    ShopConnection.Platform.SHOPIFY: ("access_token",),
    ShopConnection.Platform.WOOCOMMERCE: ("consumer_key", "consumer_secret"),
    ShopConnection.Platform.SIGNED: ("secret",),
}
OPTIONAL_CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    ShopConnection.Platform.SHOPIFY: ("webhook_secret",),
    ShopConnection.Platform.WOOCOMMERCE: ("webhook_secret",),
    ShopConnection.Platform.SIGNED: (),
}
SECRET_NAMES = ("access_token", "consumer_key", "consumer_secret", "secret", "webhook_secret")
PLATFORM_CHOICES = [
    (ShopConnection.Platform.SHOPIFY, "Shopify"),
    (ShopConnection.Platform.WOOCOMMERCE, "WooCommerce"),
    (ShopConnection.Platform.SIGNED, _("Your own signed order lookup URL")),
]


def _secret_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text,
    )


class ShopConnectionForm(forms.ModelForm):
    platform = forms.ChoiceField(label=_("Shop platform"), choices=PLATFORM_CHOICES)
    access_token = _secret_field(
        _("Access token"), _("Shopify: the custom app's Admin API access token")
    )
    consumer_key = _secret_field(
        _("Consumer key"), _("WooCommerce: the REST API consumer key (read access)")
    )
    consumer_secret = _secret_field(
        _("Consumer secret"), _("WooCommerce: the REST API consumer secret")
    )
    secret = _secret_field(
        _("Lookup secret"), _("Your own lookup URL: the shared secret of its signature")
    )
    webhook_secret = _secret_field(
        _("Webhook secret"),
        _(
            "Optional, for the order updates your shop sends: Shopify, the app's client "
            "secret; WooCommerce, the secret of the webhooks"
        ),
    )

    class Meta:
        model = ShopConnection
        fields = ["platform", "shop_url", "api_version", "timeout_seconds", "enabled"]
        labels = {
            "shop_url": _("Shop address"),
            "api_version": _("Shopify API version"),
            "timeout_seconds": _("Timeout (seconds)"),
            "enabled": _("Look up orders"),
        }
        help_texts = {
            "shop_url": _(
                "Shopify: https://your-shop.myshopify.com; WooCommerce: the site's address; "
                "your own lookup URL: its full address"
            ),
            "api_version": _("Shopify's Admin API version, e.g. 2025-01"),
            "timeout_seconds": _(
                "How long the desk waits for the shop before it says the shop did not answer "
                "(0.5 to 10)"
            ),
        }

    def clean_shop_url(self) -> str:
        """Not an address in a private or local network (loopback, 10.x, 169.254.x…), nor a
        name that resolves to one: the desk must not ask Polydesk's own network."""
        url = str(self.cleaned_data.get("shop_url") or "")
        host = urlsplit(url).hostname or ""
        if host and private_host(host, allowed=settings.ORDERS_ALLOW_PRIVATE_ADDRESSES):
            raise forms.ValidationError(
                _("Enter a public address: %(host)s is in a private or local network."),
                params={"host": host},
            )
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        platform = str(cleaned.get("platform") or "")
        stored = self.stored()
        for name in CREDENTIAL_FIELDS.get(platform, ()):
            if not cleaned.get(name) and not stored.get(name):
                self.add_error(name, _("Required for this platform."))
        return cleaned

    def stored(self) -> dict[str, str]:
        """The credentials stored so far ({} when they cannot be read: entered again)."""
        try:
            return credentials_decrypt(self.instance.credentials_encrypted)
        except ValueError:  # another key
            return {}

    def changed_secrets(self) -> list[str]:
        """The names of the credentials this form replaces (never their values)."""
        return [name for name in SECRET_NAMES if self.cleaned_data.get(name)]

    def save(self, commit: bool = True) -> ShopConnection:
        connection = super().save(commit=False)
        platform = self.cleaned_data["platform"]
        stored = self.stored()
        names = CREDENTIAL_FIELDS[platform] + OPTIONAL_CREDENTIAL_FIELDS[platform]
        values = {name: self.cleaned_data.get(name) or stored.get(name, "") for name in names}
        connection.credentials_encrypted = credentials_encrypt(
            {name: value for name, value in values.items() if value}
        )
        if commit:
            connection.save()
        return connection
