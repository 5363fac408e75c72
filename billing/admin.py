"""Agency admin: price plan versions editable; the ledger, invoices and payments read-only."""

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone

from billing.models import (
    BankStatement,
    BillingMail,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    LanguageSurcharge,
    Payment,
    PaymentAllocation,
    PricePlan,
    UsageEntry,
    VatCheck,
    VatRate,
)
from billing.services import price_plan_change_record
from billing.services.mail import billing_mail_send_again
from billing.services.vies import vat_ids_check
from tenants.admin import ClientAdmin


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


@admin.register(VatCheck)
class VatCheckAdmin(ReadOnlyAdmin):
    """VIES answers and offline checks: the evidence invoices relied on, never edited."""

    list_display = [
        "checked_at",
        "client",
        "vat_id",
        "source",
        "valid",
        "request_identifier",
        "error",
    ]
    list_filter = ["source", "valid"]
    search_fields = ["vat_id", "client__name", "client__slug", "request_identifier"]
    date_hierarchy = "checked_at"
    list_select_related = ["client"]


@admin.action(description="Check VAT ID in VIES", permissions=["change"])
def vat_ids_check_in_vies(modeladmin, request, queryset) -> None:
    """Ask VIES about the selected clients' VAT ids; each answer is stored (VatCheck)."""
    if not settings.VIES_URL:
        modeladmin.message_user(
            request, "VIES is switched off (POLYDESK_VIES_URL is empty).", messages.ERROR
        )
        return
    for check in vat_ids_check(clients=queryset, now=timezone.now()):
        verdict = {True: "valid", False: "NOT valid", None: "no answer"}[check.valid]
        detail = check.request_identifier or check.error
        level = messages.SUCCESS if check.valid else messages.WARNING
        modeladmin.message_user(request, f"{check.vat_id}: {verdict} ({detail})", level)


# The Client admin is tenants'; billing adds its action there (tenants cannot import billing).
ClientAdmin.actions = [*(ClientAdmin.actions or []), vat_ids_check_in_vies]  # type: ignore[misc]


@admin.register(BillingMail)
class BillingMailAdmin(ReadOnlyAdmin):
    """Invoice e-mails and reminders: failed ones say why, and are sent again from here."""

    list_display = [
        "queued_at",
        "invoice",
        "kind",
        "level",
        "to",
        "state",
        "attempts",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["invoice__number", "to", "invoice__client__name"]
    list_select_related = ["invoice"]
    actions = ["send_again"]

    @admin.action(description="Send again", permissions=["send_again"])
    def send_again(self, request, queryset) -> None:
        again = sum(billing_mail_send_again(mail=mail) for mail in queryset)
        self.message_user(request, f"{again} e-mail(s) queued again; only failed ones are.")

    def has_send_again_permission(self, request) -> bool:
        # Sending an invoice again is a change, not a view: who may change the mails.
        return request.user.is_active and request.user.has_perm("billing.change_billingmail")
