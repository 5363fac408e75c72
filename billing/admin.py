"""Agency admin: price plan versions editable; the ledger and invoices read-only."""

from django.contrib import admin

from billing.models import (
    ExchangeRate,
    Invoice,
    InvoiceLine,
    LanguageSurcharge,
    PricePlan,
    UsageEntry,
    VatRate,
)
from billing.services import price_plan_change_record


class LanguageSurchargeInline(admin.TabularInline):
    model = LanguageSurcharge
    extra = 0


@admin.register(PricePlan)
class PricePlanAdmin(admin.ModelAdmin):
    list_display = ["client", "name", "currency", "valid_from", "valid_to", "base_monthly_fee"]
    list_filter = ["currency", "client"]
    search_fields = ["client__name", "client__slug", "name"]
    date_hierarchy = "valid_from"
    inlines = [LanguageSurchargeInline]

    # Besides the admin's own log: the audit log people read (in the save's transaction).
    def log_addition(self, request, obj, message):
        price_plan_change_record(plan=obj, change="added", request=request)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        price_plan_change_record(plan=obj, change="changed", request=request)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for plan in queryset:
            price_plan_change_record(plan=plan, change="deleted", request=request)
        return super().log_deletions(request, queryset)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["from_currency", "to_currency", "valid_on", "rate", "source"]
    list_filter = ["from_currency", "to_currency", "source"]
    date_hierarchy = "valid_on"


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    """VAT rates as data: agency admins add a country's coming change (a new row from its
    first day, and the open row's `valid_to` set to that day). The issue date picks the rate;
    an issued invoice keeps the rate it was issued with, whatever happens here."""

    list_display = ["country", "kind", "rate", "valid_from", "valid_to", "source"]
    list_filter = ["country", "kind"]
    search_fields = ["country", "source"]
    date_hierarchy = "valid_from"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: listed and read, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UsageEntry)
class UsageEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "client",
        "kind",
        "quantity",
        "currency",
        "language",
        "out_of_hours",
        "channel",
        "source_kind",
        "source_ref",
    ]
    list_filter = ["kind", "out_of_hours", "channel", "client"]
    search_fields = ["idempotency_key", "source_ref"]
    date_hierarchy = "occurred_at"
    list_select_related = ["client"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = [
        "position",
        "kind",
        "label",
        "starts_on",
        "ends_on",
        "quantity",
        "included",
        "unit",
        "unit_price",
        "amount",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # fields may group names, read-only fields not

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "client",
        "period",
        "revision",
        "total",
        "currency",
        "issued_at",
    ]
    list_filter = ["kind", "currency", "client"]
    search_fields = ["number", "client__name"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline]
