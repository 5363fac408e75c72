"""An invoice as issuing with VAT stores it, for the pages and downloads of its e-invoice
(written row by row: issuing with VAT is another part's service)."""

from datetime import date, datetime
from decimal import Decimal

from billing.models import Invoice, InvoiceLine, InvoiceVatTotal
from tenants.models import Client


def vat_invoice(
    client: Client,
    *,
    sequence: int,
    revision: int,
    period: date = date(2026, 10, 1),
    issued_at: datetime,
    net: Decimal = Decimal("1500.00"),
    rate: Decimal = Decimal("21.00"),
    supplier_vat_id: str = "CZ12345678",
) -> Invoice:
    """A domestic invoice of one line (the month's base fee), VAT rounded once."""
    vat = (net * rate / 100).quantize(Decimal("0.01"))
    next_month = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    invoice = Invoice.objects.create(
        client=client,
        period=period,
        revision=revision,
        number=f"{issued_at.year}-{sequence:06d}",
        year=issued_at.year,
        sequence=sequence,
        currency=client.currency,
        total=net,
        issued_at=issued_at,
        buyer_name=f"{client.name} s.r.o.",
        buyer_address="Na Příkopě 3\n110 00 Praha 1",
        buyer_country="CZ",
        buyer_vat_id="CZ87654321",
        vat_treatment="domestic",
        supplier_country="CZ",
        supplier_vat_id=supplier_vat_id,
        vat_total=vat,
        total_with_vat=net + vat,
        due_on=date(issued_at.year, issued_at.month, 16),
        payment_reference=f"{issued_at.year}{sequence:06d}",
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        kind="base_fee",
        starts_on=period,
        ends_on=next_month,
        quantity=Decimal(1),
        unit="month",
        unit_price=net,
        amount=net,
        vat_category="S",
        vat_rate=rate,
    )
    InvoiceVatTotal.objects.create(
        invoice=invoice, category="S", rate=rate, taxable_amount=net, vat_amount=vat
    )
    return invoice
