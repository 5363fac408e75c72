"""Payment QR codes printed on an invoice, so that a banking app fills in the transfer: plain
Python, no Django.

* **QR Platba** (SPAYD, "Short Payment Descriptor" 1.0, the Czech Banking Association's
  standard, qr-platba.cz): ``SPD*1.0*ACC:<IBAN>+<BIC>*AM:480.50*CC:CZK*X-VS:...*DT:...*MSG:...``.
  Every Czech banking app reads it, in CZK and in EUR.
* **EPC QR** (the European Payments Council's EPC069-12, version 002, a SEPA credit
  transfer): twelve lines ``BCD/002/1/SCT/BIC/name/IBAN/EUR12.30/purpose/RF reference/text/
  information``, at most 331 bytes; euros only, read by banking apps across the SEPA area.

Which one an invoice gets: ``payment_qr_for``. Currencies without a standard (HUF, PLN,
RON...) get none: the invoice prints the bank details alone.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum import iso11649

SPAYD, EPC = "spayd", "epc"
# SPAYD's limits (qr-platba.cz, "Specifikace formátu"): ACC 46 (IBAN+BIC), AM 10, MSG 60,
# RN 35, X-VS 10 digits.
SPAYD_MAX = {"AM": 10, "MSG": 60, "RN": 35, "X-VS": 10}
# EPC069-12 v2: name 70, structured reference 35, text 140, information 70; 331 bytes.
EPC_NAME_MAX, EPC_REFERENCE_MAX, EPC_TEXT_MAX, EPC_PAYLOAD_MAX = 70, 35, 140, 331
EPC_AMOUNT_MAX = Decimal("999999999.99")
_NOT_SPAYD_TEXT = re.compile(r"[^A-Z0-9 $%*+\-./:]")


class PaymentQrError(ValueError):
    """The payment cannot be put in the standard's code (a value too long, an amount out of
    its range)."""


@dataclass(frozen=True, kw_only=True)
class PaymentRequest:
    """What the payer's bank needs: where, how much, by when, with which reference."""

    iban: str
    bic: str
    name: str  # the beneficiary (the agency)
    amount: Decimal
    currency: str
    reference: str = ""  # a variable symbol (digits) or an ISO 11649 RF creditor reference
    due_on: date | None = None
    message: str = ""  # e.g. "Invoice 2026-000123"


@dataclass(frozen=True, kw_only=True)
class PaymentQr:
    """A payment QR code's standard and its text (what the code holds)."""

    kind: str  # SPAYD or EPC
    payload: str


def payment_qr_for(request: PaymentRequest, *, payer_country: str = "") -> PaymentQr | None:
    """The code a payer can scan: QR Platba for CZK, and for EUR paid from the Czech Republic
    into a Czech account (the code Czech banking apps read); EPC QR for other EUR payments;
    none for a currency without a standard, an amount not above zero, or no IBAN."""
    if request.amount <= 0 or not request.iban:
        return None
    czech_account = request.iban.upper().startswith("CZ")
    if request.currency == "CZK" or (
        request.currency == "EUR" and czech_account and payer_country.upper() == "CZ"
    ):
        return PaymentQr(kind=SPAYD, payload=spayd(request))
    if request.currency == "EUR":
        return PaymentQr(kind=EPC, payload=epc(request))
    return None


def variable_symbol(reference: str) -> str:
    """The reference as a Czech variable symbol (1 to 10 digits), or "" if it is not one."""
    return reference if reference.isdigit() and len(reference) <= SPAYD_MAX["X-VS"] else ""


def is_creditor_reference(reference: str) -> bool:
    """Whether the reference is an ISO 11649 RF creditor reference (its check digits hold)."""
    return reference.upper().startswith("RF") and iso11649.is_valid(reference)


def spayd_text(value: str, limit: int) -> str:
    """A SPAYD value: without diacritics and in capitals (the QR code's compact alphanumeric
    mode holds them; banks print the message in capitals anyway), "*" (the separator) and
    "%" percent-encoded as the standard asks, other characters made spaces, and cut to the
    field's limit without splitting an escape."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().upper()
    plain = re.sub(r" +", " ", _NOT_SPAYD_TEXT.sub(" ", plain)).strip()
    out = ""
    for char in plain:
        escaped = {"%": "%25", "*": "%2A"}.get(char, char)
        if len(out) + len(escaped) > limit:
            break
        out += escaped
    return out.rstrip()


def spayd(request: PaymentRequest) -> str:
    """The payment as a QR Platba (SPAYD 1.0) string."""
    amount = _amount(request.amount, limit=Decimal("9999999.99"))
    fields = [("ACC", request.iban + (f"+{request.bic}" if request.bic else ""))]
    fields.append(("AM", amount))
    fields.append(("CC", request.currency))
    symbol = variable_symbol(request.reference)
    if symbol:
        fields.append(("X-VS", symbol))
    if request.due_on is not None:
        fields.append(("DT", f"{request.due_on:%Y%m%d}"))
    message = request.message
    if request.reference and not symbol:  # an RF reference: say it in the message
        message = f"{request.reference} {message}"
    # Texts in letters SPAYD cannot carry may come out empty: an empty field is left out.
    if msg := spayd_text(message, SPAYD_MAX["MSG"]).strip():
        fields.append(("MSG", msg))
    if rn := spayd_text(request.name, SPAYD_MAX["RN"]).strip():
        fields.append(("RN", rn))
    return "*".join(["SPD", "1.0", *(f"{key}:{value}" for key, value in fields)])


def epc(request: PaymentRequest) -> str:
    """The payment as an EPC QR code's text (EPC069-12 version 002, UTF-8)."""
    if request.currency != "EUR":
        raise PaymentQrError(f"EPC QR codes are for euros only, not {request.currency}")
    name = " ".join(request.name.split())
    if not name or len(name) > EPC_NAME_MAX:
        raise PaymentQrError(f"the beneficiary's name must have 1 to {EPC_NAME_MAX} characters")
    amount = _amount(request.amount, limit=EPC_AMOUNT_MAX)
    # Either a structured RF reference or a text, never both (EPC069-12, AT-05).
    reference = request.reference.upper() if is_creditor_reference(request.reference) else ""
    text = "" if reference else " ".join(f"{request.reference} {request.message}".split())
    lines = [
        "BCD",
        "002",
        "1",  # UTF-8
        "SCT",
        request.bic,
        name,
        request.iban,
        f"EUR{amount}",
        "",  # purpose
        reference,
        text[:EPC_TEXT_MAX],
        "",  # beneficiary to originator information
    ]
    payload = "\n".join(lines).rstrip("\n")  # trailing empty elements may be left out
    # 331 bytes in all: a long name and text in letters of two bytes (ő, ž) can pass it,
    # so the free text (the one optional part) is shortened, never the payment's data.
    while len(payload.encode()) > EPC_PAYLOAD_MAX and lines[10]:
        lines[10] = lines[10][:-1].rstrip()
        payload = "\n".join(lines).rstrip("\n")
    if len(payload.encode()) > EPC_PAYLOAD_MAX:
        raise PaymentQrError(f"an EPC QR code holds at most {EPC_PAYLOAD_MAX} bytes")
    return payload


def _amount(amount: Decimal, *, limit: Decimal) -> str:
    if not Decimal("0.01") <= amount <= limit:
        raise PaymentQrError(f"the amount {amount} is outside 0.01 to {limit}")
    # Amounts are stored to the cent (billing.money): printed, never rounded here.
    if amount != amount.quantize(Decimal("0.01")):
        raise PaymentQrError(f"the amount {amount} has more than two decimals")
    return f"{amount:.2f}"
