"""Demo seeding of billing: a plan per demo client in its currency, the ledger from the
seeded history of conversations, last month's invoices, and a bank statement paying them.
Idempotent, like every seed step."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import ExchangeRate, Invoice, PricePlan, UsageEntry
from billing.money import money_round, money_text
from billing.services import (
    invoices_issue_for_month,
    price_plan_create,
    usage_record,
    usage_record_call,
    usage_record_telephony_cost,
)
from billing.services.payments import bank_statement_import
from billing.services.reminders import invoice_reminders_queue
from conversations.models import Conversation
from core.months import month_previous, months_back
from demo.cast import DEMO_CLIENTS, clients_since, history_start
from hours.selectors import client_calendar
from routing.models import WorkItem
from telephony.voice.models import Call
from tenants.models import Client

# Twilio prices calls in US dollars: rates of a day (the order of the central banks'
# autumn-2026 fixings) from before the seeded history, converted when rated.
DEMO_USD_RATES = {"EUR": "0.92", "CZK": "23.10", "PLN": "3.98", "HUF": "362.00", "RON": "4.58"}

# Prices per currency: (base monthly fee, per e-mail, per chat/SMS/API, per phone minute).
DEMO_PRICES = {
    "EUR": ("490.00", "2.40", "1.60", "0.85"),
    "CZK": ("12000.00", "59.00", "39.00", "21.00"),
    "PLN": ("2100.00", "10.50", "7.00", "3.70"),
    "HUF": ("190000", "950", "640", "340"),
    "RON": ("2400.00", "12.00", "8.00", "4.20"),
}


def seed_billing(log: Callable[[str], None]) -> None:
    """Plans, ledger from the seeded conversations, last month's invoices."""

    now = timezone.now()
    clients = list(Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]))
    start = history_start(now)  # the rates from the seeded history's first month
    plans_from = clients_since(now)
    last_month = month_previous(now, zone=UTC)
    for currency, rate in DEMO_USD_RATES.items():
        ExchangeRate.objects.get_or_create(
            from_currency="USD",
            to_currency=currency,
            valid_on=start,
            defaults={"rate": Decimal(rate), "source": "demo"},
        )
    for client in clients:
        if PricePlan.objects.filter(client=client).exists():
            continue
        fee, email, chat, minute = (Decimal(v) for v in DEMO_PRICES[client.currency])
        terms: dict[str, Any] = {
            "name": "Standard",
            "base_monthly_fee": fee,
            "included_emails": 20,
            "included_chats": 20,
            "included_call_minutes": 60,
            "price_per_email": email,
            "price_per_chat": chat,
            "price_per_call_minute": minute,
            "call_minute_rounding": "started_minute",
            "out_of_hours_surcharge_percent": Decimal(25),
            "telephony_margin_percent": Decimal(10),
            "surcharges": [("Hungarian and Romanian", ["hu", "ro"], Decimal(10))],
        }
        price_plan_create(client=client, valid_from=plans_from, **terms)
        if client.slug == "bohemia-shoes":  # a new version from the 16th of last month
            price_plan_create(
                client=client,
                valid_from=last_month.replace(day=16),
                **{
                    **terms,
                    "name": "Standard 2",
                    "price_per_email": email + 6,
                    "included_emails": 40,
                },
            )
        log(f"price plan of {client.slug}: {fee} {client.currency} a month")

    for client in clients:
        with schema_context(client.schema_name):
            answered = list(
                Conversation.objects.filter(
                    messages__external_id__startswith="demo-history-",
                    first_response_at__isnull=False,
                )
                .exclude(channel="call")
                .select_related("customer")
                .distinct()
            )
        agents = dict(
            WorkItem.objects.filter(
                client=client, source_kind="conversation", source_id__in=[c.pk for c in answered]
            ).values_list("source_id", "agent_id")
        )
        created = 0
        for conversation in answered:
            calendar = client_calendar(
                client, country=conversation.customer.country, language=conversation.language
            )
            at = conversation.first_response_at
            assert at is not None  # answered: filtered on a first response
            # The same key as a live first reply (billing.services.usage_record_first_reply).
            _, new = usage_record(
                client=client,
                kind="email_answered" if conversation.channel == "email" else "chat_handled",
                quantity=1,
                occurred_at=at,
                idempotency_key=f"conversation:{client.schema_name}:{conversation.pk}",
                source_kind="conversation",
                source_ref=f"{client.schema_name}:{conversation.pk}",
                language=conversation.language,
                agent=agents.get(conversation.pk),
                out_of_hours=not calendar.is_open(at),
                channel=conversation.channel,
            )
            created += new
        created += _calls_to_ledger(client)
        log(f"usage ledger of {client.slug}: {created} new entries ({len(answered)} answered)")

    # The months before the history (base fees only), each issued as the monthly beat
    # would have: on the 1st of the next month at 12:00 UTC, so that their due dates passed.
    month = plans_from
    while month < last_month:
        following = months_back(month, -1)
        issued_at = datetime.combine(following, time(12), tzinfo=UTC)
        past = invoices_issue_for_month(month=month, clients=clients, now=issued_at)
        for invoice in past.issued:
            log(f"invoice {invoice.number} of {invoice.client.slug} for {month:%Y-%m}")
        for client, reason in past.skipped + past.failed:
            log(f"no invoice for {client.slug} for {month:%Y-%m}: {reason}")
        month = following
    # Issued now, after the month's ledger above (issued at the start of this step, every row
    # would be recorded after its invoice: LATE for `issue_invoices`).
    run = invoices_issue_for_month(month=last_month, clients=clients, now=timezone.now())
    for invoice in run.issued + run.present:
        log(
            f"invoice {invoice.number} of {invoice.client.slug} for {last_month:%Y-%m}: "
            f"{money_text(invoice.total, invoice.currency)}"
        )
    for client, reason in run.skipped + run.failed:
        log(f"no invoice for {client.slug}: {reason}")
    for invoice, count in run.late:
        log(f"LATE: {count} ledger rows of {invoice.client.slug} recorded after {invoice.number}")
    _seed_payments(clients, log)


# The demo client that pays late: its invoice before the latest stays unpaid (overdue).
DEMO_LATE_PAYER = "duna-design"


def _seed_payments(clients: list[Client], log: Callable[[str], None]) -> None:
    """What the agency's bank would send, one statement per currency: every invoice but each
    client's latest paid ten days after issue, naming its number; the first client's latest
    paid in part, the late payer's invoice before its latest not paid (overdue, reminded),
    and one payment nobody named (for /billing/receivables/). The same file on a second
    run: imported already."""
    invoices = list(
        Invoice.objects.filter(client__in=clients, kind=Invoice.Kind.INVOICE, credit_note=None)
        .select_related("client")
        .order_by("issued_at", "pk")
    )
    latest = {invoice.client_id: invoice for invoice in invoices}
    first = min(clients, key=lambda client: client.pk) if clients else None
    # One client has not paid the month before its latest either: overdue, reminded.
    late_payer = next((c for c in clients if c.slug == DEMO_LATE_PAYER), None)
    overdue = [i for i in invoices if late_payer and i.client_id == late_payer.pk][-2:-1]
    by_currency: dict[str, list[str]] = {}
    for invoice in invoices:
        amount = invoice.amount_due
        if invoice in overdue:
            continue
        if latest[invoice.client_id] is invoice:
            if first is None or invoice.client_id != first.pk:
                continue  # not paid yet
            amount = money_round(amount * Decimal("0.4"), invoice.currency)
        # Never in the future: a payment is not received before today.
        booked = min((invoice.issued_at + timedelta(days=10)).date(), timezone.localdate())
        by_currency.setdefault(invoice.currency, []).append(
            _demo_entry(
                f"DEMO-{invoice.number}",
                amount,
                invoice.currency,
                booked,
                f"Faktura {invoice.number}",
                invoice.buyer_name or invoice.client.name,
            )
        )
    if first is not None:
        currency = first.currency
        booked = timezone.now().date() - timedelta(days=3)
        by_currency.setdefault(currency, []).append(
            _demo_entry("DEMO-UNNAMED", Decimal(150), currency, booked, "Platba", "Jan Novák")
        )
    for currency, entries in sorted(by_currency.items()):
        data = _demo_statement(currency, entries)
        result = bank_statement_import(data=data, filename=f"demo-{currency}.xml", user=None)
        state = (
            "imported already"
            if result.already_imported
            else (f"{len(result.matched)} matched, {len(result.unmatched)} unmatched")
        )
        log(f"bank statement demo-{currency}.xml: {state}")
    # The daily reminders' run, as beat would make it: the overdue invoice's reminder, once.
    reminders = invoice_reminders_queue()
    for mail in reminders.queued:
        log(f"payment reminder {mail.level} of {mail.invoice.number} to {mail.to}")


def _demo_entry(
    bank_id: str, amount: Decimal, currency: str, booked: Any, text: str, payer: str
) -> str:
    return (
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked}</Dt></BookgDt>"
        f"<AcctSvcrRef>{bank_id}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Pty>"
        f"<Nm>{escape(payer)}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>{escape(text)}</Ustrd>"
        "</RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def _demo_statement(currency: str, entries: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>DEMO-{currency}</MsgId></GrpHdr><Stmt><Id>DEMO-{currency}</Id>"
        f"<Acct><Id><Othr><Id>DEMO-{currency}</Id></Othr></Id><Ccy>{currency}</Ccy></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _calls_to_ledger(client) -> int:
    """The seeded month of calls, billed as live calls are (the same sources and keys as
    telephony.voice.services.legs.call_complete and call_price_fetch)."""

    before = UsageEntry.objects.filter(client=client).count()
    with schema_context(client.schema_name):
        calls = list(Call.objects.filter(completed_at__isnull=False))
    for call in calls:
        assert call.completed_at is not None  # filtered on it
        usage_record_call(
            client=client,
            call_sid=call.call_sid,
            talk_seconds=call.talk_seconds,
            answered_at=call.answered_at,
            language=call.language,
            country=call.country,
            agent=call.agent_id,
        )
        if call.price is not None:
            usage_record_telephony_cost(
                client=client,
                call_sid=call.call_sid,
                amount=call.price,
                currency=call.price_currency,
                occurred_at=call.completed_at,
                language=call.language,
            )
    return UsageEntry.objects.filter(client=client).count() - before
