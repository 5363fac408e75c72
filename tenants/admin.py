from django.contrib import admin

from tenants.models import Client, Domain, InboundAddress


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
