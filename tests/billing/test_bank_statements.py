"""Bank statements read into entries: CAMT.053 of several versions, CSV exports, refusals."""

from datetime import date
from decimal import Decimal

import pytest

from billing.bank_statements import (
    MAX_BYTES,
    StatementRefused,
    csv_amount,
    statement_parse,
)
from tests.support.payments import camt_entry, camt_statement


@pytest.mark.parametrize("version", ["02", "04", "06", "08", "10"])
def test_camt053_versions_give_the_same_entries(version):
    data = camt_statement(
        [
            camt_entry(bank_id="E1", amount="1210.00", reference="2026000123", version=version),
            camt_entry(
                bank_id="E2",
                amount="45.50",
                credit=False,
                payer_iban="DE89370400440532013000",
                version=version,
            ),
            camt_entry(bank_id="E3", amount="10.00", status="PDNG", version=version),
        ],
        version=version,
    )
    statement = statement_parse(data)
    assert statement.format == "camt053"
    assert statement.account == "CZ5855000000001265098001"
    assert statement.statement_id == "2026-11-20-212"
    credit, debit = statement.entries
    assert (credit.bank_id, credit.amount, credit.currency) == ("E1", Decimal("1210.00"), "EUR")
    assert credit.booked_on == credit.value_on == date(2026, 11, 18)
    assert credit.reference == "2026000123"
    assert credit.payer_name == "Obchod s.r.o."
    assert credit.payer_account == "CZ6508000000192000145399"
    assert debit.amount == Decimal("-45.50") and not debit.is_credit
    assert debit.payer_account == "DE89370400440532013000"  # the creditor of a debit
    assert statement.skipped == ["Statement 2026-11-20-212, entry 3 (E3): not booked yet"]


def test_camt053_free_text_and_end_to_end_reference():
    entry = camt_entry(bank_id="E1", amount="5.00", text="/VS/0020260007/SS//KS/0308")
    entry = entry.replace("NOTPROVIDED", "VS20260007")
    (found,) = statement_parse(camt_statement([entry])).entries
    assert found.remittance == "/VS/0020260007/SS//KS/0308"
    assert found.reference == "VS20260007"


BATCH = """      <Ntry>
        <Amt Ccy="EUR">300.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>2026-11-19T09:12:00+01:00</DtTm></BookgDt>
        <AcctSvcrRef>BATCH-77</AcctSvcrRef>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>Eshop A</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
          <TxDtls><Amt Ccy="EUR">{second}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>Eshop B</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Ustrd>Invoice 2026-000002</Ustrd></RmtInf></TxDtls>
        </NtryDtls>
      </Ntry>
"""


def test_camt053_batched_entry_gives_one_entry_per_transaction():
    statement = statement_parse(camt_statement([BATCH.format(second="200.00")]))
    first, second = statement.entries
    assert (first.bank_id, first.amount, first.reference) == (
        "BATCH-77/1",
        Decimal("100.00"),
        "RF18539007547034",
    )
    assert (second.bank_id, second.amount, second.payer_name) == (
        "BATCH-77/2",
        Decimal("200.00"),
        "Eshop B",
    )
    assert second.remittance == "Invoice 2026-000002"
    assert first.booked_on == date(2026, 11, 19)


def test_camt053_batch_that_does_not_add_up_is_refused():
    with pytest.raises(StatementRefused, match=r"do not add up to 300\.00"):
        statement_parse(camt_statement([BATCH.format(second="150.00")]))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>Hello</body></html>", "Not a CAMT.053 statement"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"/>',
            "Not a CAMT.053",
        ),
        (b"<Document", "Not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&a;</Document>',
            "Not well-formed XML",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
            b"<BkToCstmrStmt/></Document>",
            "no statement",
        ),
        (b"", "empty"),
    ],
)
def test_camt053_not_a_statement_is_refused_with_the_reason(data, reason):
    with pytest.raises(StatementRefused, match=reason):
        statement_parse(data)


def test_camt053_entry_with_a_bad_amount_names_the_entry():
    data = camt_statement([camt_entry(bank_id="E1", amount="12,50")])
    with pytest.raises(StatementRefused, match="entry 1: '12,50' is not an amount"):
        statement_parse(data)


def test_camt053_amount_with_more_decimals_than_the_currency_is_refused():
    data = camt_statement([camt_entry(bank_id="E1", amount="12.505")])
    with pytest.raises(StatementRefused, match=r"entry 1: the amount 12\.505 has more decimals"):
        statement_parse(data)


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(StatementRefused, match="larger than"):
        statement_parse(b"<" + b" " * MAX_BYTES)


CSV_CZ = (
    "Datum;Částka;Měna;ID;Reference;Message;Payer name;Payer account\r\n"
    "03.11.2026;1 210,00;CZK;88001;2026000123;Faktura listopad;Obchod Žluťoučký s.r.o.;"
    "2000145399/0800\r\n"
    "04.11.2026;-350,00;CZK;88002;;Poplatek;Banka;\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso8859_2"])
def test_csv_in_central_european_encodings(encoding):
    data = CSV_CZ.replace("Datum", "date").replace("Částka", "amount").replace("Měna", "currency")
    statement = statement_parse(data.encode(encoding))
    first, second = statement.entries
    assert statement.format == "csv"
    assert first.payer_name == "Obchod Žluťoučký s.r.o."
    assert (first.amount, first.currency, first.booked_on) == (
        Decimal("1210.00"),
        "CZK",
        date(2026, 11, 3),
    )
    assert (first.bank_id, first.reference) == ("88001", "2026000123")
    assert second.amount == Decimal("-350.00")


def test_csv_with_commas_and_decimal_points():
    data = (
        b"id,date,amount,currency,reference,message\n"
        b'A-1,2026-11-03,"1,210.50",EUR,RF18539007547034,thanks\n'
        b"A-2,2026-11-04,99.9,EUR,,\n"
    )
    first, second = statement_parse(data).entries
    assert first.amount == Decimal("1210.50") and second.amount == Decimal("99.9")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2026-11-03;12x;EUR;1", "Line 3: '12x' is not an amount"),
        ("31.02.2026;12;EUR;1", "Line 3: '31.02.2026' is not a date"),
        ("2026-11-03;12;EURO;1", "Line 3: 'EURO' is not a currency code"),
        ("2026-11-03;12;EUR", "Line 3: 3 columns, the header has 4"),
        ("2026-11-03;12;EUR;A", "Line 3: the id 'A' is there twice"),
        ("2026-11-03;0;EUR;2", "Line 3: the amount is zero"),
        ("2026-11-03;1,0051;EUR;2", "Line 3: the amount 1.0051 has more decimals than EUR has"),
        ("2026-11-03;1,005;EUR;2", "Line 3: '1,005' is ambiguous"),
        ("2026-11-03;1.500;EUR;2", "Line 3: '1.500' is ambiguous"),
        ("2026-11-03;1,235;BHD;2", "Line 3: '1,235' is ambiguous"),
        ("2026-11-03;12.2355;BHD;2", "Line 3: the amount 12.2355 has more decimals than BHD"),
        ("2026-11-03;1,012.235;BHD;2", "Line 3: the amount 1012.235 has more decimals than a p"),
        ("2026-11-03;10,5;HUF;2", "Line 3: the amount 10.5 has more decimals than HUF has"),
        ("2026-11-03;1000000000000;EUR;2", "Line 3: the amount 1000000000000 is too large"),
    ],
)
def test_csv_bad_row_refuses_the_file_naming_the_line(row, reason):
    data = f"date;amount;currency;id\n2026-11-02;5;EUR;A\n{row}\n".encode()
    with pytest.raises(StatementRefused, match=reason):
        statement_parse(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"name;email\nAnna;anna@example.com\n", "lacks date, amount, currency, id"),
        (b"date;amount;currency;id\n", "no entries"),
        (b"\x00\x01\x02PK\x03\x04binary", "lacks|binary|not text"),
    ],
)
def test_csv_that_is_not_a_statement_is_refused(data, reason):
    with pytest.raises(StatementRefused, match=reason):
        statement_parse(data)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("-12.5", "-12.5"),
        ("1\u00a0000", "1000"),
    ],
)
def test_csv_amounts(text, amount):
    assert csv_amount(text) == Decimal(amount)


def _reversal(entry: str) -> str:
    return entry.replace("</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>")


@pytest.mark.parametrize("credit", [True, False])
def test_camt053_a_reversal_is_skipped_for_a_person_not_booked(credit):
    data = camt_statement(
        [
            camt_entry(bank_id="P1", amount="80.00", credit=not credit),
            _reversal(camt_entry(bank_id="P1R", amount="80.00", credit=credit)),
        ]
    )
    statement = statement_parse(data)
    # The ordinary entry keeps its own direction; the reversal is not an entry at all.
    assert [(e.bank_id, e.amount) for e in statement.entries] == [
        ("P1", Decimal("-80.00") if credit else Decimal("80.00"))
    ]
    (skipped,) = statement.skipped
    assert "P1R" in skipped and "reversal: check by hand" in skipped


def test_camt053_a_bank_id_twice_in_one_file_refuses_it():
    data = camt_statement(
        [camt_entry(bank_id="X", amount="10.00"), camt_entry(bank_id="X", amount="20.00")]
    )
    with pytest.raises(StatementRefused, match=r"entry 2: the bank id 'X' is there twice"):
        statement_parse(data)


def test_camt053_an_entry_with_only_ntryref_is_scoped_by_its_statement():
    entry = camt_entry(bank_id="1", amount="10.00").replace("<AcctSvcrRef>1</AcctSvcrRef>", "")
    day1 = statement_parse(camt_statement([entry], statement_id="2026-11-20-1"))
    day2 = statement_parse(camt_statement([entry], statement_id="2026-11-21-1"))
    assert [e.bank_id for e in day1.entries] == ["2026-11-20-1/1"]
    assert [e.bank_id for e in day2.entries] == ["2026-11-21-1/1"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.50", Decimal("1.50")),
        ("1,5", Decimal("1.5")),
        ("1 500", Decimal("1500")),
        ("1.500,00", Decimal("1500.00")),
        ("1,500.00", Decimal("1500.00")),
        ("-12.5", Decimal("-12.5")),
        ("1500", Decimal("1500")),
    ],
)
def test_csv_amounts_that_are_not_ambiguous_are_read(text, amount):
    assert csv_amount(text) == amount


@pytest.mark.parametrize("text", ["1.500", "1,500", "-2,250", "0.125"])
def test_csv_amount_with_one_mark_before_three_digits_is_ambiguous(text):
    with pytest.raises(ValueError, match="ambiguous"):
        csv_amount(text)


def test_camt053_bhd_with_three_decimals_is_refused_not_rounded():
    data = camt_statement([camt_entry(bank_id="B1", amount="1.235", currency="BHD")])
    with pytest.raises(StatementRefused, match="more decimals than a payment stores"):
        statement_parse(data)
