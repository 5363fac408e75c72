from django.contrib import admin

from tenants.models import ApiKey, Client, Domain, InboundAddress


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "status", "ready", "time_zone", "currency"]
    list_filter = ["status", "ready", "currency"]
    search_fields = ["name", "slug", "domains__domain"]
    readonly_fields = ["schema_name", "ready", "created_at"]
    inlines = [DomainInline]

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
    """Keys are issued with `manage.py issue_api_key` (the key is shown once); here they are
    listed and revoked."""

    list_display = ["client", "name", "prefix", "created_at", "revoked_at"]
    list_filter = ["client"]
    readonly_fields = ["client", "name", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
