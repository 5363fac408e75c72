from babel import Locale
from django import forms
from django.contrib import admin
from django.utils import translation

from audit.models import AuditEvent
from audit.services import audit_record
from core.locales import babel_locale
from tenants.models import ISO_COUNTRIES, ApiKey, Client, Domain, InboundAddress
from tenants.services import api_key_revoke

BILLING_IDENTITY_FIELDS = [
    "legal_name",
    "billing_address",
    "billing_country",
    "registration_id",
    "vat_id",
    "vat_registered",
    "billing_email",
    "payment_terms_days",
]


class ClientAdminForm(forms.ModelForm):
    """The billing country from a list: the client's own countries first, then every other;
    the model checks it (and the VAT id) whatever the form offered."""

    class Meta:
        model = Client
        fields = BILLING_IDENTITY_FIELDS  # the admin adds the fields of its fieldsets
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 4, "cols": 60})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = Locale.parse(babel_locale(translation.get_language() or "en"))
        served = list(self.instance.countries or [])
        others = sorted(
            (code for code in ISO_COUNTRIES if code not in served),
            key=lambda code: names.territories.get(code, code),
        )

        def choice(code: str) -> tuple[str, str]:
            return code, f"{names.territories.get(code, code)} ({code})"

        groups = [("The client's countries", [choice(code) for code in served])] if served else []
        groups.append(("Other countries", [choice(code) for code in others]))
        self.fields["billing_country"].widget = forms.Select(choices=[("", "---------"), *groups])


def changed_fields(message: object) -> list[str]:
    """The field names an admin change message lists (Django's JSON of ``[{"changed":
    {"fields": [...]}}, {"added": {...}}]``), inlines named by their object."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for kind, what in part.items():
            if "fields" in what:
                names.extend(str(name) for name in what["fields"])
            elif "name" in what:
                names.append(f"{kind} {what['name']}: {what.get('object', '')}")
    return names


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    list_display = ["name", "slug", "schema_name", "status", "ready", "time_zone", "currency"]
    list_filter = ["status", "ready", "currency"]
    search_fields = ["name", "slug", "domains__domain", "legal_name", "vat_id"]
    readonly_fields = ["schema_name", "ready", "created_at"]
    inlines = [DomainInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "schema_name",
                    "countries",
                    "languages",
                    "default_language",
                    "time_zone",
                    "currency",
                    "status",
                    "ready",
                    "created_at",
                    "portal_two_factor_required",
                ]
            },
        ),
        (
            "Billing identity",
            {
                "fields": tuple(BILLING_IDENTITY_FIELDS),
                "description": "The buyer on the client's invoices and credit notes, as they are "
                "issued from now on: an issued one keeps the identity it was issued "
                "with (to correct it, credit the invoice and issue the month again).",
            },
        ),
    ]

    # Besides the admin's own log: the client's audit log, in the save's transaction.
    def log_change(self, request, obj, message):
        audit_record(
            action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
            request=request,
            client=obj,
            object_type="client",
            object_id=obj.pk,
            label=obj.name,
            details={"fields": changed_fields(message)},
        )
        return super().log_change(request, obj, message)

    def has_add_permission(self, request) -> bool:
        # A client needs a schema: create it with `manage.py create_client` (one service call).
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InboundAddress)
class InboundAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "client", "country"]
    search_fields = ["address", "client__name"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `manage.py issue_api_key` or by the client's managers on the
    portal (the key is shown once); here they are listed and revoked."""

    list_display = ["client", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["client"]
    readonly_fields = [
        "client",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        # One by one through the service: each revocation locked and in the audit log, as
        # on the portal.
        for key in queryset.filter(revoked_at=None).select_related("client"):
            api_key_revoke(client=key.client, key_id=key.pk, request=request)
