"""An issued invoice or credit note as a UBL 2.1 document in the Peppol BIS Billing 3.0
profile (EN 16931): a pure function of the document's plain data, like its PDF."""

from billing.document import InvoiceDocument


def invoice_ubl(document: InvoiceDocument) -> bytes:
    """The document as UBL 2.1 XML (an Invoice, or a CreditNote for a credit note)."""
    raise NotImplementedError("UBL is being built (issue 22)")
