"""`manage.py check --deploy`: real invoices need the agency's real identity on them."""

from django.conf import settings
from django.core import checks

# The settings an invoice cannot do without (VAT id and BIC: not every issuer has them).
REQUIRED_ISSUER_FIELDS = {
    "address": "POLYDESK_ISSUER_ADDRESS",
    "registration_id": "POLYDESK_ISSUER_REGISTRATION_ID",
    "iban": "POLYDESK_ISSUER_IBAN",
}


@checks.register("billing", deploy=True)
def invoice_issuer_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Warn while PDF invoices would name the demo agency or lack its address, registration
    number or bank account."""
    issuer = settings.INVOICE_ISSUER
    unset = [
        variable
        for field, variable in REQUIRED_ISSUER_FIELDS.items()
        if not issuer.get(field, "").strip()
        # Accounts per currency stand in for the one IBAN.
        and not (field == "iban" and settings.INVOICE_BANK_ACCOUNTS)
    ]
    if issuer.get("name", "").strip() in ("", settings.INVOICE_ISSUER_DEMO_NAME):
        unset.insert(0, "POLYDESK_ISSUER_NAME")
    if not unset:
        return []
    return [
        checks.Warning(
            f"PDF invoices name the demo agency or lack its identity: {', '.join(unset)} not set.",
            hint="Set the POLYDESK_ISSUER_* variables (docs/operations.md) before issuing "
            "real invoices.",
            id="billing.W001",
        )
    ]
