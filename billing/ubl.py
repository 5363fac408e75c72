"""An issued invoice or credit note as a UBL 2.1 document in the Peppol BIS Billing 3.0
profile (EN 16931): a pure function of the document's plain data, like its PDF.

``invoice_ubl(document)`` takes the ``InvoiceDocument`` the PDF prints (no database, no
request) and returns the XML's bytes: an ``Invoice`` (type 380) or a ``CreditNote`` (381).
Every figure is the stored one, never rated or summed again; a credit note states its
lines, VAT and totals positive (EN 16931 BR-27: no negative price; a CreditNote is negative
by its type), the exact negation of the stored negative figures. docs/billing.md, "E-invoices
(UBL, Peppol BIS 3.0)", says how each field is mapped and which code lists are used; the tests
validate every document against the UBL 2.1 XSD and the official Schematron rules.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from billing.document import KIND_CREDIT_NOTE, DocumentLine, InvoiceDocument, Party, last_day
from billing.money import cents_round
from core.months import month_bounds

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT_NS = {
    "invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "credit_note": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
# UNCL1001 document type: commercial invoice, credit note.
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
# UN/ECE Recommendation 20 units: a conversation is "one" (C62); so is an amount line (a
# surcharge or margin), whose quantity is the base amount and price the share of it.
UNIT_CODES = {"month": "MON", "day": "DAY", "minute": "MIN", "conversation": "C62", "amount": "C62"}
# Electronic Address Scheme (EAS, the CEF code list Peppol restricts, PEPPOL-EN16931-CL008)
# for a VAT id, by its prefix: the whole VAT id (prefix included) is the endpoint.
VAT_EAS = {
    "AD": "9922",
    "AL": "9923",
    "AT": "9914",
    "BA": "9924",
    "BE": "9925",
    "BG": "9926",
    "CH": "9927",
    "CY": "9928",
    "CZ": "9929",
    "DE": "9930",
    "EE": "9931",
    "EL": "9933",
    "ES": "9920",
    "FR": "9957",
    "GB": "9932",
    "HR": "9934",
    "HU": "9910",
    "IE": "9935",
    "LI": "9936",
    "LT": "9937",
    "LU": "9938",
    "LV": "9939",
    "MC": "9940",
    "ME": "9941",
    "MK": "9942",
    "MT": "9943",
    "NL": "9944",
    "PL": "9945",
    "PT": "9946",
    "RO": "9947",
    "RS": "9948",
    "SI": "9949",
    "SK": "9950",
    "SM": "9951",
    "TR": "9952",
    "VA": "9953",
}
# Countries whose Peppol endpoint is a national register number the VAT id contains:
# Denmark's CVR (0184: DK + 8 digits), Sweden's organisation number (0007: SE + 10 digits +
# 01), Norway's (0192: NO + 9 digits + MVA), Finland's OVT code (0216: 0037 + the 8 digits of
# FI + 8 digits). Italy's 0211 is its partita IVA with the prefix.
VAT_REGISTER_EAS = {
    "DK": ("0184", re.compile(r"^DK(\d{8})$"), "{}"),
    "SE": ("0007", re.compile(r"^SE(\d{10})01$"), "{}"),
    "NO": ("0192", re.compile(r"^NO(\d{9})(MVA)?$"), "{}"),
    "FI": ("0216", re.compile(r"^FI(\d{8})$"), "0037{}"),
    "IT": ("0211", re.compile(r"^(IT\d{11})$"), "{}"),
}
EMAIL_EAS = "EM"
# VAT exemption reason codes (VATEX, CEF code list) by EN 16931 category.
VATEX = {"AE": "VATEX-EU-AE", "O": "VATEX-EU-O"}
# A stored line amount is the rounded product (billing.money); a line whose product differs
# from it by more than this states the difference (PEPPOL-EN16931-R120 allows 0.02).
ROUNDING_STATED_ABOVE = Decimal("0.01")
# A postal code then the city, as a client's address ends ("120 00 Praha 2", "31-019 Kraków",
# "80539 München"): only a leading group of digits, so a street is never taken for a city.
POSTCODE_CITY = re.compile(r"^(\d[\d -]{0,8}\d)\s+(\D.*)$")

# Characters XML 1.0 cannot carry (control characters a pasted name or reason may hold):
# left out, rather than failing the whole document.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class UblNotAvailable(Exception):
    """The document cannot be an EN 16931 e-invoice (it says why; `before_vat`: because it
    was issued before VAT, as opposed to details missing from it)."""

    def __init__(self, reason: str, *, before_vat: bool = False):
        super().__init__(reason)
        self.before_vat = before_vat


@dataclass(frozen=True)
class Address:
    """A free-text address in EN 16931's address fields (BT-35..BT-38, BT-162)."""

    street: str = ""
    additional: str = ""
    line: str = ""
    city: str = ""
    postal_zone: str = ""


def address_parts(address: str) -> Address:
    """A client's address (lines: street, ..., "postcode city") in EN 16931's fields: the
    first line the street, the second the additional street, a third the address line; a
    last line that starts with a postal code gives the postal zone and the city."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    city = postal_zone = ""
    if lines and (match := POSTCODE_CITY.match(lines[-1])):
        postal_zone, city = match.group(1), match.group(2)
        lines.pop()
    street, additional, *rest = [*lines, "", ""]
    return Address(
        street=street,
        additional=additional,
        line=", ".join(part for part in rest if part),
        city=city,
        postal_zone=postal_zone,
    )


def endpoint(party: Party) -> tuple[str, str]:
    """The party's electronic address (BT-34/BT-49) as (EAS scheme, id): its VAT id under the
    scheme of the VAT id's country; without a VAT id, its e-mail ("EM"), which EN 16931
    accepts but Peppol's network cannot route; ("", "") when it has neither."""
    vat_id = re.sub(r"[\s.-]", "", party.vat_id).upper()
    prefix = vat_id[:2]
    if prefix in VAT_EAS:
        return VAT_EAS[prefix], vat_id
    if prefix in VAT_REGISTER_EAS:
        scheme, pattern, template = VAT_REGISTER_EAS[prefix]
        if match := pattern.match(vat_id):
            return scheme, template.format(match.group(1))
    if party.email.strip():
        return EMAIL_EAS, party.email.strip()
    return "", ""


def _plain(value: Decimal) -> str:
    """A quantity, price or rate with the decimals it has, no trailing zeros, never "-0"."""
    return format(value.normalize(), "f") if value else "0"


def _amount(value: Decimal) -> str:
    # Amounts are stored with two decimals (one currency unit for HUF: "369389.00"), the
    # most EN 16931 allows (BR-DEC-*); never "-0.00".
    return format(value if value else abs(value), "f")


class _Builder:
    """Appends UBL elements in the schema's order; leaves out empty values (PEPPOL-EN16931-R008:
    no empty elements)."""

    def __init__(self, currency: str):
        self.currency = currency

    def cbc(self, parent, name: str, value: str | None, **attrs: str):
        text = NOT_XML.sub("", str(value or "")).strip()
        if not text:
            return None
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
        element.text = text
        return element

    def money(self, parent, name: str, value: Decimal):
        return self.cbc(parent, name, _amount(value), currencyID=self.currency)

    def cac(self, parent, name: str):
        return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _local_date(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def _period(ubl: _Builder, parent, starts_on: date, last_day: date) -> None:
    period = ubl.cac(parent, "InvoicePeriod")
    ubl.cbc(period, "StartDate", starts_on.isoformat())
    ubl.cbc(period, "EndDate", last_day.isoformat())


def _party(ubl: _Builder, parent, party: Party, *, vat_id_shown: bool) -> None:
    node = ubl.cac(parent, "Party")
    scheme, address = endpoint(party)
    if scheme:
        ubl.cbc(node, "EndpointID", address, schemeID=scheme)
    ubl.cbc(ubl.cac(node, "PartyName"), "Name", party.name)
    parts = address_parts(party.address)
    postal = ubl.cac(node, "PostalAddress")
    ubl.cbc(postal, "StreetName", parts.street)
    ubl.cbc(postal, "AdditionalStreetName", parts.additional)
    ubl.cbc(postal, "CityName", parts.city)
    ubl.cbc(postal, "PostalZone", parts.postal_zone)
    if parts.line:
        ubl.cbc(ubl.cac(postal, "AddressLine"), "Line", parts.line)
    ubl.cbc(ubl.cac(postal, "Country"), "IdentificationCode", party.country.upper())
    if vat_id_shown and party.vat_id.strip():
        tax_scheme = ubl.cac(node, "PartyTaxScheme")
        ubl.cbc(tax_scheme, "CompanyID", re.sub(r"[\s.-]", "", party.vat_id).upper())
        ubl.cbc(ubl.cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    legal = ubl.cac(node, "PartyLegalEntity")
    ubl.cbc(legal, "RegistrationName", party.name)
    ubl.cbc(legal, "CompanyID", party.registration_id)
    if party.email.strip():
        ubl.cbc(ubl.cac(node, "Contact"), "ElectronicMail", party.email)


def _tax_category(ubl: _Builder, parent, name: str, category: str, rate: Decimal | None):
    """A VAT category (BG-23's or a line's): no rate for O (BR-O-05, BR-O-09), the VATEX
    reason for AE and O (BR-AE-10, BR-O-10), in the document's language."""
    node = ubl.cac(parent, name)
    ubl.cbc(node, "ID", category)
    if category != "O":
        ubl.cbc(node, "Percent", _plain(rate or Decimal(0)))
    if name == "TaxCategory" and category in VATEX:
        ubl.cbc(node, "TaxExemptionReasonCode", VATEX[category])
        reason = _("Reverse charge") if category == "AE" else _("Outside the scope of EU VAT")
        ubl.cbc(node, "TaxExemptionReason", reason)
    ubl.cbc(ubl.cac(node, "TaxScheme"), "ID", "VAT")
    return node


def _payment(ubl: _Builder, root, document: InvoiceDocument) -> None:
    """Payment means (BG-16) to the supplier's account, and the terms: a SEPA credit
    transfer (58) for euros to an IBAN, else a credit transfer (30)."""
    issuer = document.issuer
    iban = re.sub(r"\s", "", issuer.iban).upper()
    if document.kind != KIND_CREDIT_NOTE and iban:
        means = ubl.cac(root, "PaymentMeans")
        ubl.cbc(means, "PaymentMeansCode", "58" if document.currency == "EUR" else "30")
        ubl.cbc(means, "PaymentID", document.payment_reference)
        account = ubl.cac(means, "PayeeFinancialAccount")
        ubl.cbc(account, "ID", iban)
        ubl.cbc(account, "Name", issuer.name)
        if issuer.bic.strip():
            ubl.cbc(ubl.cac(account, "FinancialInstitutionBranch"), "ID", issuer.bic.upper())
    if document.kind == KIND_CREDIT_NOTE:
        note = _("This credit note cancels invoice %(number)s in full.")
        note %= {"number": document.corrects_number}
    elif document.due_on is not None:
        note = _("Payable by %(date)s with the payment reference %(reference)s.") % {
            "date": format_date(
                document.due_on, "long", locale=translation.to_locale(document.language)
            ),
            "reference": document.payment_reference,
        }
    else:
        return
    ubl.cbc(ubl.cac(root, "PaymentTerms"), "Note", note)


def _tax_total(ubl: _Builder, root, document: InvoiceDocument, sign: int) -> None:
    total = ubl.cac(root, "TaxTotal")
    ubl.money(total, "TaxAmount", sign * document.vat_total)
    for vat in document.vat_totals:
        subtotal = ubl.cac(total, "TaxSubtotal")
        ubl.money(subtotal, "TaxableAmount", sign * vat.taxable_amount)
        ubl.money(subtotal, "TaxAmount", sign * vat.vat_amount)
        _tax_category(ubl, subtotal, "TaxCategory", vat.category, vat.rate)


def _monetary_total(ubl: _Builder, root, document: InvoiceDocument, sign: int) -> None:
    assert document.total_with_vat is not None  # invoice_ubl refuses a document without VAT
    totals = ubl.cac(root, "LegalMonetaryTotal")
    ubl.money(totals, "LineExtensionAmount", sign * document.total)
    ubl.money(totals, "TaxExclusiveAmount", sign * document.total)
    ubl.money(totals, "TaxInclusiveAmount", sign * document.total_with_vat)
    ubl.money(totals, "PayableAmount", sign * document.total_with_vat)


def _line(ubl: _Builder, root, document: InvoiceDocument, position: int, line: DocumentLine):
    sign = -1 if document.kind == KIND_CREDIT_NOTE else 1
    credit = document.kind == KIND_CREDIT_NOTE
    node = ubl.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    ubl.cbc(node, "ID", str(position))
    # The billed quantity: the included volume is free (amount = billed x unit price).
    billed = sign * (line.quantity - line.included)
    ubl.cbc(
        node,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        _plain(billed),
        unitCode=UNIT_CODES.get(line.unit, "C62"),
    )
    amount = sign * line.amount
    ubl.money(node, "LineExtensionAmount", amount)
    _period(ubl, node, line.starts_on, last_day(line))
    # A line was rounded to the currency's unit once (a forint, a cent): where that is more
    # than the rules' tolerance from quantity x price, the XML says so as a line charge or
    # allowance, so a receiver's check of quantity x price adds up without a new figure.
    rounding = cents_round(amount - billed * line.unit_price)
    if abs(rounding) > ROUNDING_STATED_ABOVE:
        charge = ubl.cac(node, "AllowanceCharge")
        ubl.cbc(charge, "ChargeIndicator", "true" if rounding > 0 else "false")
        ubl.cbc(charge, "AllowanceChargeReason", _("Rounding"))
        ubl.money(charge, "Amount", abs(rounding))
    item = ubl.cac(node, "Item")
    ubl.cbc(item, "Name", line.description)
    _tax_category(ubl, item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    ubl.cbc(ubl.cac(node, "Price"), "PriceAmount", _plain(line.unit_price), currencyID=ubl.currency)


def ubl_check(document: InvoiceDocument) -> None:
    """Raise UblNotAvailable, with the rule, for a document EN 16931 cannot state (a page
    asks before it offers the download)."""
    if not document.vat_treatment or document.total_with_vat is None:
        raise UblNotAvailable(
            f"{document.number} was issued before VAT was applied: its lines have no VAT "
            "category, which an EN 16931 e-invoice requires (BR-CO-04).",
            before_vat=True,
        )
    missing = [
        label
        for label, party in (("supplier", document.issuer), ("buyer", document.customer))
        if len(party.country.strip()) != 2
    ]
    if missing:
        raise UblNotAvailable(
            f"{document.number}: no country for the {' and the '.join(missing)} (BR-09, BR-11)."
        )
    if not document.lines:
        raise UblNotAvailable(f"{document.number} has no lines, and EN 16931 needs one (BR-16).")
    if any(not line.vat_category for line in document.lines):
        raise UblNotAvailable(f"{document.number}: a line has no VAT category (BR-CO-04).")
    charged = {line.vat_category for line in document.lines} & {"S", "AE"}
    if charged and not document.issuer.vat_id.strip():
        raise UblNotAvailable(
            f"{document.number}: VAT category {', '.join(sorted(charged))} needs the supplier's "
            "VAT id (BR-S-02, BR-AE-02), and none is set (POLYDESK_ISSUER_VAT_ID)."
        )
    if not charged and not document.issuer.registration_id.strip():
        # Outside the scope the seller's VAT id is left out (BR-O-02): its registration
        # number must identify it (BR-CO-26).
        raise UblNotAvailable(
            f"{document.number}: outside the scope of VAT the supplier is identified by its "
            "registration number (BR-CO-26), and none is set (POLYDESK_ISSUER_REGISTRATION_ID)."
        )


def _document(document: InvoiceDocument) -> etree._Element:
    credit = document.kind == KIND_CREDIT_NOTE
    sign = -1 if credit else 1
    ubl = _Builder(document.currency)
    root = etree.Element(
        "CreditNote" if credit else "Invoice",
        nsmap={None: ROOT_NS[document.kind], "cac": CAC, "cbc": CBC},
    )
    root.tag = f"{{{ROOT_NS[document.kind]}}}{root.tag}"
    ubl.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    ubl.cbc(root, "ProfileID", PROFILE_ID)
    ubl.cbc(root, "ID", document.number)
    ubl.cbc(root, "IssueDate", _local_date(document.issued_at, document.time_zone))
    # BT-7, the tax point: the supply date, the billed month's last day (docs/billing.md, VAT);
    # UBL puts it before the type code in a CreditNote, after the notes in an Invoice.
    last_day = month_bounds(document.period)[1] - timedelta(days=1)
    if credit:
        ubl.cbc(root, "TaxPointDate", last_day.isoformat())
    if not credit and document.due_on is not None:
        ubl.cbc(root, "DueDate", document.due_on.isoformat())
    ubl.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", TYPE_CODES[document.kind])
    if credit:
        ubl.cbc(root, "Note", document.reason)
    else:
        ubl.cbc(root, "TaxPointDate", last_day.isoformat())
    ubl.cbc(root, "DocumentCurrencyCode", document.currency)
    ubl.cbc(root, "BuyerReference", buyer_reference(document))
    _period(ubl, root, document.period, last_day)
    if credit:
        reference = ubl.cac(ubl.cac(root, "BillingReference"), "InvoiceDocumentReference")
        ubl.cbc(reference, "ID", document.corrects_number)
        if document.corrects_issued_at is not None:
            issued = _local_date(document.corrects_issued_at, document.time_zone)
            ubl.cbc(reference, "IssueDate", issued)
    # Outside the scope (O), EN 16931 wants neither party's VAT id stated (BR-O-02).
    vat_ids_shown = all(line.vat_category != "O" for line in document.lines)
    for name, party in (
        ("AccountingSupplierParty", document.issuer),
        ("AccountingCustomerParty", document.customer),
    ):
        _party(ubl, ubl.cac(root, name), party, vat_id_shown=vat_ids_shown)
    _payment(ubl, root, document)
    _tax_total(ubl, root, document, sign)
    _monetary_total(ubl, root, document, sign)
    for position, line in enumerate(document.lines, start=1):
        _line(ubl, root, document, position, line)
    return root


def buyer_reference(document: InvoiceDocument) -> str:
    """BT-10, which Peppol requires: an invoice's payment reference (its number without
    one), a credit note's credited invoice number: what the client's accounts know it by."""
    if document.kind == KIND_CREDIT_NOTE:
        return document.corrects_number or document.number
    return document.payment_reference or document.number


def ubl_filename(*, kind: str, number: str) -> str:
    """The e-invoice's file name: invoice-2026-000123.xml, credit-note-2026-000124.xml."""
    return f"{'credit-note' if kind == KIND_CREDIT_NOTE else 'invoice'}-{number}.xml"


def invoice_ubl(document: InvoiceDocument) -> bytes:
    """The document as UBL 2.1 XML (an Invoice, or a CreditNote for a credit note); raises
    UblNotAvailable, with the reason, for one EN 16931 cannot state (issued before VAT)."""
    ubl_check(document)
    with translation.override(document.language):
        root = _document(document)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
