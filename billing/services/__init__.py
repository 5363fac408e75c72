"""Writes of billing: price plan versions, the usage ledger, invoices and credit notes,
exchange rates."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from billing.exchange_rates import SOURCE_ECB, cross_rate, ecb_xml_download, ecb_xml_parse
from billing.models import (
    BillingMail,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceVatTotal,
    PricePlan,
    UsageEntry,
    VatCheck,
)
from billing.money import ZERO, money_text
from billing.rating import RatingError
from billing.selectors import (
    ClientRating,
    client_buyer,
    exchange_rate_pairs_needed,
    invoice_in_force,
    invoice_issuer,
    ledger_rows_after_invoice,
    rating_for_client_month,
    ratings_for_month,
)
from billing.selectors.vat import supplier_country, vat_decision_for_client
from billing.services.mail import billing_mail_queue
from billing.services.vies import VatIdRefusedByVies, vat_evidence_for_issue
from billing.vat import (
    REVERSE_CHARGE,
    VatSubtotal,
    VatUndecidable,
    payment_reference,
    vat_subtotals,
)
from core.events import webhook_event_emit
from core.months import month_of, month_span
from hours.selectors import client_calendar
from tenants.models import Client

logger = logging.getLogger(__name__)

Kind = UsageEntry.Kind


# --- price plans ----------------------------------------------------------------------------


@transaction.atomic
def price_plan_create(
    *, client: Client, valid_from: date, actor: User | None = None, **terms: Any
) -> PricePlan:
    """A new version of the client's plan from `valid_from`: the version open at that date
    ends the day before; a version starting later is refused (end it first). Recorded in
    the audit log (``actor``: who; none for the system)."""
    Client.objects.select_for_update(no_key=True).get(pk=client.pk)  # one change at a time
    current = PricePlan.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from),
        client=client,
        valid_from__lt=valid_from,
    ).first()
    if PricePlan.objects.filter(client=client, valid_from__gte=valid_from).exists():
        raise ValidationError({"valid_from": "A plan version already starts on or after it."})
    if current is not None:
        PricePlan.objects.filter(pk=current.pk).update(valid_to=valid_from)
    surcharges = terms.pop("surcharges", [])
    plan = PricePlan(
        client=client,
        valid_from=valid_from,
        currency=terms.pop("currency", client.currency),
        **terms,
    )
    plan.full_clean()
    plan.save()
    for name, languages, percent in surcharges:
        plan.surcharges.create(name=name, languages=list(languages), percent=Decimal(percent))
    price_plan_change_record(plan=plan, change="added", actor=actor)
    return plan


def price_plan_change_record(
    *, plan: PricePlan, change: str, actor: User | None = None, request: HttpRequest | None = None
) -> None:
    """The audit log's record of a plan version added, changed or deleted (the service, the
    agency's admin), inside the change's transaction."""
    audit_record(
        action=AuditEvent.Action.PRICE_PLAN_CHANGED,
        actor=actor,
        request=request,
        client=plan.client,
        object_type="price_plan",
        object_id=plan.pk,
        label=f"{plan.name} {plan.valid_from:%Y-%m-%d}"[:200],
        details={"change": change, "valid_from": plan.valid_from, "valid_to": plan.valid_to},
    )


# --- the usage ledger ------------------------------------------------------------------------

_INSERT_FIELDS = [
    "client_id",
    "kind",
    "quantity",
    "currency",
    "occurred_at",
    "language",
    "agent_id",
    "out_of_hours",
    "channel",
    "source_kind",
    "source_ref",
    "idempotency_key",
    "corrects_id",
    "note",
    "recorded_at",
]


def usage_record(
    *,
    client: Client,
    kind: str,
    quantity: Decimal | int,
    occurred_at: datetime,
    idempotency_key: str,
    source_kind: str,
    source_ref: str,
    language: str = "",
    agent: User | int | None = None,
    out_of_hours: bool = False,
    channel: str = "",
    currency: str = "",
    corrects: UsageEntry | None = None,
    note: str = "",
) -> tuple[UsageEntry, bool]:
    """Write one billable event once: (entry, created). A replay of the same idempotency key
    returns the first entry; the same key for a different event is an error."""
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown usage kind {kind!r}."})
    if not idempotency_key:
        raise ValidationError({"idempotency_key": "Required: it makes a replay harmless."})
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Must be an aware datetime."})
    quantity = Decimal(quantity)
    if not quantity.is_finite():
        raise ValidationError({"quantity": "Must be a finite number."})
    exponent = quantity.as_tuple().exponent
    assert isinstance(exponent, int)  # letters are for NaN and infinities only
    if exponent < -6:  # the column would round it: a replay would differ
        raise ValidationError({"quantity": f"At most 6 decimals, not {quantity}."})
    if kind == Kind.TELEPHONY_COST:
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise ValidationError({"currency": "Telephony cost needs its ISO 4217 currency."})
    elif currency:
        raise ValidationError({"currency": "Only telephony cost carries a currency."})
    if corrects is None and quantity < 0:
        raise ValidationError({"quantity": "A negative quantity corrects an entry (corrects=)."})
    values = {
        "client_id": client.pk,
        "kind": kind,
        "quantity": quantity,
        "currency": currency,
        "occurred_at": occurred_at,
        "language": language,
        "agent_id": getattr(agent, "pk", agent),
        "out_of_hours": out_of_hours,
        "channel": channel,
        "source_kind": source_kind,
        "source_ref": source_ref[:255],
        "idempotency_key": idempotency_key,
        "corrects_id": corrects.pk if corrects else None,
        "note": note[:255],
        "recorded_at": timezone.now(),
    }
    # INSERT … ON CONFLICT DO NOTHING: exactly once, also when two workers race.
    columns = ", ".join(_INSERT_FIELDS)
    placeholders = ", ".join(f"%({name})s" for name in _INSERT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO billing_usageentry ({columns}) VALUES ({placeholders}) "  # noqa: S608
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row:  # written now: the entry is what was inserted (no second read)
        entry = UsageEntry(pk=row[0], **values)
        entry._state.adding, entry._state.db = False, "default"
        return entry, True
    entry = UsageEntry.objects.get(idempotency_key=idempotency_key)
    if (entry.client_id, entry.kind, entry.quantity) != (client.pk, kind, quantity):
        raise ValidationError(
            {
                "idempotency_key": f"{idempotency_key!r} was recorded for another event "
                f"({entry.kind} {entry.quantity} of client {entry.client_id})."
            }
        )
    return entry, False


def usage_correct(
    *, entry: UsageEntry, quantity: Decimal | int, reason: str, idempotency_key: str
) -> tuple[UsageEntry, bool]:
    """A correction: a new entry of the same kind and time with the difference (usually
    negative); the corrected entry never changes."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is corrected."})
    return usage_record(
        client=entry.client,
        kind=entry.kind,
        quantity=quantity,
        occurred_at=entry.occurred_at,
        idempotency_key=idempotency_key,
        source_kind="correction",
        source_ref=str(entry.pk),
        language=entry.language,
        agent=entry.agent_id,
        out_of_hours=entry.out_of_hours,
        channel=entry.channel,
        currency=entry.currency,
        corrects=entry,
        note=reason,
    )


def usage_record_first_reply(
    *, client: Client, conversation: Any, agent: User | int | None, at: datetime
) -> None:
    """The agent's first reply in a conversation bills it once: an e-mail answered or a
    chat/SMS/API conversation handled, out of hours if the client's hours were closed.
    Calls are billed by their minutes, not here. Runs in the caller's transaction."""
    if (
        conversation.first_response_at is not None
        or conversation.channel == "call"
        or conversation.spam  # a reply sent after it was marked spam is not billed
    ):
        return
    calendar = client_calendar(
        client, country=conversation.customer.country, language=conversation.language
    )
    kind = Kind.EMAIL_ANSWERED if conversation.channel == "email" else Kind.CHAT_HANDLED
    usage_record(
        client=client,
        kind=kind,
        quantity=1,
        occurred_at=at,
        idempotency_key=f"conversation:{client.schema_name}:{conversation.pk}",
        source_kind="conversation",
        source_ref=f"{client.schema_name}:{conversation.pk}",
        language=conversation.language,
        agent=agent,
        out_of_hours=not calendar.is_open(at),
        channel=conversation.channel,
    )


@dataclass(frozen=True)
class ConversationBilling:
    """What a conversation's usage became: ``corrected`` when a correction was written;
    ``invoiced``: the month of its usage is already invoiced (that invoice keeps its
    figure: credit it and invoice the month again for the correction to reach the client)."""

    corrected: bool = False
    invoiced: Invoice | None = None


def usage_conversation_rated(
    *, client: Client, conversation_id: int, rated: bool, reason: str
) -> ConversationBilling:
    """Rate a conversation's first-reply usage or not (spam, and undoing it): a correction
    brings the net quantity of its entry to 0 (not rated) or back to the entry's own (rated).
    The entry itself never changes. Nothing for a conversation never billed. The caller holds
    the conversation's lock, so two marks never write two corrections."""
    key = f"conversation:{client.schema_name}:{conversation_id}"
    entry = UsageEntry.objects.filter(idempotency_key=key).first()
    if entry is None:
        return ConversationBilling()
    corrections = list(UsageEntry.objects.filter(corrects=entry).values_list("quantity", flat=True))
    difference = (entry.quantity if rated else 0) - (entry.quantity + sum(corrections))
    invoiced = invoice_in_force(client=client, month=month_of(entry.occurred_at, zone=client.tz))
    if not difference:
        return ConversationBilling(invoiced=invoiced)
    usage_correct(
        entry=entry,
        quantity=difference,
        reason=reason,
        idempotency_key=f"{key}:correction:{len(corrections) + 1}",
    )
    return ConversationBilling(corrected=True, invoiced=invoiced)


# A call's leg and the ledger keys of its minutes and of its cost. "callback": the
# customer's leg of an agent's call back, billed as an inbound call is (docs/billing.md).
CALL_SOURCES = {"call": ("call", "call-cost"), "callback": ("callback", "callback-cost")}


def _call_source(source_kind: str) -> tuple[str, str]:
    if source_kind not in CALL_SOURCES:
        raise ValidationError({"source_kind": f"Not a call: {source_kind!r}."})
    return CALL_SOURCES[source_kind]


def usage_record_call(
    *,
    client: Client,
    call_sid: str,
    talk_seconds: int | None,
    answered_at: datetime | None,
    language: str,
    country: str = "",
    agent: User | int | None = None,
    source_kind: str = "call",
) -> UsageEntry | None:
    """A finished call bills its handled (talk) seconds once, out of hours if the client's
    hours for its country and language were closed when it was answered (by an agent; for a
    call back, by the customer). A call nobody answered bills nothing (the telephony cost of
    an inbound one is still passed through)."""
    if answered_at is None or not talk_seconds:
        return None
    prefix, _cost = _call_source(source_kind)
    calendar = client_calendar(client, country=country, language=language)
    entry, _ = usage_record(
        client=client,
        kind=Kind.CALL_SECONDS,
        quantity=talk_seconds,
        occurred_at=answered_at,
        idempotency_key=f"{prefix}:{client.schema_name}:{call_sid}",
        source_kind=source_kind,
        source_ref=call_sid,
        language=language,
        agent=agent,
        out_of_hours=not calendar.is_open(answered_at),
        channel="call",
    )
    return entry


def usage_record_telephony_cost(
    *,
    client: Client,
    call_sid: str,
    amount: Decimal,
    currency: str,
    occurred_at: datetime,
    language: str = "",
    source_kind: str = "call",
) -> UsageEntry:
    """What the provider charged for a call (Twilio reports it negative: the absolute value
    is recorded), in the provider's currency; converted when rated."""
    _minutes, prefix = _call_source(source_kind)
    entry, _ = usage_record(
        client=client,
        kind=Kind.TELEPHONY_COST,
        quantity=abs(Decimal(amount)),
        occurred_at=occurred_at,
        idempotency_key=f"{prefix}:{client.schema_name}:{call_sid}",
        source_kind=source_kind,
        source_ref=call_sid,
        language=language,
        channel="call",
        currency=currency.upper(),
    )
    return entry


# --- invoices --------------------------------------------------------------------------------


def _next_number(*, year: int) -> tuple[int, str]:
    """The year's next number; the counter row stays locked until the caller commits, so
    numbers have no gaps (a rolled-back invoice gives its number back)."""
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{year}-{counter.last:06d}"


@dataclass(frozen=True, kw_only=True)
class InvoiceVat:
    """The VAT an invoice or credit note records: its treatment, the supplier it was decided
    for, the totals per category and rate, and the VIES evidence a reverse charge relied on.
    An empty treatment: none (a credit note of an invoice issued before VAT)."""

    treatment: str = ""
    supplier_country: str = ""
    supplier_vat_id: str = ""
    totals: tuple[VatSubtotal, ...] = ()
    check: VatCheck | None = None

    @property
    def total(self) -> Decimal:
        return sum((row.vat_amount for row in self.totals), ZERO)


def _issue(
    *,
    client: Client,
    kind: str,
    period: date,
    revision: int,
    total: Decimal,
    lines: list[dict[str, Any]],
    vat: InvoiceVat,
    corrects: Invoice | None = None,
    reason: str = "",
    now: datetime,
) -> Invoice:
    # `client` is the row locked by the caller: the buyer recorded is its identity now, and
    # the document never changes with it again. A credit note names the buyer of the invoice
    # it corrects (the same parties, Art. 219 of Directive 2006/112/EC: a reverse charge
    # credited needs that VAT id), sent to the client's billing address of today.
    buyer = client_buyer(client=client)
    if corrects is not None and corrects.buyer_name:
        buyer = replace(
            buyer,
            name=corrects.buyer_name,
            address=corrects.buyer_address,
            country=corrects.buyer_country,
            registration_id=corrects.buyer_registration_id,
            vat_id=corrects.buyer_vat_id,
        )
    supplier = invoice_issuer(currency=client.currency)
    sequence, number = _next_number(year=now.year)
    is_invoice = kind == Invoice.Kind.INVOICE
    invoice = Invoice.objects.create(
        client=client,
        kind=kind,
        period=period,
        revision=revision,
        number=number,
        year=now.year,
        sequence=sequence,
        currency=client.currency,
        total=total,
        issued_at=now,
        corrects=corrects,
        reason=reason,
        buyer_name=buyer.name,
        buyer_address=buyer.address,
        buyer_country=buyer.country,
        buyer_registration_id=buyer.registration_id,
        buyer_vat_id=buyer.vat_id,
        buyer_email=buyer.email,
        vat_treatment=vat.treatment,
        supplier_country=vat.supplier_country,
        supplier_vat_id=vat.supplier_vat_id,
        supplier_name=supplier.name,
        supplier_address=supplier.address,
        supplier_registration_id=supplier.registration_id,
        supplier_iban=supplier.iban,
        supplier_bic=supplier.bic,
        vat_total=vat.total,
        total_with_vat=total + vat.total if vat.treatment else None,
        # Due on the client's local issue date plus its terms; a credit note is not "due".
        due_on=(
            now.astimezone(client.tz).date() + timedelta(days=client.payment_terms_days)
            if is_invoice
            else None
        ),
        payment_reference=(
            payment_reference(buyer_country=buyer.country, year=now.year, sequence=sequence)
            if is_invoice
            else ""
        ),
        vat_check=vat.check,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=position, **line)
        for position, line in enumerate(lines, start=1)
    )
    InvoiceVatTotal.objects.bulk_create(
        InvoiceVatTotal(
            invoice=invoice,
            category=row.category,
            rate=row.rate,
            taxable_amount=row.taxable_amount,
            vat_amount=row.vat_amount,
        )
        for row in vat.totals
    )
    # The e-mail to the client's accounts address leaves with the invoice or not at all;
    # without an address it is failed at once, with the reason, for an admin to see.
    billing_mail_queue(invoice=invoice, kind=BillingMail.Kind.INVOICE)
    return invoice


def _vat_details(invoice: Invoice) -> dict[str, Any]:
    """What the audit log and the webhook say of an invoice's VAT (amounts as strings)."""
    with_vat = invoice.total_with_vat
    return {
        "vat_treatment": invoice.vat_treatment,
        "vat_total": str(invoice.vat_total),
        "total_with_vat": str(with_vat) if with_vat is not None else None,
        "due_on": invoice.due_on.isoformat() if invoice.due_on else None,
        "payment_reference": invoice.payment_reference,
    }


@dataclass(frozen=True)
class IssueResult:
    invoice: Invoice | None
    created: bool
    reason: str = ""  # why there is no invoice


def _line_row(line: Any, *, sign: int = 1, vat_category: str, vat_rate: Any) -> dict[str, Any]:
    """An invoice line's values from a rated line or a stored one (`sign` -1: credited)."""
    return {
        "kind": line.kind,
        "label": line.label,
        "plan_id": line.plan_id,
        "starts_on": line.starts_on,
        "ends_on": line.ends_on,
        "quantity": sign * line.quantity,
        "included": sign * line.included,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "amount": sign * line.amount,
        "vat_category": vat_category,
        "vat_rate": vat_rate,
    }


def invoice_issue(
    *,
    client: Client,
    month: date,
    now: datetime | None = None,
    rated: ClientRating | None = None,
) -> IssueResult:
    """Issue the client's invoice for the month, once: a re-run (or a concurrent run)
    returns the invoice already issued. A month whose invoice was credited in full is
    invoiced again (next revision) from the ledger as it is now.

    `rated`: the month already rated for this client after `now` (invoices_issue_for_month
    rates every client's month in one pass); without it the month is rated here."""
    try:
        return _invoice_issue(client=client, month=month, now=now or timezone.now(), rated=rated)
    except VatIdRefusedByVies as refusal:
        # The refusal's VatCheck was rolled back with the invoice: kept as evidence anyway.
        if refusal.check is not None:
            refusal.check.pk = None
            refusal.check.save()
        raise VatUndecidable(f"{client.slug} {month:%Y-%m}: VAT: {refusal.message}") from None


@transaction.atomic
def _invoice_issue(
    *, client: Client, month: date, now: datetime, rated: ClientRating | None
) -> IssueResult:
    period = month.replace(day=1)
    _start, end = month_span(period, zone=client.tz)
    if end > now:
        return IssueResult(None, False, f"{period:%Y-%m} has not ended yet")
    # Serialises runs for one client (lock order: client, then the year's counter).
    client = Client.objects.select_for_update(no_key=True).get(pk=client.pk)
    latest = (
        Invoice.objects.filter(client=client, period=period, kind=Invoice.Kind.INVOICE)
        .order_by("-revision")
        .first()
    )
    if latest is not None and not Invoice.objects.filter(corrects=latest).exists():
        return IssueResult(latest, False)
    if rated is None:
        rating = rating_for_client_month(client=client, month=period)
    elif rated.rating is None:
        raise RatingError(f"{client.slug} {period:%Y-%m}: {rated.error}")
    else:
        rating = rated.rating
    if not rating.lines:
        return IssueResult(None, False, "no price plan and no usage in the month")
    try:
        decision = vat_decision_for_client(client=client, period=period)
    except VatUndecidable as error:
        raise VatUndecidable(f"{client.slug} {period:%Y-%m}: VAT: {error}") from None
    lines = [
        _line_row(line, vat_category=decision.category, vat_rate=decision.rate)
        for line in rating.lines
    ]
    totals = vat_subtotals(
        lines=[(decision.category, decision.rate, line.amount) for line in rating.lines],
        currency=client.currency,
    )
    vat = InvoiceVat(
        treatment=decision.treatment,
        supplier_country=supplier_country(),
        supplier_vat_id=str(settings.INVOICE_ISSUER.get("vat_id", "")).strip(),
        totals=tuple(totals),
        check=(
            vat_evidence_for_issue(client=client, now=now)
            if decision.treatment == REVERSE_CHARGE
            else None
        ),
    )
    invoice = _issue(
        client=client,
        kind=Invoice.Kind.INVOICE,
        period=period,
        revision=latest.revision + 1 if latest else 1,
        total=rating.total,
        lines=lines,
        vat=vat,
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.INVOICE_ISSUED,
        client=client,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={
            "period": f"{period:%Y-%m}",
            "total": invoice.total,
            "currency": invoice.currency,
            **_vat_details(invoice),
        },
        at=now,
    )
    webhook_event_emit(
        client,
        "invoice.issued",
        {
            "invoice_id": invoice.pk,
            "number": invoice.number,
            "period": f"{period:%Y-%m}",
            "total": str(invoice.total),
            "currency": invoice.currency,
            "issued_at": invoice.issued_at.isoformat(),
            **_vat_details(invoice),
        },
    )
    logger.info(
        "invoice %s issued to %s for %s: %s with VAT",
        invoice.number,
        client.slug,
        f"{period:%Y-%m}",
        money_text(invoice.amount_due, invoice.currency),
    )
    return IssueResult(invoice, True)


@transaction.atomic
def credit_note_issue(
    *, invoice: Invoice, reason: str, now: datetime | None = None, actor: User | None = None
) -> Invoice:
    """Cancel an issued invoice in full with a credit note (its lines negated); the month
    can then be invoiced again. Once per invoice; recorded in the audit log (``actor``: who
    credited it, none for the system)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invoice is credited."})
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError("Only an invoice can be credited.")
    now = now or timezone.now()
    client = Client.objects.select_for_update(no_key=True).get(pk=invoice.client_id)
    existing = Invoice.objects.filter(corrects=invoice).first()
    if existing is not None:
        return existing
    # Negated exactly, with the invoice's VAT category and rate (not today's).
    lines = [
        _line_row(line, sign=-1, vat_category=line.vat_category, vat_rate=line.vat_rate)
        for line in invoice.lines.order_by("position")
    ]
    vat = InvoiceVat(
        treatment=invoice.vat_treatment,
        supplier_country=invoice.supplier_country,
        supplier_vat_id=invoice.supplier_vat_id,
        totals=tuple(
            VatSubtotal(
                category=row.category,
                rate=row.rate,
                taxable_amount=-row.taxable_amount,
                vat_amount=-row.vat_amount,
            )
            for row in invoice.vat_totals.all()
        ),
        check=invoice.vat_check,
    )
    credit_note = _issue(
        client=client,
        kind=Invoice.Kind.CREDIT_NOTE,
        period=invoice.period,
        revision=invoice.revision,
        total=-invoice.total,
        lines=lines,
        vat=vat,
        corrects=invoice,
        reason=reason.strip()[:255],
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.INVOICE_CREDITED,
        actor=actor,
        client=client,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={
            "credit_note": credit_note.number,
            "reason": credit_note.reason,
            **_vat_details(credit_note),
        },
        at=now,
    )
    return credit_note


@dataclass(frozen=True)
class MonthRun:
    issued: list[Invoice]
    present: list[Invoice]
    skipped: list[tuple[Client, str]]  # nothing to invoice (no plan, month not over)
    failed: list[tuple[Client, str]]  # cannot be rated, or its VAT decided, as recorded
    # Already issued, but ledger rows of the month were recorded after it: (invoice, count).
    late: list[tuple[Invoice, int]]


def invoices_issue_for_month(
    *, month: date, clients: Iterable[Client] | None = None, now: datetime | None = None
) -> MonthRun:
    """Issue the month's invoices of these clients (default: all but the agency), each in
    its own transaction: a client that cannot be rated is reported, the others go on.

    The month is rated once for every client still to invoice, in one pass over the
    ledger, before the first invoice: rating each client again in its own transaction
    would read the ledger once more per client. The ratings are made after `now`, which
    every invoice carries as its issue time: a ledger row recorded later is a late row
    (ledger_rows_after_invoice), as it would be if each client were rated in its turn."""
    clients = list(clients if clients is not None else Client.objects.clients().order_by("pk"))
    now = now or timezone.now()
    period = month.replace(day=1)
    run = MonthRun([], [], [], [], [])
    in_force = set(
        Invoice.objects.filter(
            client__in=[client.pk for client in clients],
            period=period,
            kind=Invoice.Kind.INVOICE,
            credit_note=None,
        ).values_list("client_id", flat=True)
    )
    to_rate = [
        client
        for client in clients
        if client.pk not in in_force and month_span(period, zone=client.tz)[1] <= now
    ]
    rated = ratings_for_month(month=period, clients=to_rate) if to_rate else []
    ratings = {result.client.pk: result for result in rated}
    for client in clients:
        try:
            result = invoice_issue(
                client=client, month=month, now=now, rated=ratings.get(client.pk)
            )
        except (RatingError, VatUndecidable) as error:
            logger.error("no invoice for %s: %s", client.slug, error)
            run.failed.append((client, str(error)))
            continue
        if result.invoice is None:
            run.skipped.append((client, result.reason))
        elif result.created:
            run.issued.append(result.invoice)
        else:
            run.present.append(result.invoice)
            late = ledger_rows_after_invoice(invoice=result.invoice).count()
            if late:
                run.late.append((result.invoice, late))
    return run


# --- exchange rates --------------------------------------------------------------------------


@dataclass
class ExchangeRatesRun:
    days: list[date] = field(default_factory=list)  # the days the file had
    stored: list[tuple[str, str, date, Decimal]] = field(default_factory=list)
    # A rate for the pair and day existed already (fetched before, or entered by hand): kept.
    present: list[tuple[str, str, date]] = field(default_factory=list)
    # The ECB publishes no rate for one of the pair's currencies (e.g. BGN since 2026).
    missing: list[tuple[str, str, date]] = field(default_factory=list)


_RATE_INSERT = (
    "INSERT INTO billing_exchangerate (from_currency, to_currency, valid_on, rate, source)"
)
_RATE_KEEP_PRESENT = (
    "ON CONFLICT (from_currency, to_currency, valid_on) DO NOTHING "
    "RETURNING from_currency, to_currency, valid_on"
)


def exchange_rates_store_ecb(*, data: bytes) -> ExchangeRatesRun:
    """Store an ECB reference rates file's cross rates for every pair billing needs, once
    per pair and day. A rate already stored for that pair and day wins, whatever its source:
    one entered by hand is never overwritten. A file with any fault is refused whole
    (ExchangeRatesRefused) before anything is written."""
    days = ecb_xml_parse(data)
    pairs = exchange_rate_pairs_needed()
    run = ExchangeRatesRun(days=[d.day for d in days])
    rows: list[tuple[str, str, date, Decimal]] = []
    for ecb_day in days:
        for source, target in pairs:
            rate = cross_rate(per_euro=ecb_day.per_euro, from_currency=source, to_currency=target)
            if rate is None:
                run.missing.append((source, target, ecb_day.day))
            else:
                rows.append((source, target, ecb_day.day, rate))
    if rows:
        # One statement: all rows or none; ON CONFLICT keeps the row already there (a hand
        # entry, or this file fetched before), also when two runs race.
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))  # placeholders only
        sql = f"{_RATE_INSERT} VALUES {values} {_RATE_KEEP_PRESENT}"
        params = [value for row in rows for value in (*row, SOURCE_ECB)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = set(cursor.fetchall())
        run.stored = [row for row in rows if row[:3] in inserted]
        run.present = [row[:3] for row in rows if row[:3] not in inserted]
    for source, target, day in run.missing:
        logger.warning("The ECB has no rate for %s->%s on %s: none stored.", source, target, day)
    logger.info(
        "ECB rates of %s: %d stored, %d already present.",
        ", ".join(d.isoformat() for d in run.days),
        len(run.stored),
        len(run.present),
    )
    return run


def exchange_rates_fetch(*, url: str = "") -> ExchangeRatesRun:
    """Download the ECB's reference rates (`url`, default settings.EXCHANGE_RATES_URL) and
    store them (exchange_rates_store_ecb). ExchangeRatesUnavailable when the download fails,
    ExchangeRatesRefused when the file is not the ECB's; nothing is stored then."""
    url = url or settings.EXCHANGE_RATES_URL
    if not url:
        raise ValueError("No URL: set POLYDESK_EXCHANGE_RATES_URL or give one.")
    return exchange_rates_store_ecb(data=ecb_xml_download(url=url))
