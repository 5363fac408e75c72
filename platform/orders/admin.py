"""The client's shop connection in the client's content admin (its own domain, /admin/),
kept by agency admins. Credentials are write-only: the form never shows them again; a blank
field keeps what was stored."""

from django import forms
from django.contrib import admin

from content.admin import content_admin_site, content_change_record
from orders.credentials import credentials_decrypt, credentials_encrypt
from orders.models import ShopConnection

# The credential fields of each platform (name in the form = key in the stored JSON).
CREDENTIAL_FIELDS = {
    ShopConnection.Platform.SHOPIFY: ("access_token",),
    ShopConnection.Platform.WOOCOMMERCE: ("consumer_key", "consumer_secret"),
    ShopConnection.Platform.SIGNED: ("secret",),
}


def _secret_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        strip=True,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text + " (write-only: leave blank to keep the stored value)",
    )


class ShopConnectionForm(forms.ModelForm):
    access_token = _secret_field("Shopify: the custom app's Admin API access token")
    consumer_key = _secret_field("WooCommerce: the REST API consumer key (read access)")
    consumer_secret = _secret_field("WooCommerce: the REST API consumer secret")
    secret = _secret_field("Signed lookup: the shared secret of the HMAC-SHA256 signature")

    class Meta:
        model = ShopConnection
        fields = ["platform", "shop_url", "api_version", "timeout_seconds", "enabled"]

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform")
        stored = self._stored()
        for name in CREDENTIAL_FIELDS.get(platform, ()):
            if not cleaned.get(name) and not stored.get(name):
                self.add_error(name, "Required for this platform.")
        return cleaned

    def _stored(self) -> dict[str, str]:
        try:
            return credentials_decrypt(self.instance.credentials_encrypted)
        except ValueError:  # another key: the admin enters them again
            return {}

    def save(self, commit: bool = True):
        connection = super().save(commit=False)
        platform = self.cleaned_data["platform"]
        stored = self._stored()
        values = {
            name: self.cleaned_data.get(name) or stored.get(name, "")
            for name in CREDENTIAL_FIELDS[platform]
        }
        connection.credentials_encrypted = credentials_encrypt(values)
        if commit:
            connection.save()
        return connection


@admin.register(ShopConnection, site=content_admin_site)
class ShopConnectionAdmin(admin.ModelAdmin):
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
        "timeout_seconds",
        "enabled",
    ]

    # Edits go to the client's audit log (never the credentials: the label is the platform
    # and address), not to admin LogEntry rows, as content's do (content.admin).
    def log_addition(self, request, obj, message):
        content_change_record(request, obj, "added")

    def log_change(self, request, obj, message):
        content_change_record(request, obj, "changed")

    def log_deletions(self, request, queryset):
        for obj in queryset:
            content_change_record(request, obj, "deleted")
