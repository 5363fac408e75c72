"""UBL 2.1 / Peppol BIS Billing 3.0 e-invoices (billing/ubl.py), each checked by the official
validators: the OASIS XSD and the CEN and Peppol Schematron rules (tests/billing/einvoice)."""

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree
from stdnum.dk import cvr
from stdnum.fi import alv
from stdnum.it import iva
from stdnum.no import mva
from stdnum.se import vat as se_vat

from billing import ubl
from billing import ubl as ubl_module
from billing.document import (
    KIND_CREDIT_NOTE,
    DocumentLine,
    InvoiceDocument,
    Party,
    VatTotalLine,
)
from billing.money import HUNDRED, money_round
from billing.ubl import UblNotAvailable, address_parts, endpoint, invoice_ubl
from tests.billing.einvoice.validation import fatal, schema_errors, schematron_findings

NS = {"cac": ubl.CAC, "cbc": ubl.CBC}
SUPPLIER = Party(
    name="Agentura Žluťoučký kůň s.r.o.",
    address="Vinohradská 12\n120 00 Praha 2",
    country="CZ",
    registration_id="12345678",
    vat_id="CZ12345678",
    email="fakturace@agentura.example",
    iban="CZ65 0800 0000 1920 0014 5399",
    bic="GIBACZPX",
)
BUYERS = {
    "domestic": Party(
        name="Pražská obuv a.s.",
        address="Na Příkopě 3\n110 00 Praha 1",
        country="CZ",
        registration_id="87654321",
        vat_id="CZ87654321",
        email="ucetni@obuv.example",
    ),
    "reverse_charge": Party(
        name="Győri Cipő Kft.",
        address="Baross Gábor út 1.\n2. emelet\n9021 Győr",
        country="HU",
        registration_id="08-09-012345",
        vat_id="HU12345676",
        email="szamla@cipo.example",
    ),
    "outside_scope": Party(
        name="Zürcher Schuhe AG",
        address="Bahnhofstrasse 1\n8001 Zürich",
        country="CH",
        vat_id="CHE123456788",
        email="buchhaltung@schuhe.example",
    ),
}
CATEGORY = {"domestic": ("S", Decimal(21)), "reverse_charge": ("AE", Decimal(0))}
CATEGORY["outside_scope"] = ("O", Decimal(0))
OCTOBER = (date(2026, 10, 1), date(2026, 11, 1))


def _line(description, quantity, included, unit, unit_price, currency, *, days=OCTOBER):
    amount = money_round((Decimal(quantity) - Decimal(included)) * Decimal(unit_price), currency)
    return dict(
        description=description,
        starts_on=days[0],
        ends_on=days[1],
        quantity=Decimal(quantity),
        included=Decimal(included),
        unit=unit,
        unit_label=unit,
        unit_price=Decimal(unit_price),
        amount=amount,
    )


def document(
    treatment: str = "domestic", *, currency: str = "CZK", language: str = "cs", **changes
) -> InvoiceDocument:
    """An invoice as billing issues one: lines rounded to the currency's unit, VAT rounded
    once per rate on their sum (the figures are derived here as issuing derives them)."""
    category, rate = CATEGORY[treatment]
    part_of_month = (date(2026, 10, 1), date(2026, 10, 17))
    raw = [
        _line("Měsíční paušál", "1", "0", "month", "15000", currency),
        _line("Hovory (minuty)", "1234.5678", "1000", "minute", "12.345", currency),
        _line("E-maily", "120", "100", "conversation", "35", currency),
        _line("Paušál (část)", "16", "0", "day", "48.387097", currency, days=part_of_month),
    ]
    # An out-of-hours surcharge: its base amount as quantity, its share as unit price.
    base = raw[1]["amount"]
    raw.append(_line("Příplatek mimo pracovní dobu", base, "0", "amount", "0.125", currency))
    lines = tuple(DocumentLine(**values, vat_category=category, vat_rate=rate) for values in raw)
    total = sum((line.amount for line in lines), Decimal(0))
    vat = money_round(total * rate / HUNDRED, currency)
    values = dict(
        kind="invoice",
        number="2026-000042",
        language=language,
        time_zone="Europe/Prague",
        currency=currency,
        issued_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 1 Nov in Prague
        period=date(2026, 10, 1),
        issuer=SUPPLIER,
        customer=BUYERS[treatment],
        lines=lines,
        total=total,
        vat_treatment=treatment,
        vat_totals=(
            VatTotalLine(category=category, rate=rate, taxable_amount=total, vat_amount=vat),
        ),
        vat_total=vat,
        total_with_vat=total + vat,
        due_on=date(2026, 11, 15),
        payment_reference="2026000042",
    )
    return InvoiceDocument(**{**values, **changes})


def credit_note_of(invoice: InvoiceDocument) -> InvoiceDocument:
    """The credit note billing issues for an invoice: every stored figure negated."""
    negated = tuple(
        dataclasses.replace(
            line, quantity=-line.quantity, included=-line.included, amount=-line.amount
        )
        for line in invoice.lines
    )
    return dataclasses.replace(
        invoice,
        kind=KIND_CREDIT_NOTE,
        number="2026-000050",
        issued_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        lines=negated,
        total=-invoice.total,
        vat_totals=tuple(
            dataclasses.replace(v, taxable_amount=-v.taxable_amount, vat_amount=-v.vat_amount)
            for v in invoice.vat_totals
        ),
        vat_total=-invoice.vat_total,
        total_with_vat=-(invoice.total_with_vat or Decimal(0)),
        corrects_number=invoice.number,
        corrects_issued_at=invoice.issued_at,
        reason="Chybně účtované minuty",
        due_on=None,
        payment_reference="",
    )


def checked(document: InvoiceDocument) -> etree._Element:
    """The document's XML after the official checks: valid against the XSD and free of
    fatal Schematron findings (warnings are listed in the test's output)."""
    xml = invoice_ubl(document)
    assert schema_errors(xml) == []
    findings = schematron_findings(xml)
    for finding in findings:
        print(f"{finding.rules} {finding.flag} {finding.id}: {finding.text}")
    assert fatal(findings) == []
    return etree.fromstring(xml)


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


CASES = [
    pytest.param("domestic", "CZK", id="domestic-S21-CZK"),
    pytest.param("domestic", "EUR", id="domestic-S21-EUR"),
    pytest.param("reverse_charge", "HUF", id="reverse-charge-AE-HUF"),
    pytest.param("reverse_charge", "EUR", id="reverse-charge-AE-EUR"),
    pytest.param("outside_scope", "EUR", id="outside-scope-O-EUR"),
]


@pytest.mark.parametrize(("treatment", "currency"), CASES)
def test_every_invoice_and_its_credit_note_pass_the_schema_and_the_rules(treatment, currency):
    invoice = document(treatment, currency=currency)

    checked(invoice)
    checked(credit_note_of(invoice))


def test_a_domestic_invoice_states_the_stored_figures_and_the_payment():
    invoice = document("domestic", currency="CZK")
    root = checked(invoice)

    assert etree.QName(root).localname == "Invoice"
    assert text(root, "cbc:CustomizationID") == ubl.CUSTOMIZATION_ID
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:IssueDate") == "2026-11-01"  # the client's local date
    assert text(root, "cbc:DueDate") == "2026-11-15"
    assert text(root, "cbc:BuyerReference") == "2026000042"
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert supplier.find("cbc:EndpointID", NS).get("schemeID") == "9929"
    assert text(supplier, "cbc:EndpointID") == "CZ12345678"
    assert text(supplier, "cac:PostalAddress/cbc:PostalZone") == "120 00"
    assert text(supplier, "cac:PostalAddress/cbc:CityName") == "Praha 2"
    assert text(supplier, "cac:PartyLegalEntity/cbc:CompanyID") == "12345678"
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "30"  # not euros: not SEPA
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == "2026000042"
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == (
        "CZ6508000000192000145399"
    )
    assert "15. listopadu 2026" in text(root, "cac:PaymentTerms/cbc:Note")
    totals = root.find("cac:LegalMonetaryTotal", NS)
    assert Decimal(text(totals, "cbc:TaxExclusiveAmount")) == invoice.total
    assert Decimal(text(totals, "cbc:PayableAmount")) == invoice.total_with_vat
    assert Decimal(text(root, "cac:TaxTotal/cbc:TaxAmount")) == invoice.vat_total
    lines = root.findall("cac:InvoiceLine", NS)
    assert [Decimal(text(line, "cbc:LineExtensionAmount")) for line in lines] == [
        line.amount for line in invoice.lines
    ]
    minutes = lines[1].find("cbc:InvoicedQuantity", NS)
    assert (minutes.text, minutes.get("unitCode")) == ("234.5678", "MIN")  # billed: 1,000 free
    assert text(lines[3], "cac:InvoicePeriod/cbc:EndDate") == "2026-10-16"  # part of a month
    assert text(lines[0], "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "21"


def test_a_sepa_invoice_in_euros_is_payment_means_58():
    root = checked(document("domestic", currency="EUR"))

    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    account = root.find("cac:PaymentMeans/cac:PayeeFinancialAccount", NS)
    assert text(account, "cac:FinancialInstitutionBranch/cbc:ID") == "GIBACZPX"


def test_reverse_charge_names_its_exemption_and_both_vat_ids():
    root = checked(document("reverse_charge", currency="EUR", language="hu"))

    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:ID") == "AE"
    assert text(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-AE"
    assert text(category, "cbc:TaxExemptionReason") == "Fordított adózás"
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert text(buyer, "cac:PartyTaxScheme/cbc:CompanyID") == "HU12345676"
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "9910"
    assert text(buyer, "cac:PostalAddress/cbc:AdditionalStreetName") == "2. emelet"


def test_outside_the_scope_states_no_vat_id_and_no_rate():
    root = checked(document("outside_scope", currency="EUR", language="de"))

    assert root.find(".//cac:PartyTaxScheme", NS) is None  # BR-O-02
    assert root.find(".//cac:ClassifiedTaxCategory/cbc:Percent", NS) is None  # BR-O-05
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-O"
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "9927"  # still routable


def test_a_credit_note_is_positive_and_refers_to_the_invoice_it_cancels():
    invoice = document("domestic", currency="CZK")
    root = checked(credit_note_of(invoice))

    assert etree.QName(root).localname == "CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cbc:Note") == "Chybně účtované minuty"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ("2026-000042")
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == (
        "2026-11-01"
    )
    assert root.find("cac:PaymentMeans", NS) is None  # nothing to pay in
    lines = root.findall("cac:CreditNoteLine", NS)
    quantities = [Decimal(text(line, "cbc:CreditedQuantity")) for line in lines]
    assert quantities == [line.quantity - line.included for line in invoice.lines]
    assert all(q > 0 for q in quantities)
    assert Decimal(text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")) == (
        invoice.total_with_vat
    )


def test_a_forint_rounded_line_states_its_rounding_and_the_rules_see_it_is_needed(monkeypatch):
    invoice = document("reverse_charge", currency="HUF", language="hu")
    minutes = invoice.lines[1]
    exact = (minutes.quantity - minutes.included) * minutes.unit_price
    assert minutes.amount != exact  # 234.5678 x 12.345 HUF, rounded to the forint

    root = checked(invoice)
    charge = root.findall("cac:InvoiceLine", NS)[1].find("cac:AllowanceCharge", NS)
    assert Decimal(text(charge, "cbc:Amount")) == abs(minutes.amount - exact).quantize(
        Decimal("0.01")
    )
    assert text(charge, "cbc:AllowanceChargeReason") == "Kerekítés"

    # Without the stated rounding, Peppol's line rule refuses the document.
    monkeypatch.setattr(ubl, "ROUNDING_STATED_ABOVE", Decimal(1000))
    ids = {f.id for f in fatal(schematron_findings(invoice_ubl(invoice)))}
    assert "PEPPOL-EN16931-R120" in ids


def test_the_validators_catch_a_wrong_total_and_a_wrong_vat():
    invoice = document("domestic", currency="EUR")
    wrong_total = dataclasses.replace(invoice, total=invoice.total + Decimal("0.01"))
    wrong_vat = dataclasses.replace(invoice, vat_total=invoice.vat_total + Decimal(1))

    assert "BR-CO-10" in {f.id for f in fatal(schematron_findings(invoice_ubl(wrong_total)))}
    assert "BR-CO-14" in {f.id for f in fatal(schematron_findings(invoice_ubl(wrong_vat)))}


def test_the_schema_catches_an_element_out_of_order():
    root = etree.fromstring(invoice_ubl(document()))
    root.append(root.find("cbc:ID", NS))  # the number after the lines

    assert schema_errors(etree.tostring(root)) != []


def test_a_buyer_without_vat_id_is_reached_by_e_mail_which_peppol_cannot_route():
    buyer = dataclasses.replace(BUYERS["outside_scope"], vat_id="", country="US")
    xml = invoice_ubl(document("outside_scope", currency="EUR", customer=buyer))

    root = etree.fromstring(xml)
    address = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (address.get("schemeID"), address.text) == ("EM", "buchhaltung@schuhe.example")
    assert schema_errors(xml) == []
    findings = fatal(schematron_findings(xml))
    assert [(f.rules, f.id) for f in findings] == [("PEPPOL", "PEPPOL-EN16931-CL008")]


def test_a_control_character_pasted_into_a_text_is_left_out_not_a_failure():
    credit_note = credit_note_of(document())
    pasted = dataclasses.replace(credit_note.lines[0], description="Měsíční\x0b paušál\x00")
    credit_note = dataclasses.replace(
        credit_note, reason="Chybně\x1b účtováno", lines=(pasted, *credit_note.lines[1:])
    )

    root = checked(credit_note)

    assert text(root, "cbc:Note") == "Chybně účtováno"
    assert text(root, "cac:CreditNoteLine/cac:Item/cbc:Name") == "Měsíční paušál"


def test_an_invoice_issued_before_vat_has_no_e_invoice():
    before_vat = dataclasses.replace(
        document(), vat_treatment="", total_with_vat=None, vat_totals=(), vat_total=Decimal(0)
    )

    with pytest.raises(UblNotAvailable, match="before VAT"):
        invoice_ubl(before_vat)


PRAGUE = "Vinohradská 2165/48\n120 00 Praha 2"
KRAKOW = "ul. Floriańska 15\n31-019 Kraków"
CLUJ = "Str. Memorandumului 28\n400114 Cluj-Napoca"
SPRINGFIELD = "Main Street 1\nSuite 5\nFloor 2\nSpringfield, IL 62701"


def test_a_document_the_rules_would_refuse_is_refused_with_the_rule():
    no_lines = dataclasses.replace(document(), lines=())
    no_supplier_vat_id = dataclasses.replace(
        document("reverse_charge"), issuer=dataclasses.replace(SUPPLIER, vat_id="")
    )
    outside_scope = dataclasses.replace(
        document("outside_scope", currency="EUR"), issuer=dataclasses.replace(SUPPLIER, vat_id="")
    )

    with pytest.raises(UblNotAvailable, match="BR-16"):
        invoice_ubl(no_lines)
    with pytest.raises(UblNotAvailable, match="POLYDESK_ISSUER_VAT_ID"):
        invoice_ubl(no_supplier_vat_id)
    # Outside the scope no VAT id is stated anyway (BR-O-02): EN 16931 is content; only the
    # e-mail address Peppol cannot route stands out.
    findings = fatal(schematron_findings(invoice_ubl(outside_scope)))
    assert [(f.rules, f.id) for f in findings] == [("PEPPOL", "PEPPOL-EN16931-CL008")]
    # ...but then the seller's registration number is what identifies it (BR-CO-26): without
    # it the rules refuse the document, so it is refused before it is made.
    unidentified = dataclasses.replace(
        outside_scope, issuer=dataclasses.replace(SUPPLIER, vat_id="", registration_id="")
    )
    with pytest.raises(UblNotAvailable, match="BR-CO-26"):
        invoice_ubl(unidentified)
    # The rules agree: the same document, built past the check, fails BR-CO-26.
    with translation.override("en"):
        built = etree.tostring(ubl_module._document(unidentified), encoding="UTF-8")
    assert "BR-CO-26" in {f.id for f in fatal(schematron_findings(built))}


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        (PRAGUE, {"street": "Vinohradská 2165/48", "city": "Praha 2", "postal_zone": "120 00"}),
        (KRAKOW, {"street": "ul. Floriańska 15", "city": "Kraków", "postal_zone": "31-019"}),
        (
            CLUJ,
            {"street": "Str. Memorandumului 28", "city": "Cluj-Napoca", "postal_zone": "400114"},
        ),
        # No leading postal code: nothing is guessed, the lines are kept in order.
        (
            SPRINGFIELD,
            {
                "street": "Main Street 1",
                "additional": "Suite 5",
                "line": "Floor 2, Springfield, IL 62701",
            },
        ),
        ("", {}),
    ],
)
def test_an_address_is_split_into_street_city_and_postal_zone(address, parts):
    assert address_parts(address) == ubl.Address(**parts)


@pytest.mark.parametrize(
    ("vat_id", "email", "expected"),
    [
        ("CZ12345678", "", ("9929", "CZ12345678")),
        ("EL 123456789", "", ("9933", "EL123456789")),
        ("DK12345678", "", ("0184", "12345678")),
        ("SE556677889901", "", ("0007", "5566778899")),
        ("NO987654325MVA", "", ("0192", "987654325")),
        ("FI12345678", "", ("0216", "003712345678")),
        ("", "a@b.example", ("EM", "a@b.example")),
        ("", "", ("", "")),
    ],
)
def test_an_endpoint_is_the_vat_id_under_its_countrys_scheme(vat_id, email, expected):
    assert endpoint(Party(name="X", vat_id=vat_id, email=email)) == expected


def _valid(module, template: str) -> str:
    """The first VAT id of the template ("SE556677889{}01") its country's checksum accepts."""
    return next(
        number for digit in "0123456789" if module.is_valid(number := template.format(digit))
    )


@pytest.mark.parametrize(
    ("treatment", "country", "module", "template", "scheme"),
    [
        ("reverse_charge", "DK", cvr, "DK1234567{}", "0184"),
        ("reverse_charge", "SE", se_vat, "SE556677889{}01", "0007"),
        ("reverse_charge", "FI", alv, "FI1234567{}", "0216"),
        ("reverse_charge", "IT", iva, "IT0074311015{}", "0211"),
        ("outside_scope", "NO", mva, "NO98765432{}MVA", "0192"),
    ],
)
def test_a_register_number_endpoint_passes_peppols_checksum(
    treatment, country, module, template, scheme
):
    vat_id = _valid(module, template)
    buyer = dataclasses.replace(BUYERS["reverse_charge"], country=country, vat_id=vat_id)

    root = checked(document(treatment, currency="EUR", customer=buyer))

    address = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert address.get("schemeID") == scheme
