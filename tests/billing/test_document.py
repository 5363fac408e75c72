"""The invoice PDF from plain data: the language, every stored decimal, the embedded font."""

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.document import (
    KIND_CREDIT_NOTE,
    KIND_INVOICE,
    DocumentLine,
    InvoiceDocument,
    Party,
    invoice_pdf,
)
from tests.support.pdf import assert_only_dejavu_embedded, text_by_page, text_of

ISSUER = Party(
    name="Agentura Žluťoučký kůň s.r.o.",
    address="Vinohradská 12, 120 00 Praha 2",
    registration_id="12345678",
    vat_id="CZ12345678",
    iban="CZ65 0800 0000 1920 0014 5399",
)


def line(
    description: str,
    quantity: str,
    unit: str,
    unit_price: str,
    amount: str,
    *,
    included: str = "0",
    starts_on=date(2026, 10, 1),
    ends_on=date(2026, 11, 1),
    unit_label: str = "",
) -> DocumentLine:
    return DocumentLine(
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        quantity=Decimal(quantity),
        included=Decimal(included),
        unit=unit,
        unit_label=unit_label or unit,
        unit_price=Decimal(unit_price),
        amount=Decimal(amount),
    )


def document(language: str, **changes) -> InvoiceDocument:
    values = {
        "kind": KIND_INVOICE,
        "number": "2026-000042",
        "language": language,
        "time_zone": "Europe/Budapest",
        "currency": "HUF",
        "issued_at": datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 1 November in Budapest
        "period": date(2026, 10, 1),
        "issuer": ISSUER,
        "customer": Party(name="Győri Cipő Kft."),
        "lines": (
            line(
                "Havi alapdíj",
                "16",
                "day",
                "48.387097",
                "774",
                unit_label="nap",
                ends_on=date(2026, 10, 17),
            ),
            line(
                "Telefonos percek",
                "1234.5678",
                "minute",
                "0.012345",
                "15",
                included="1000",
                unit_label="perc",
            ),
            line("Nyelvi felár: Északi", "12345.6789", "amount", "0.125", "1543"),
        ),
        "total": Decimal("2332"),
    }
    return InvoiceDocument(**{**values, **changes})


def test_an_invoice_in_hungarian_shows_every_stored_figure_as_it_is():
    text = text_of(invoice_pdf(document("hu")))

    assert "Számla 2026-000042" in text
    assert "Szállító" in text and "Agentura Žluťoučký kůň s.r.o." in text
    assert "Vinohradská 12, 120 00 Praha 2" in text and "CZ12345678" in text
    assert "CZ65 0800 0000 1920 0014 5399" in text
    assert "Vevő" in text and "Győri Cipő Kft." in text
    assert "2026. november 1." in text  # the issue date in the client's time zone
    assert "2026. október" in text  # the billed month
    # A pro-rata unit price and a fraction of a forint per minute, every decimal of them.
    assert "48,387097 Ft" in text and "0,012345 Ft" in text
    assert "1 234,5678" in text and "1 000" in text  # the quantity and the included minutes
    assert "12 345,6789 Ft" in text and "12,5%" in text  # a surcharge: its base and rate
    assert "2026. okt. 1\u201316." in text  # a line for part of the month, as one interval
    assert "Összesen" in text and "2 332 Ft" in text
    assert "Az árak és összegek áfa nélkül értendők." in text
    assert "BIC" not in text  # not set: left out, not printed empty


def test_the_same_invoice_in_czech_and_in_english_follows_each_locale():
    czech = text_of(invoice_pdf(document("cs", currency="CZK", total=Decimal("2332.50"))))
    english = text_of(invoice_pdf(document("en", currency="CZK", total=Decimal("2332.50"))))

    assert "Faktura 2026-000042" in czech and "Odběratel" in czech and "IČO: 12345678" in czech
    assert "2 332,50 Kč" in czech and "48,387097 Kč" in czech and "12,5 %" in czech
    assert "Invoice 2026-000042" in english and "CZK2,332.50" in english
    assert "CZK48.387097" in english and "12.5%" in english


def test_a_credit_note_names_the_invoice_it_cancels_and_why():
    credit = document(
        "pl",
        kind=KIND_CREDIT_NOTE,
        number="2026-000043",
        currency="PLN",
        lines=(line("Miesięczna opłata", "-1", "month", "1500", "-1500", unit_label="miesiąc"),),
        total=Decimal("-1500.00"),
        corrects_number="2026-000042",
        corrects_issued_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        reason="Zły cennik",
    )

    text = text_of(invoice_pdf(credit))

    assert "Faktura korygująca 2026-000043" in text
    assert "Anulowana faktura" in text and "2026-000042 (2 listopada 2026)" in text
    assert "Powód" in text and "Zły cennik" in text
    assert "-1 500,00 zł" in text and "Razem" in text
    assert "anuluje w całości fakturę 2026-000042" in text


def test_only_the_embedded_dejavu_fonts_are_used():
    assert_only_dejavu_embedded(invoice_pdf(document("ro")))


BUYER = Party(
    name="Bohemia Shoes s.r.o.",
    address="Vinohradská 2165/48\n\n120 00 Praha 2",
    country="SK",
    registration_id="07341253",
    vat_id="CZ07341253",
    email="fakturace@bohemia-shoes.example",
)


def test_the_buyers_identity_is_printed_line_by_line_in_the_documents_language():
    czech = text_of(invoice_pdf(document("cs", customer=BUYER)))
    english = text_of(invoice_pdf(document("en", customer=BUYER)))

    buyer = czech[czech.index("Odběratel") :]
    assert buyer.startswith("Odběratel Bohemia Shoes s.r.o.")
    # The address's lines (the blank one dropped), the country named in Czech.
    assert "Adresa: Vinohradská 2165/48 120 00 Praha 2" in buyer
    assert "Země: Slovensko" in buyer and "IČO: 07341253" in buyer
    assert "DIČ: CZ07341253" in buyer and "E-mail: fakturace@bohemia-shoes.example" in buyer
    assert "Country: Slovakia" in english and "VAT ID: CZ07341253" in english


def test_a_buyer_with_a_name_only_prints_no_empty_fields():
    text = text_of(invoice_pdf(document("en", customer=Party(name="Győri Cipő Kft."))))

    assert "Buyer Győri Cipő Kft." in text
    # The issuer has an address and numbers, but no country or e-mail: neither is printed.
    assert "Country" not in text and "E-mail" not in text
    assert text.count("Address:") == 1 and text.count("VAT ID:") == 1


def test_the_total_and_the_vat_note_never_start_a_page_alone():
    # However many lines, the page with the total also holds the last line and the note.
    for count in range(10, 40):
        lines = tuple(
            line(f"Line {n:02d}", "1", "day", "1", "1", unit_label="day") for n in range(count)
        )
        pages = text_by_page(invoice_pdf(document("en", lines=lines, total=Decimal(count))))
        last = next(page for page in pages.split("Page ") if "Total" in page)
        assert f"Line {count - 1:02d}" in last, count
        assert "Prices and amounts are without VAT." in last, count


def test_a_french_label_has_a_space_before_its_colon():
    text = text_of(invoice_pdf(document("fr", customer=BUYER)))
    assert "Pays : Slovaquie" in text and "Numéro de TVA : CZ07341253" in text
