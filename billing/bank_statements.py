"""Bank statements read into plain entries: ISO 20022 CAMT.053 and CSV exports (pure).

A file is read whole or refused whole with the reason (`StatementRefused`): a statement
half read would import some payments and silently lose others. Nothing here touches the
database; `billing.services.payments.bank_statement_import` stores what this returns.

CAMT.053 (``BkToCstmrStmt``), versions 001.02 to 001.13: the namespace names the version,
the elements used here are the same in all of them (a party's name moved under ``Pty``
in 001.08; both are read). Only booked entries count (a pending one may still change);
a batched entry with several ``TxDtls`` gives one entry per transaction, its bank id the
entry's id and the transaction's position.

CSV: a header row names the columns (any order, case-insensitive; docs/billing.md,
"Payments and bank statements"): ``date``, ``amount``, ``currency``, ``id`` required;
``reference``, ``message``, ``payer_name``, ``payer_account``, ``value_date``, ``account``
optional. Separator ``;`` or ``,``; decimal comma or point; UTF-8, Windows-1250 or
ISO-8859-2 (detected).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from charset_normalizer import from_bytes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from billing.money import money_round

MAX_BYTES = 32 * 1024 * 1024  # a month of a busy account is a few MB
MAX_ENTRIES = 100_000
LARGEST = Decimal("1e12")
CENT = Decimal("0.01")  # Payment.amount: 14 digits, 2 of them decimals
CAMT053_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
CAMT053_VERSIONS = range(2, 14)
_TAG = re.compile(r"^\{([^}]*)\}(.*)$")


class StatementRefused(ValueError):
    """The file is not a statement this reads, or has a fault: nothing of it is imported."""


@dataclass(frozen=True)
class StatementEntry:
    """One booked movement: `amount` positive for money in (credit), negative for out."""

    bank_id: str
    amount: Decimal
    currency: str
    booked_on: date
    value_on: date | None = None
    reference: str = ""  # the structured reference (variable symbol, RF...), if given
    remittance: str = ""  # the payer's free text
    payer_name: str = ""
    payer_account: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass
class Statement:
    format: str  # "camt053" or "csv" (BankStatement.Format)
    account: str = ""  # the IBAN (or account number) the statement is for
    statement_id: str = ""
    entries: list[StatementEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries not taken, each with why


def statement_parse(data: bytes) -> Statement:
    """A CAMT.053 or CSV statement read whole, or StatementRefused with the reason."""
    if len(data) > MAX_BYTES:
        raise StatementRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise StatementRefused("The file is empty.")
    if head == b"<":
        return camt053_parse(data)
    return csv_statement_parse(data)


# --- CAMT.053 --------------------------------------------------------------------------------


def _local(element: Element) -> str:
    match = _TAG.match(element.tag)
    return match.group(2) if match else element.tag


def _child(element: Element | None, *path: str) -> Element | None:
    """The first descendant along `path` of local names (namespaces differ by version)."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c) == name), None)
    return element


def _children(element: Element | None, name: str) -> list[Element]:
    return [c for c in element if _local(c) == name] if element is not None else []


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _date(element: Element | None, where: str) -> date | None:
    """A ``Dt`` or ``DtTm`` child as a date (a DtTm keeps its own local date)."""
    text = _text(element, "Dt") or _text(element, "DtTm")[:10]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StatementRefused(f"{where}: {text!r} is not a date.") from None


def _amount(element: Element | None, where: str) -> tuple[Decimal, str]:
    if element is None or not (element.text or "").strip():
        raise StatementRefused(f"{where}: no amount.")
    try:
        amount = Decimal(element.text.strip())  # type: ignore[union-attr]
    except InvalidOperation:
        raise StatementRefused(f"{where}: {element.text!r} is not an amount.") from None
    currency = element.get("Ccy", "")
    if not amount.is_finite() or amount < 0 or not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementRefused(f"{where}: the amount {amount} {currency!r} is not valid.")
    try:
        amount_check(amount, currency)
    except ValueError as error:
        raise StatementRefused(f"{where}: {error}.") from None
    return amount, currency


def amount_check(amount: Decimal, currency: str) -> None:
    """ValueError when the amount cannot be stored as it is: more decimals than the
    currency has (never rounded silently), or too large."""
    if abs(amount) >= LARGEST:
        raise ValueError(f"the amount {amount} is too large")
    if amount != money_round(amount, currency):
        raise ValueError(f"the amount {amount} has more decimals than {currency} has")
    if amount != amount.quantize(CENT):  # a Payment stores 2 decimals (BHD, KWD have 3)
        raise ValueError(f"the amount {amount} has more decimals than a payment stores (2)")


def _account(element: Element | None) -> str:
    return _text(element, "Id", "IBAN") or _text(element, "Id", "Othr", "Id")


def _party_name(element: Element | None) -> str:
    return _text(element, "Nm") or _text(element, "Pty", "Nm")  # Pty: from 001.08 on


def _remittance(details: Element | None) -> tuple[str, str]:
    """(structured reference, free text) of a transaction's RmtInf."""
    info = _child(details, "RmtInf")
    texts = [(u.text or "").strip() for u in _children(info, "Ustrd")]
    references = [_text(s, "CdtrRefInf", "Ref") for s in _children(info, "Strd")]
    return next((r for r in references if r), ""), " ".join(t for t in texts if t)


def _end_to_end(details: Element | None) -> str:
    """The payer's end-to-end id, which Czech and Slovak banks fill with the variable
    symbol; 'NOTPROVIDED' is SEPA's word for none."""
    value = _text(details, "Refs", "EndToEndId")
    return "" if value.upper() == "NOTPROVIDED" else value


def _booked(entry: Element) -> bool:
    status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")  # a code element from 001.08
    return status in ("BOOK", "")


def camt053_parse(data: bytes) -> Statement:
    """An ISO 20022 CAMT.053 bank-to-customer statement (one or more ``Stmt`` of one
    account), read with defusedxml (no DTD, no entities, no network)."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise StatementRefused(f"Not well-formed XML: {error}.") from None
    match = _TAG.match(root.tag)
    namespace = match.group(1) if match else ""
    version = CAMT053_NAMESPACE.match(namespace)
    if _local(root) != "Document" or version is None:
        raise StatementRefused(
            f"Not a CAMT.053 statement (root {_local(root)!r}, namespace {namespace!r})."
        )
    if int(version.group(1)) not in CAMT053_VERSIONS:
        raise StatementRefused(f"CAMT.053 version 001.{version.group(1)} is not supported.")
    statements = _children(_child(root, "BkToCstmrStmt"), "Stmt")
    if not statements:
        raise StatementRefused("The file has no statement (BkToCstmrStmt/Stmt).")
    result = Statement(format="camt053")
    accounts = {_account(_child(stmt, "Acct")) for stmt in statements}
    if len(accounts) != 1 or not next(iter(accounts)):
        raise StatementRefused("A statement file must be of one account, named by its IBAN or id.")
    result.account = accounts.pop()
    result.statement_id = ", ".join(_text(stmt, "Id") for stmt in statements)[:64]
    seen: dict[str, str] = {}
    for stmt in statements:
        statement_id = _text(stmt, "Id")
        for position, entry in enumerate(_children(stmt, "Ntry"), start=1):
            where = f"Statement {statement_id or '?'}, entry {position}"
            found = _camt_entry(
                entry, where=where, statement_id=statement_id, skipped=result.skipped
            )
            for item in found:
                # An entry's id is stored once per account: a file naming it twice would
                # lose the second silently, so the file is refused (as a CSV is).
                if item.bank_id in seen:
                    raise StatementRefused(
                        f"{where}: the bank id {item.bank_id!r} is there twice "
                        f"(first in {seen[item.bank_id]})."
                    )
                seen[item.bank_id] = where
            result.entries.extend(found)
            if len(result.entries) > MAX_ENTRIES:
                raise StatementRefused(f"More than {MAX_ENTRIES} entries in one file.")
    return result


def _camt_entry(
    entry: Element, *, where: str, statement_id: str, skipped: list[str]
) -> list[StatementEntry]:
    amount, currency = _amount(_child(entry, "Amt"), where)
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementRefused(f"{where}: CdtDbtInd {indicator!r} is neither CRDT nor DBIT.")
    bank_id = _text(entry, "AcctSvcrRef")
    if not bank_id and _text(entry, "NtryRef"):
        # NtryRef is unique within its statement only (banks restart it each day).
        if not statement_id:
            raise StatementRefused(f"{where}: no AcctSvcrRef, and NtryRef without a statement Id.")
        bank_id = f"{statement_id}/{_text(entry, 'NtryRef')}"
    if not _booked(entry):
        skipped.append(f"{where} ({bank_id}): not booked yet")
        return []
    if not bank_id:
        raise StatementRefused(f"{where}: no bank reference (AcctSvcrRef or NtryRef).")
    # ISO 20022: CdtDbtInd is the reversal's own direction (a reversed credit is a DBIT).
    credit = indicator == "CRDT"
    if _text(entry, "RvslInd").lower() == "true":
        # A reversal undoes an earlier entry: which payment, and whether its allocation
        # must go, is for a person to judge, never for the automatic matching.
        skipped.append(f"{where} ({bank_id}): reversal: check by hand")
        return []
    booked_on = _date(_child(entry, "BookgDt"), where)
    if booked_on is None:
        raise StatementRefused(f"{where}: no booking date.")
    value_on = _date(_child(entry, "ValDt"), where)
    transactions = [t for d in _children(entry, "NtryDtls") for t in _children(d, "TxDtls")]
    parts: list[tuple[Decimal, Element | None]] = []
    if len(transactions) <= 1:
        parts = [(amount, transactions[0] if transactions else None)]
    else:
        for index, details in enumerate(transactions, start=1):
            found: Element | None = _child(details, "Amt")  # 001.02: AmtDtls/TxAmt/Amt
            if found is None:
                found = _child(details, "AmtDtls", "TxAmt", "Amt")
            part, part_currency = _amount(found, f"{where}, transaction {index}")
            if part_currency != currency:
                raise StatementRefused(f"{where}, transaction {index}: not in {currency}.")
            parts.append((part, details))
        if sum(p for p, _ in parts) != amount:
            raise StatementRefused(f"{where}: its transactions do not add up to {amount}.")
    results = []
    for index, (part, transaction) in enumerate(parts, start=1):
        reference, text = _remittance(transaction)
        party = "Dbtr" if credit else "Cdtr"
        related = _child(transaction, "RltdPties")
        results.append(
            StatementEntry(
                bank_id=bank_id if len(parts) == 1 else f"{bank_id}/{index}",
                amount=part if credit else -part,
                currency=currency,
                booked_on=booked_on,
                value_on=value_on,
                reference=reference or _end_to_end(transaction),
                remittance=text,
                payer_name=_party_name(_child(related, party)),
                payer_account=_account(_child(related, f"{party}Acct")),
            )
        )
    return results


# --- CSV -------------------------------------------------------------------------------------

CSV_REQUIRED = ("date", "amount", "currency", "id")
CSV_OPTIONAL = ("reference", "message", "payer_name", "payer_account", "value_date", "account")
_ENCODINGS = ["utf_8", "cp1250", "iso8859_2"]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise StatementRefused("The file is not text in UTF-8, Windows-1250 or ISO-8859-2.")
    return str(best)


def csv_amount(text: str) -> Decimal:
    """'1 234,50', '1.234,50', '1,234.50', '-12.5' as a Decimal; ValueError otherwise
    (also for '1.500' or '1,500': one separator before exactly three digits is a thousands
    separator to some banks and a decimal one to others)."""
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", text)
    if re.fullmatch(r"[+-]?\d+[.,]\d{3}", cleaned):
        raise ValueError(
            f"{text!r} is ambiguous (thousands or decimals?): write it with 2 decimals"
        )
    if "," in cleaned and "." in cleaned:
        thousands = "," if cleaned.rindex(",") < cleaned.rindex(".") else "."
        cleaned = cleaned.replace(thousands, "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(f"{text!r} is not an amount")
    return Decimal(cleaned)


def csv_date(text: str) -> date:
    """'2026-11-03', '03.11.2026' or '3. 11. 2026' as a date; ValueError otherwise."""
    cleaned = text.replace(" ", "")
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def csv_statement_parse(data: bytes) -> Statement:
    """A bank's CSV export with a header row (the columns in the module's docstring)."""
    text = _decode(data)
    if "\x00" in text:
        raise StatementRefused("The file is binary, not a CSV statement.")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
    except StopIteration:
        raise StatementRefused("The file is empty.") from None
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        raise StatementRefused(
            f"Not a CSV statement: the header (line 1) lacks {', '.join(missing)} "
            f"(needs {', '.join(CSV_REQUIRED)})."
        )
    if len(set(header)) != len(header):
        raise StatementRefused("Line 1: a column is named twice.")
    result = Statement(format="csv")
    errors: list[str] = []
    accounts: set[str] = set()
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                errors.append(f"Line {line}: {len(row)} columns, the header has {len(header)}.")
                continue
            values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
            try:
                entry = _csv_entry(values)
            except ValueError as error:
                errors.append(f"Line {line}: {error}.")
                continue
            if entry.bank_id in seen:
                errors.append(f"Line {line}: the id {entry.bank_id!r} is there twice.")
                continue
            seen.add(entry.bank_id)
            accounts.add(values.get("account", ""))
            result.entries.append(entry)
            if len(result.entries) > MAX_ENTRIES:
                raise StatementRefused(f"More than {MAX_ENTRIES} entries in one file.")
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: {error}.")
    if errors:
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise StatementRefused(" ".join(errors[:10]) + more)
    if not result.entries:
        raise StatementRefused("The file has a header but no entries.")
    if len(accounts) > 1:
        raise StatementRefused("A statement file must be of one account (the account column).")
    result.account = accounts.pop() if accounts else ""
    return result


def _csv_entry(values: dict[str, str]) -> StatementEntry:
    amount = csv_amount(values["amount"])
    if not amount:
        raise ValueError("the amount is zero")
    currency = values["currency"].upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"{values['currency']!r} is not a currency code")
    amount_check(amount, currency)
    if not values["id"]:
        raise ValueError("no id (the bank's id of the entry)")
    value_date = values.get("value_date", "")
    return StatementEntry(
        bank_id=values["id"][:128],
        amount=amount,
        currency=currency,
        booked_on=csv_date(values["date"]),
        value_on=csv_date(value_date) if value_date else None,
        reference=values.get("reference", "")[:140],
        remittance=values.get("message", ""),
        payer_name=values.get("payer_name", "")[:200],
        payer_account=values.get("payer_account", "")[:64],
    )
