"""Agency admin: price plan versions editable; the ledger, invoices and payments read-only."""

from django.contrib import admin

from billing.models import (
    BankStatement,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    LanguageSurcharge,
    Payment,
    PaymentAllocation,
    PricePlan,
    UsageEntry,
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


# Payments are read here; they are recorded, imported and allocated on /billing/receivables/
# (billing.services.payments: checked, locked and audited).
class PaymentAllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    can_delete = False
    readonly_fields = ["invoice", "amount", "matched_by", "allocated_at", "allocated_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "amount", "currency", "client", "reference", "payer_name"]
    list_filter = ["source", "currency"]
    search_fields = ["reference", "payer_name", "payer_account", "remittance", "bank_entry_id"]
    date_hierarchy = "received_on"
    inlines = [PaymentAllocationInline]


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ["imported_at", "format", "filename", "account", "entries", "imported_by"]
    search_fields = ["filename", "statement_id", "sha256"]
