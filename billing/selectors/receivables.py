"""Reads of what clients owe: an invoice's open amount and status, payments not yet
allocated, the agency's receivables by age (docs/billing.md, "Invoice status",
"Receivables").

An invoice's open amount is what is due (`Invoice.amount_due`) less what payments settled
(its allocations); a credited invoice (it has a credit note) owes nothing, and what was
paid on it goes back to its payments as the client's credit: a payment's *unallocated*
amount is its amount less its allocations to invoices that are not credited. Lists are
annotated in one query (no query per row).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from billing.models import Invoice, Payment, PaymentAllocation
from tenants.models import Client

ZERO = Decimal(0)
_MONEY = DecimalField(max_digits=14, decimal_places=2)


class InvoiceStatus(StrEnum):
    """An invoice's status (the portal's template words it: portal/_invoice_status.html)."""

    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"


def _sum_of(queryset: QuerySet[Any]) -> Coalesce:
    total = queryset.order_by().values(group=Value(1)).annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


# Annotated querysets are typed QuerySet[Any]: the stubs know no annotation by name.
def invoices_with_open_amounts(queryset: QuerySet[Invoice] | None = None) -> QuerySet[Any]:
    """Invoices annotated with `paid` (allocated to them), `credited` (a credit note
    cancels them), `open_amount` (what is still due; 0 when credited) and `due_date` (None
    for an invoice issued before payment terms: such an invoice is not followed up)."""
    queryset = queryset if queryset is not None else Invoice.objects.all()
    due = Coalesce(F("total_with_vat"), F("total"), output_field=_MONEY)
    return queryset.annotate(
        paid=_sum_of(PaymentAllocation.objects.filter(invoice=OuterRef("pk"))),
        credited=Exists(Invoice.objects.filter(corrects=OuterRef("pk"))),
        open_amount=Case(
            When(Q(credited=True) | Q(kind=Invoice.Kind.CREDIT_NOTE), then=Value(ZERO)),
            default=Greatest(ExpressionWrapper(due - F("paid"), output_field=_MONEY), Value(ZERO)),
            output_field=_MONEY,
        ),
        due_date=F("due_on"),
    )


def _annotated(invoice: Invoice) -> Any:
    if hasattr(invoice, "open_amount"):
        return invoice
    return invoices_with_open_amounts(Invoice.objects.filter(pk=invoice.pk)).get()


def invoice_open_amount(invoice: Invoice) -> Decimal:
    """What is still due on the invoice (0 when paid, credited, or a credit note)."""
    amount: Decimal = _annotated(invoice).open_amount
    return amount


def invoice_due_date(invoice: Invoice) -> date | None:
    """The invoice's due date (None: issued before payment terms)."""
    due: date | None = _annotated(invoice).due_date
    return due


def status_of(
    *,
    kind: str,
    credited: bool,
    open_amount: Decimal,
    paid: Decimal,
    due: date | None,
    today: date,
) -> str:
    """The status from the figures; '' for a credit note, and for an invoice issued before
    payment terms that nothing settled (payments were not recorded then: it may well be
    paid, so it is never called open or overdue)."""
    if kind == Invoice.Kind.CREDIT_NOTE:
        return ""
    if credited:
        return InvoiceStatus.CREDITED
    if open_amount <= 0:
        return InvoiceStatus.PAID
    if due is None:
        return ""
    if today > due:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.PARTLY_PAID if paid > 0 else InvoiceStatus.OPEN


def invoice_status(invoice: Invoice, today: date) -> str:
    """open, partly_paid, paid, overdue (open after its due date) or credited; '' for a
    credit note or an untracked invoice (status_of). `today`: the client's local date."""
    row = _annotated(invoice)
    return status_of(
        kind=row.kind,
        credited=row.credited,
        open_amount=row.open_amount,
        paid=row.paid,
        due=row.due_date,
        today=today,
    )


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    status: str
    paid: Decimal
    open_amount: Decimal
    due_date: date | None


def invoice_rows_of_client(*, client: Client, today: date) -> list[InvoiceRow]:
    """The client's invoices and credit notes, newest first, with status and open amount
    (one query)."""
    rows = invoices_with_open_amounts(Invoice.objects.filter(client=client))
    return [_row(invoice, today) for invoice in rows]


def _row(invoice: Invoice, today: date) -> InvoiceRow:
    values = invoice.__dict__
    return InvoiceRow(
        invoice=invoice,
        status=status_of(
            kind=invoice.kind,
            credited=values["credited"],
            open_amount=values["open_amount"],
            paid=values["paid"],
            due=values["due_date"],
            today=today,
        ),
        paid=values["paid"],
        open_amount=values["open_amount"],
        due_date=values["due_date"],
    )


@dataclass(frozen=True)
class OpenTotal:
    currency: str
    open: Decimal
    overdue: Decimal


def open_totals(rows: list[InvoiceRow]) -> list[OpenTotal]:
    """Per currency: what is open, and of it what is overdue."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    followed = (InvoiceStatus.OPEN, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)
    for row in rows:
        if row.status in followed:
            totals[row.invoice.currency][0] += row.open_amount
            if row.status == InvoiceStatus.OVERDUE:
                totals[row.invoice.currency][1] += row.open_amount
    return [OpenTotal(c, o, d) for c, (o, d) in sorted(totals.items())]


def payments_with_unallocated(queryset: QuerySet[Payment] | None = None) -> QuerySet[Any]:
    """Payments annotated with `allocated` (to invoices not credited) and `unallocated`."""
    queryset = queryset if queryset is not None else Payment.objects.all()
    live = PaymentAllocation.objects.filter(payment=OuterRef("pk")).exclude(
        Exists(Invoice.objects.filter(corrects=OuterRef("invoice")))
    )
    return queryset.annotate(allocated=_sum_of(live)).annotate(
        unallocated=ExpressionWrapper(F("amount") - F("allocated"), output_field=_MONEY)
    )


def payment_unallocated(payment: Payment) -> Decimal:
    """What of the payment is not allocated to an invoice in force (the client's credit)."""
    row = payments_with_unallocated(Payment.objects.filter(pk=payment.pk)).get()
    unallocated: Decimal = row.unallocated
    return unallocated


def payments_unmatched() -> QuerySet[Any]:
    """Money received with something left to allocate, oldest first: for a person."""
    return (
        payments_with_unallocated(Payment.objects.filter(amount__gt=0))
        .filter(unallocated__gt=0)
        .select_related("client")
        .order_by("received_on", "id")
    )


def payments_of_invoice(*, invoice: Invoice) -> QuerySet[PaymentAllocation]:
    """The allocations that settled the invoice, with their payments."""
    return invoice.allocations.select_related("payment").order_by("payment__received_on", "id")


def client_credit(*, client: Client) -> dict[str, Decimal]:
    """Per currency: the client's money not allocated to an invoice in force."""
    rows = payments_with_unallocated(Payment.objects.filter(client=client, amount__gt=0))
    credit: dict[str, Decimal] = defaultdict(Decimal)
    for payment in rows:
        if payment.unallocated > 0:
            credit[payment.currency] += payment.unallocated
    return dict(credit)


# --- receivables by age ----------------------------------------------------------------------

AGE_BUCKETS = ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")


@dataclass
class AgingRow:
    currency: str
    client: Client | None  # None: the currency's total
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AGE_BUCKETS, ZERO))
    total: Decimal = ZERO
    overdue: Decimal = ZERO


def _bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "d0_30"
    if days_past_due <= 60:
        return "d31_60"
    if days_past_due <= 90:
        return "d61_90"
    return "d90_plus"


def receivables_by_age(*, today: date) -> list[AgingRow]:
    """Open amounts per currency and client by days past due (not yet due, 1-30, 31-60,
    61-90, over 90), each currency followed by its total row; one query grouped in SQL."""
    open_invoices = invoices_with_open_amounts(
        Invoice.objects.filter(kind=Invoice.Kind.INVOICE, due_on__isnull=False)
    ).filter(open_amount__gt=0)
    # date - date in PostgreSQL is whole days (Django's own subtraction makes an interval).
    past_due = Func(
        Value(today, output_field=DateField()),
        F("due_date"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=models.IntegerField(),
    )
    grouped = (
        open_invoices.annotate(days=past_due)
        .annotate(
            bucket=Case(
                When(days__lte=0, then=Value("not_due")),
                When(days__lte=30, then=Value("d0_30")),
                When(days__lte=60, then=Value("d31_60")),
                When(days__lte=90, then=Value("d61_90")),
                default=Value("d90_plus"),
            )
        )
        .order_by()
        .values("currency", "client_id", "bucket")
        .annotate(amount=Sum("open_amount"))
    )
    rows: dict[tuple[str, int], AgingRow] = {}
    clients: dict[int, None] = {}
    for group in grouped:
        key = (group["currency"], group["client_id"])
        rows.setdefault(key, AgingRow(currency=group["currency"], client=None))
        rows[key].buckets[group["bucket"]] += group["amount"]
        clients[group["client_id"]] = None
    names = Client.objects.in_bulk(list(clients))
    result: list[AgingRow] = []
    for currency in sorted({key[0] for key in rows}):
        total = AgingRow(currency=currency, client=None)
        members = [(names[cid], row) for (c, cid), row in rows.items() if c == currency]
        for client, row in sorted(members, key=lambda pair: pair[0].name.lower()):
            row.client = client
            row.total = sum(row.buckets.values(), ZERO)
            row.overdue = row.total - row.buckets["not_due"]
            for bucket, amount in row.buckets.items():
                total.buckets[bucket] += amount
            result.append(row)
        total.total = sum(total.buckets.values(), ZERO)
        total.overdue = total.total - total.buckets["not_due"]
        result.append(total)
    return result


def days_past_due(*, due: date, today: date) -> int:
    return (today - due).days


def age_bucket(*, due: date, today: date) -> str:
    """The aging bucket of an invoice due on `due` (the plain statement of the SQL's)."""
    return _bucket(days_past_due(due=due, today=today))
