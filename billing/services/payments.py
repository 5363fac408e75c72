"""Writes of payments: recorded by hand, imported from bank statements, matched to invoices
and allocated (docs/billing.md, "Payments and bank statements").

Locks, always in this order: the invoices (by id), then the payments. A statement file is
imported once (its SHA-256, unique) and a bank entry once (its account and bank id,
unique): both are INSERT … ON CONFLICT DO NOTHING, so two imports at once wait for each
other and the second imports nothing twice. Debits (money going out) are not imported:
the agency's account pays salaries and suppliers too, and a refund to a client is
recorded by hand; they are counted in the import's result.
"""

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from billing.bank_statements import (
    CENT,
    LARGEST,
    StatementEntry,
    StatementRefused,
    statement_parse,
)
from billing.models import BankStatement, Invoice, Payment, PaymentAllocation
from billing.money import minor_unit, money_round, money_text
from billing.selectors.receivables import invoices_with_open_amounts, payments_with_unallocated
from tenants.models import Client

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


# How a payment found its invoice: its reference (variable symbol, RF), the invoice's number
# in the payer's text, or (no reference) the client's one open invoice of exactly that amount.
MatchedBy = PaymentAllocation.MatchedBy


# --- references ------------------------------------------------------------------------------

_RF = re.compile(r"RF\d{2}[0-9A-Z]{1,21}")
_INVOICE_NUMBER = re.compile(r"\b\d{4}-\d{6}\b")
_DIGITS = re.compile(r"\d+")


def reference_key(reference: str) -> str:
    """A reference as it is compared: no spaces, upper case, a number without its leading
    zeros (a bank pads a variable symbol to 10 digits)."""
    compact = re.sub(r"\s", "", reference).upper()
    return compact.lstrip("0") or compact if compact.isdigit() else compact


def reference_keys(*, reference: str, text: str) -> list[str]:
    """The keys a payment may name its invoice by: its structured reference first, then
    what in it and in its text looks like a variable symbol, an RF reference or an invoice
    number (an EndToEndId '/VS2026000123/SS/KS0308' or 'VS: 2026000123' names it too)."""
    keys = [reference_key(reference)] if reference.strip() else []
    text = f"{reference} {text}"
    upper = text.upper()
    compact = re.sub(r"\s", "", upper)
    for match in _RF.finditer(compact):  # RF18 5390 0754 7034: printed in groups
        keys.extend(match.group()[:n] for n in range(len(match.group()), 5, -1))
    keys.extend(_RF.findall(upper))
    keys.extend(_INVOICE_NUMBER.findall(text))
    # A variable symbol has at most 10 digits; banks pad it with zeros (to 10 or more).
    numbers = (digits.lstrip("0") for digits in _DIGITS.findall(text))
    keys.extend(number for number in numbers if 0 < len(number) <= 10)
    return list(dict.fromkeys(k for k in keys if k))


# --- matching --------------------------------------------------------------------------------


@dataclass
class MatchRun:
    matched: list[Payment] = field(default_factory=list)  # allocated, in full or in part
    unmatched: list[Payment] = field(default_factory=list)  # left for a person


# IN (SELECT unnest(...)): a hashed set, one pass over the invoices however many keys. A
# credited invoice is found too (nothing open on it): its payment is its client's credit.
_OPEN_INVOICE_KEYS = """
SELECT i.id, i.client_id, i.currency, i.number,
       ltrim(upper(regexp_replace(i.payment_reference, '\\s', '', 'g')), '0') AS ref
FROM billing_invoice i
WHERE i.kind = 'invoice' AND i.currency = ANY(%(currencies)s)
  AND (i.number IN (SELECT unnest(%(keys)s::text[]))
       OR ltrim(upper(regexp_replace(i.payment_reference, '\\s', '', 'g')), '0')
          IN (SELECT unnest(%(keys)s::text[]))
       OR i.client_id IN (SELECT unnest(%(clients)s::bigint[])))
"""


def _known_payers(accounts: set[str]) -> dict[str, int]:
    """Payer accounts that paid one client before (and only one): account -> client id."""
    if not accounts:
        return {}
    seen: dict[str, set[int]] = defaultdict(set)
    rows = (
        Payment.objects.filter(payer_account__in=accounts, client__isnull=False)
        .values_list("payer_account", "client_id")
        .distinct()
    )
    for account, client_id in rows:
        seen[account].add(client_id)
    return {account: ids.pop() for account, ids in seen.items() if len(ids) == 1}


def payments_match(*, payments: Sequence[Payment], actor: User | None = None) -> MatchRun:
    """Allocate each payment to the invoice it names (payment reference, or the invoice
    number in its text), up to what is open; the rest stays on the payment as the client's
    credit. A payment naming none, from a payer account known to be one client's, settles
    that client's one open invoice of exactly its amount. Runs in the caller's transaction."""
    run = MatchRun()
    if not payments:
        return run
    keys = {p.pk: reference_keys(reference=p.reference, text=p.remittance) for p in payments}
    payers = _known_payers({p.payer_account for p in payments if p.payer_account})
    client_of = {p.pk: p.client_id or payers.get(p.payer_account) for p in payments}
    params: dict[str, Any] = {
        "currencies": sorted({p.currency for p in payments}),
        "keys": sorted({k for ks in keys.values() for k in ks}),
        "clients": sorted({c for c in client_of.values() if c}),
    }
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_INVOICE_KEYS, params)
        found = cursor.fetchall()
    ids = sorted({row[0] for row in found})
    # Lock the candidate invoices in id order, then read what is open on them.
    list(
        Invoice.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    open_amounts = dict(
        invoices_with_open_amounts(Invoice.objects.filter(pk__in=ids)).values_list(
            "pk", "open_amount"
        )
    )
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_client: dict[tuple[int, str], list[int]] = defaultdict(list)
    client_of_invoice: dict[int, int] = {}
    for invoice_id, client_id, currency, number, ref in found:
        client_of_invoice[invoice_id] = client_id
        by_key[(currency, number)].append(invoice_id)
        if ref:
            by_key[(currency, ref)].append(invoice_id)
        by_client[(client_id, currency)].append(invoice_id)
    allocations: list[PaymentAllocation] = []
    touched: list[Payment] = []  # given their client now, with an allocation
    for payment in payments:
        named = [
            (
                invoice_id,
                MatchedBy.NUMBER if _INVOICE_NUMBER.fullmatch(key) else MatchedBy.REFERENCE,
            )
            for key in keys[payment.pk]
            for invoice_id in by_key.get((payment.currency, key), [])
        ]
        known = client_of[payment.pk]
        if not named and known:
            exact = [
                i
                for i in by_client.get((known, payment.currency), [])
                if open_amounts.get(i) == payment.amount
            ]
            named = [(exact[0], MatchedBy.AMOUNT)] if len(exact) == 1 else []
        left = payment.amount
        for invoice_id, how in dict.fromkeys(named):
            share = min(left, open_amounts.get(invoice_id, ZERO))
            # A guessed client (a paid invoice named, a known payer account) is never
            # saved alone: it would lock the payment away from the client it really is.
            if share <= 0 or payment.client_id not in (None, client_of_invoice[invoice_id]):
                continue
            if payment.client_id is None:
                payment.client_id = client_of_invoice[invoice_id]
                touched.append(payment)
            allocations.append(
                PaymentAllocation(
                    payment=payment,
                    invoice_id=invoice_id,
                    amount=share,
                    matched_by=how,
                    allocated_by=actor,
                )
            )
            open_amounts[invoice_id] -= share
            left -= share
            break  # one invoice per payment: the first it names that is still open
        (run.matched if left < payment.amount else run.unmatched).append(payment)
    PaymentAllocation.objects.bulk_create(allocations)
    if touched:  # one statement (bulk_update's CASE per row is slow for thousands)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE billing_payment p SET client_id = v.client_id "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, client_id) WHERE p.id = v.id",
                [[p.pk for p in touched], [p.client_id for p in touched]],
            )
    return run


# --- by hand ---------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str, what: str) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError({what: "Must be a finite decimal amount."})
    if amount != money_round(amount, currency) or amount != amount.quantize(CENT):
        # Payment stores 2 decimals: a BHD amount of 3 is refused, never rounded.
        precision = max(minor_unit(currency), CENT)
        raise ValidationError({what: f"At most {precision} {currency} precision."})
    if abs(amount) >= LARGEST:
        raise ValidationError({what: "Too large."})
    return amount


@transaction.atomic
def payment_record(
    *,
    client: Client,
    amount: Decimal,
    currency: str,
    received_on: date,
    reference: str = "",
    note: str = "",
    actor: User | None = None,
) -> tuple[Payment, MatchRun]:
    """Money received from a client, entered by hand (a cheque, cash, a bank we do not
    import): recorded, audited and matched like a bank entry."""
    currency = currency.upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError({"currency": "An ISO 4217 code, e.g. EUR."})
    amount = _money(amount, currency, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "Money received is more than zero."})
    if received_on > timezone.localdate():  # the agency's date (settings.TIME_ZONE)
        raise ValidationError({"received_on": "A payment is not received in the future."})
    payment = Payment.objects.create(
        client=client,
        currency=currency,
        amount=amount,
        received_on=received_on,
        reference=reference.strip()[:140],
        note=note.strip()[:255],
        source=Payment.Source.MANUAL,
        recorded_by=actor,
    )
    run = payments_match(payments=[payment], actor=actor)
    audit_record(
        action=AuditEvent.Action.PAYMENT_RECORDED,
        actor=actor,
        client=client,
        object_type="payment",
        object_id=payment.pk,
        label=money_text(amount, currency),
        details={"received_on": received_on, "reference": payment.reference, "note": payment.note},
    )
    return payment, run


def _lock(*, invoice: Invoice, payment: Payment) -> tuple[Invoice, Payment, Decimal, Decimal]:
    """Lock the invoice, then the payment; (invoice, payment, open, unallocated) as now."""
    Invoice.objects.select_for_update(no_key=True).filter(pk=invoice.pk).values_list("pk")[0]
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    row = invoices_with_open_amounts(Invoice.objects.filter(pk=invoice.pk)).get()
    unallocated = payments_with_unallocated(Payment.objects.filter(pk=payment.pk)).get()
    return row, payment, row.open_amount, unallocated.unallocated


@transaction.atomic
def payment_allocate(
    *, payment: Payment, invoice: Invoice, amount: Decimal, actor: User | None = None
) -> PaymentAllocation:
    """Allocate part of a payment to an invoice by hand (an agency admin): never more than
    the payment has left, nor more than the invoice has open. Audited."""
    invoice, payment, open_amount, unallocated = _lock(invoice=invoice, payment=payment)
    amount = _money(amount, invoice.currency, "amount")
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError({"invoice": "Payments settle invoices, not credit notes."})
    if payment.currency != invoice.currency:
        raise ValidationError(
            {"invoice": f"The payment is in {payment.currency}, the invoice in {invoice.currency}."}
        )
    if (
        payment.client_id
        and payment.client_id != invoice.client_id
        and unallocated < payment.amount
    ):
        raise ValidationError({"invoice": "The payment is another client's."})
    if amount <= 0:
        raise ValidationError({"amount": "Allocate more than zero."})
    if amount > unallocated:
        raise ValidationError(
            {"amount": f"The payment has {money_text(unallocated, payment.currency)} left."}
        )
    if amount > open_amount:
        raise ValidationError(
            {"amount": f"The invoice has {money_text(open_amount, invoice.currency)} open."}
        )
    if payment.client_id != invoice.client_id:
        # No allocation in force: the client it was given was a guess (or a mistake);
        # the invoice it now settles says whose it is.
        payment.client_id = invoice.client_id
        payment.save(update_fields=["client"])
    allocation, created = PaymentAllocation.objects.get_or_create(
        payment=payment,
        invoice=invoice,
        defaults={"amount": amount, "matched_by": MatchedBy.MANUAL, "allocated_by": actor},
    )
    if not created:
        allocation.amount += amount
        allocation.allocated_by, allocation.allocated_at = actor, timezone.now()
        allocation.save(update_fields=["amount", "allocated_by", "allocated_at"])
    audit_record(
        action=AuditEvent.Action.PAYMENT_ALLOCATED,
        actor=actor,
        client=invoice.client,
        object_type="payment",
        object_id=payment.pk,
        label=f"{money_text(amount, invoice.currency)} -> {invoice.number}",
        details={"invoice": invoice.number, "amount": amount},
    )
    return allocation


@transaction.atomic
def payment_unallocate(*, allocation: PaymentAllocation, actor: User | None = None) -> None:
    """Take an allocation back (matched to the wrong invoice): the money is unallocated
    again and the invoice open again. Audited."""
    invoice, payment, _open, _left = _lock(invoice=allocation.invoice, payment=allocation.payment)
    deleted, _ = PaymentAllocation.objects.filter(pk=allocation.pk).delete()
    if not deleted:
        return  # taken back already (a second click)
    audit_record(
        action=AuditEvent.Action.PAYMENT_UNALLOCATED,
        actor=actor,
        client=invoice.client,
        object_type="payment",
        object_id=payment.pk,
        label=f"{money_text(allocation.amount, invoice.currency)} <- {invoice.number}",
        details={"invoice": invoice.number, "amount": allocation.amount},
    )


# --- bank statements -------------------------------------------------------------------------


@dataclass
class StatementImport:
    statement: BankStatement
    already_imported: bool = False  # the same file (SHA-256) was imported before: nothing now
    new: list[Payment] = field(default_factory=list)
    present: int = 0  # entries imported before from another (overlapping) statement
    debits: int = 0  # money out: not imported
    skipped: list[str] = field(default_factory=list)  # e.g. entries not booked yet
    matched: list[Payment] = field(default_factory=list)
    unmatched: list[Payment] = field(default_factory=list)


_PAYMENT_COLUMNS = [
    "currency",
    "amount",
    "received_on",
    "reference",
    "payer_name",
    "payer_account",
    "remittance",
    "source",
    "statement_id",
    "bank_entry_id",
    "account",
    "recorded_at",
    "recorded_by_id",
    "note",
]
_CHUNK = 1000


def _insert_payments(
    *, statement: BankStatement, entries: list[StatementEntry], user: User | None
) -> list[int]:
    """Insert the entries' payments, each bank entry once: the ids inserted now."""
    now = timezone.now()
    columns = ", ".join(_PAYMENT_COLUMNS)
    inserted: list[int] = []
    for start in range(0, len(entries), _CHUNK):
        chunk = entries[start : start + _CHUNK]
        params: list[Any] = []
        for entry in chunk:
            params.extend(
                [
                    entry.currency,
                    entry.amount,
                    entry.booked_on,
                    entry.reference[:140],
                    entry.payer_name[:200],
                    entry.payer_account[:64],
                    entry.remittance,
                    statement.format,
                    statement.pk,
                    entry.bank_id[:128],
                    statement.account,
                    now,
                    user.pk if user else None,
                    "",
                ]
            )
        row = "(" + ", ".join(["%s"] * len(_PAYMENT_COLUMNS)) + ")"
        sql = (
            f"INSERT INTO billing_payment ({columns}) VALUES {', '.join([row] * len(chunk))} "  # noqa: S608
            "ON CONFLICT (account, bank_entry_id) WHERE NOT (bank_entry_id = '') DO NOTHING "
            "RETURNING id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted.extend(r[0] for r in cursor.fetchall())
    return inserted


@transaction.atomic
def bank_statement_import(
    *, data: bytes, filename: str, user: User | None, account: str = ""
) -> StatementImport:
    """Import a CAMT.053 or CSV statement: its credits become payments (each bank entry
    once), matched to invoices. The same file again imports nothing and says so; a file
    with a fault raises StatementRefused and imports nothing. `account`: the agency's
    account the file is of, required when the file does not name it (a CSV without an
    account column)."""
    digest = hashlib.sha256(data).hexdigest()
    known = BankStatement.objects.filter(sha256=digest).first()
    if known is not None:  # the common repeat, answered without reading the file again
        return StatementImport(known, already_imported=True)
    parsed = statement_parse(data)
    account = re.sub(r"\s", "", account).upper()
    if account and parsed.account and re.sub(r"\s", "", parsed.account).upper() != account:
        raise StatementRefused(f"The file is of account {parsed.account}, not {account}.")
    # A bank id is unique within its account only: entries stored under no account would
    # collide with (and be lost against) any other bank's export.
    parsed.account = parsed.account or account
    if not parsed.account:
        raise StatementRefused("The file does not name its account: name the agency's account.")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_bankstatement (format, filename, sha256, account, statement_id,"
            " imported_at, imported_by_id, entries) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (sha256) DO NOTHING RETURNING id",
            [
                parsed.format,
                filename[:255],
                digest,
                parsed.account[:64],
                parsed.statement_id[:64],
                timezone.now(),
                user.pk if user else None,
                len(parsed.entries),
            ],
        )
        row = cursor.fetchone()
    if row is None:  # imported before (or by a concurrent import, now committed)
        return StatementImport(BankStatement.objects.get(sha256=digest), already_imported=True)
    statement = BankStatement.objects.get(pk=row[0])
    # Inserted in bank id order: two overlapping imports take the unique index's locks in
    # the same order, so they wait for each other instead of deadlocking.
    credits = sorted((e for e in parsed.entries if e.is_credit), key=lambda e: e.bank_id)
    result = StatementImport(statement, debits=len(parsed.entries) - len(credits))
    result.skipped = parsed.skipped
    ids = _insert_payments(statement=statement, entries=credits, user=user)
    result.present = len(credits) - len(ids)
    result.new = list(Payment.objects.filter(pk__in=ids).order_by("pk"))
    run = payments_match(payments=result.new, actor=user)
    result.matched, result.unmatched = run.matched, run.unmatched
    audit_record(
        action=AuditEvent.Action.BANK_STATEMENT_IMPORTED,
        actor=user,
        object_type="bank_statement",
        object_id=statement.pk,
        label=(filename or digest[:12])[:200],
        details={
            "new": len(result.new),
            "present": result.present,
            "debits": result.debits,
            "matched": len(result.matched),
            "unmatched": len(result.unmatched),
        },
    )
    logger.info(
        "bank statement %s: %d new payments (%d matched), %d present, %d debits",
        filename,
        len(result.new),
        len(result.matched),
        result.present,
        result.debits,
    )
    return result
