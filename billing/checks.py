"""`manage.py check --deploy`: real invoices need the agency's real identity on them."""

from django.conf import settings
from django.core import checks

from billing.vat import EU_MEMBER_STATES, vat_prefix

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


@checks.register("billing", deploy=True)
def vat_issuer_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Warn while invoices would charge VAT (or apply the reverse charge) without the
    supplier's VAT id of its country (Directive 2006/112/EC art. 226(3)), or from a country
    whose VAT rules billing/vat.py does not apply."""
    country = str(settings.INVOICE_ISSUER.get("country", "")).strip().upper()
    vat_id = str(settings.INVOICE_ISSUER.get("vat_id", "")).strip().upper().replace(" ", "")
    if country not in EU_MEMBER_STATES:
        problem = f"POLYDESK_ISSUER_COUNTRY {country or '(empty)'} is not an EU member state"
    elif not vat_id:
        problem = "POLYDESK_ISSUER_VAT_ID is not set"
    elif not vat_id.startswith(vat_prefix(country)):
        problem = f"POLYDESK_ISSUER_VAT_ID {vat_id} is not a VAT id of {country}"
    else:
        return []
    return [
        checks.Warning(
            f"Invoices carry VAT but {problem}.",
            hint="Set POLYDESK_ISSUER_COUNTRY and POLYDESK_ISSUER_VAT_ID (docs/operations.md).",
            id="billing.W002",
        )
    ]
