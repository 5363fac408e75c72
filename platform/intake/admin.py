from django.contrib import admin
from django.http import HttpRequest

from intake.models import InboundReceipt


@admin.register(InboundReceipt)
class InboundReceiptAdmin(admin.ModelAdmin[InboundReceipt]):
    """The postmaster's list: what arrived, by which path, and what became of it."""

    list_display = (
        "received_at",
        "source",
        "state",
        "client",
        "size",
        "envelope_recipient",
        "message_id",
        "reason",
    )
    list_filter = ("state", "source")
    search_fields = ("message_id", "envelope_recipient", "reason", "sha256")
    date_hierarchy = "received_at"
    readonly_fields = [
        *(field.name for field in InboundReceipt._meta.fields if field.name != "raw"),
        "original",
    ]

    @admin.display(description="original (first 20,000 characters)")
    def original(self, receipt: InboundReceipt) -> str:
        """What was received, for the postmaster to see why (kept only while unfiled)."""
        if receipt.raw is None:
            return "(not kept here: filed in the client's data, or refused unread)"
        return bytes(receipt.raw[:20_000]).decode("utf-8", errors="replace")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InboundReceipt | None = None
    ) -> bool:
        return False
