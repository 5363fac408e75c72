"""Reads of billing data (public schema): usage aggregated for rating, plans, invoices.

Nothing here enters a client's schema: the ledger names its client, so the agency's views
of every client are single queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.lists import format_list
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from billing.document import DocumentLine, InvoiceDocument, Party, VatTotalLine
from billing.models import (
    Invoice,
    InvoiceLine,
    LanguageSurcharge,
    PricePlan,
    UsageEntry,
    VatTreatment,
)
from billing.rating import PlanTerms, Rating, RatingError, UsageGroup, rate_month
from billing.selectors.vat import vat_decision_for_client
from billing.vat import VatSubtotal, VatUndecidable, vat_subtotals
from core.locales import babel_locale
from core.months import month_bounds, month_span
from tenants.models import Client

# One pass over the month's ledger, grouped by what pricing needs (docs/billing.md, "How
# rating reads the ledger"). The month is each client's own (its time zone). Per client,
# ``billing_usage_groups`` (migration 0013) reads the client's month from the covering index
# on (client, occurred_at), one range per local day, index-only, and aggregates it: what
# depends on the day (its bounds in UTC, its price plan, its exchange rates) once per day,
# not per row; the aggregate's memory is one client's groups, whatever the number of rows.
# The clients are shared among PostgreSQL's parallel workers, as the floor's one GROUP BY
# shares the ledger's pages. Telephony cost in another currency than the client's is
# converted at its day's rate; rates hold from their day on, so if a group has rows without
# a rate, its first day is one.
_USAGE_SQL = """
SELECT c.id, g.plan_id, g.kind, g.language, g.out_of_hours, g.currency, g.events, g.quantity,
       g.started, g.first_day, g.converted,
       CASE WHEN g.currency NOT IN ('', c.currency)
                 AND %(rates)s::jsonb #>> ARRAY[g.first_day::text, c.currency, g.currency] IS NULL
            THEN g.first_day END
FROM tenants_client c
CROSS JOIN LATERAL billing_usage_groups(
    c.id, c.currency, c.time_zone, %(start)s::date, %(end)s::date, %(rates)s::jsonb
) AS g
WHERE c.id = ANY(%(client_ids)s)
"""

# The month's exchange rates, per local day and currency pair (the latest rate from that day
# or before), as JSON: day -> to currency -> from currency -> rate. Looked up once, before
# the ledger is read, not per row.
_RATES_SQL = """
SELECT coalesce(jsonb_object_agg(d.day::date, r.rates), '{}')::text
FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS d(day)
CROSS JOIN LATERAL (
    SELECT jsonb_object_agg(t.to_currency, t.rates) AS rates FROM (
        SELECT pair.to_currency, jsonb_object_agg(pair.from_currency, (
            SELECT x.rate::text FROM billing_exchangerate x
            WHERE x.from_currency = pair.from_currency AND x.to_currency = pair.to_currency
              AND x.valid_on <= d.day::date
            ORDER BY x.valid_on DESC LIMIT 1
        )) AS rates
        FROM (SELECT DISTINCT from_currency, to_currency FROM billing_exchangerate) AS pair
        GROUP BY 1
    ) AS t
) AS r
WHERE r.rates IS NOT NULL
"""

# JIT compiling the rating's statements took 0.3-0.7 s on a month of 1,000,000 rows and made
# them no faster (docs/performance.md, billing_rating): off for the rating transaction (SET
# LOCAL: inside a caller's transaction, until that one ends). The parallel settings, for the
# rating statement alone, let the planner give the clients to parallel workers: it counts
# the clients table as too small to share (it is: the work is in the function called per
# client, which it cannot weigh) and the workers' start and the rows they pass back as
# dearer than they are next to a client's month.
PARALLEL_SETTINGS = (
    ("min_parallel_table_scan_size", "0"),
    ("parallel_setup_cost", "0"),
    ("parallel_tuple_cost", "0"),
)


def usage_statement(
    *, cursor: Any, month: date, client_ids: list[int]
) -> tuple[str, dict[str, Any]]:
    """The rating statement and its parameters, the month's exchange rates read first with
    ``cursor`` (JIT off for the rest of the transaction); run it inside
    :func:`parallel_rating` (benchmarks/billing_rating.py explains it)."""
    start, end = month_bounds(month)
    # Local midnights, read in each client's zone by the query.
    params: dict[str, Any] = {
        "start": datetime.combine(start, time()),
        "end": datetime.combine(end, time()),
        "client_ids": list(client_ids),
    }
    cursor.execute("SET LOCAL jit = off")
    cursor.execute(_RATES_SQL, params)
    params["rates"] = cursor.fetchone()[0]
    return _USAGE_SQL, params


@contextmanager
def parallel_rating(cursor: Any) -> Iterator[None]:
    """PARALLEL_SETTINGS for the statements inside (in a transaction), the transaction's own
    values again after them."""
    names = [name for name, _ in PARALLEL_SETTINGS]
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = list(zip(names, cursor.fetchone(), strict=True))
    _settings_set(cursor, PARALLEL_SETTINGS)
    try:
        yield
    finally:
        _settings_set(cursor, before)


def _settings_set(cursor: Any, settings: Iterable[tuple[str, str]]) -> None:
    """SET LOCAL of these (name, value) pairs, in one statement."""
    pairs = list(settings)
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(pairs)),
        [item for pair in pairs for item in pair],
    )


def usage_rows_for_month(*, month: date, client_ids: list[int]) -> list[tuple[Any, ...]]:
    """The rating statement's rows for these clients' month: a client's id, then the
    fields of a :class:`UsageGroup` in their order."""
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = usage_statement(cursor=cursor, month=month, client_ids=client_ids)
        with parallel_rating(cursor):
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def usage_groups_from_rows(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[UsageGroup]]:
    """The rating statement's rows as usage groups, per client."""
    groups: dict[int, list[UsageGroup]] = defaultdict(list)
    make = UsageGroup._make
    for row in rows:
        groups[row[0]].append(make(row[1:]))
    return groups


def usage_groups_for_month(*, month: date, client_ids: list[int]) -> dict[int, list[UsageGroup]]:
    """The month's ledger of these clients, aggregated in SQL, per client."""
    return usage_groups_from_rows(usage_rows_for_month(month=month, client_ids=client_ids))


# PlanTerms' fields as PricePlan names them (all but the surcharges), read as plain values:
# a model instance per plan and per surcharge cost more than the rating of its month.
_PLAN_TERMS_FIELDS = (
    "id",
    "currency",
    "valid_from",
    "valid_to",
    "base_monthly_fee",
    "included_call_minutes",
    "included_emails",
    "included_chats",
    "price_per_call_minute",
    "call_minute_rounding",
    "price_per_email",
    "price_per_chat",
    "out_of_hours_surcharge_percent",
    "telephony_margin_percent",
)


def plan_terms_for_month(*, month: date, client_ids: list[int]) -> dict[int, list[PlanTerms]]:
    """Every plan version valid on some day of the month, per client."""
    start, end = month_bounds(month)
    plans = PricePlan.objects.filter(client_id__in=client_ids, valid_from__lt=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    )
    surcharges: dict[int, list[tuple[str, tuple[str, ...], Decimal]]] = defaultdict(list)
    for plan_id, name, languages, percent in (
        LanguageSurcharge.objects.filter(plan__in=plans.values("pk"))
        .order_by("pk")
        .values_list("plan_id", "name", "languages", "percent")
    ):
        surcharges[plan_id].append((name, tuple(languages), percent))
    terms: dict[int, list[PlanTerms]] = defaultdict(list)
    for client_id, *values in plans.values_list("client_id", *_PLAN_TERMS_FIELDS):
        fields = dict(zip(_PLAN_TERMS_FIELDS, values, strict=True))
        terms[client_id].append(PlanTerms(**fields, surcharges=tuple(surcharges[fields["id"]])))
    return terms


@dataclass(frozen=True)
class ClientRating:
    client: Client
    rating: Rating | None  # None when it could not be rated
    error: str = ""


def ratings_for_month(*, month: date, clients: Iterable[Client]) -> list[ClientRating]:
    """Rate the month for these clients in one pass over the ledger (public schema only)."""
    clients = list(clients)
    rows = usage_rows_for_month(month=month, client_ids=[client.pk for client in clients])
    return ratings_from_usage_rows(month=month, clients=clients, rows=rows)


def ratings_from_usage_rows(
    *, month: date, clients: list[Client], rows: Iterable[tuple[Any, ...]]
) -> list[ClientRating]:
    """The rest of :func:`ratings_for_month` once the ledger is read: the plans, then the
    invoice lines of each client, in Python."""
    usage = usage_groups_from_rows(rows)
    plans = plan_terms_for_month(month=month, client_ids=[client.pk for client in clients])
    results = []
    for client in clients:
        try:
            rating = rate_month(
                currency=client.currency,
                month=month,
                plans=plans.get(client.pk, []),
                usage=usage.get(client.pk, []),
            )
        except RatingError as error:
            results.append(ClientRating(client, None, str(error)))
        else:
            results.append(ClientRating(client, rating))
    return results


def rating_for_client_month(*, client: Client, month: date) -> Rating:
    """One client's month rated; RatingError if it cannot be."""
    result = ratings_for_month(month=month, clients=[client])[0]
    if result.rating is None:
        raise RatingError(f"{client.slug} {month:%Y-%m}: {result.error}")
    return result.rating


def invoices_of_client(*, client: Client) -> QuerySet[Invoice]:
    """A client's invoices and credit notes, newest first (explicitly scoped)."""
    return Invoice.objects.filter(client=client).select_related("corrects")


def invoice_of_client(*, client: Client, invoice_id: int) -> Invoice | None:
    """The client's invoice with this id, or None (also when it is another client's)."""
    return invoices_of_client(client=client).filter(pk=invoice_id).first()


def invoice_issuer(*, currency: str = "") -> Party:
    """The agency as the issuer of its invoices (settings.INVOICE_ISSUER, from the
    environment), with its bank account for `currency` (settings.INVOICE_BANK_ACCOUNTS;
    else POLYDESK_ISSUER_IBAN/BIC)."""
    fields = {field: value.strip() for field, value in settings.INVOICE_ISSUER.items()}
    if currency in settings.INVOICE_BANK_ACCOUNTS:
        fields["iban"], fields["bic"] = settings.INVOICE_BANK_ACCOUNTS[currency]
    return Party(**fields)


def client_buyer(*, client: Client) -> Party:
    """The client's billing identity as it is now, as the buyer of an invoice: its legal
    name, or its name while that is empty."""
    return Party(
        name=client.legal_name.strip() or client.name,
        address=client.billing_address.strip(),
        country=client.billing_country,
        registration_id=client.registration_id.strip(),
        vat_id=client.vat_id,
        email=client.billing_email,
    )


def invoice_einvoice_offered(*, invoice: Invoice) -> bool:
    """Whether the invoice's UBL e-invoice can be made (billing.ubl.ubl_check's rules, read
    from the invoice row alone, for lists: no lines loaded)."""
    if not invoice.vat_treatment or invoice.total_with_vat is None:
        return False
    if len(invoice.buyer_country) != 2 or len(invoice.supplier_country) != 2:
        return False
    if invoice.vat_treatment == VatTreatment.OUTSIDE_SCOPE:
        registration = (
            invoice.supplier_registration_id
            if invoice.supplier_name
            else invoice_issuer(currency=invoice.currency).registration_id
        )
        return bool(registration.strip())
    return bool(invoice.supplier_vat_id.strip())


def invoice_buyer(*, invoice: Invoice) -> Party:
    """The buyer an issued invoice or credit note names: the client's identity recorded when
    it was issued. One issued before identities were recorded (no buyer name) names the
    client by its name alone, as it did then: an identity set later never reaches it."""
    if not invoice.buyer_name:
        return Party(name=invoice.client.name)
    return Party(
        name=invoice.buyer_name,
        address=invoice.buyer_address,
        country=invoice.buyer_country,
        registration_id=invoice.buyer_registration_id,
        vat_id=invoice.buyer_vat_id,
        email=invoice.buyer_email,
    )


def invoice_document(*, invoice: Invoice, language: str) -> InvoiceDocument:
    """An issued invoice or credit note as the plain data of its PDF, labels in `language`:
    its stored lines and total as they are (never rated again)."""
    client = invoice.client
    corrects = invoice.corrects
    with translation.override(language):
        lines = tuple(
            DocumentLine(
                description=invoice_line_description(line=line),
                starts_on=line.starts_on,
                ends_on=line.ends_on,
                quantity=line.quantity,
                included=line.included,
                unit=line.unit,
                unit_label=str(line.unit_label),
                unit_price=line.unit_price,
                amount=line.amount,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
            )
            for line in invoice.lines.order_by("position")
        )
    issuer = invoice_issuer(currency=invoice.currency)
    if invoice.supplier_name:  # the supplier as it was at issue
        issuer = replace(
            issuer,
            name=invoice.supplier_name,
            address=invoice.supplier_address,
            registration_id=invoice.supplier_registration_id,
            iban=invoice.supplier_iban,
            bic=invoice.supplier_bic,
        )
    if invoice.supplier_country:
        issuer = replace(issuer, country=invoice.supplier_country, vat_id=invoice.supplier_vat_id)
    return InvoiceDocument(
        kind=invoice.kind,
        number=invoice.number,
        language=language,
        time_zone=client.time_zone,
        currency=invoice.currency,
        issued_at=invoice.issued_at,
        period=invoice.period,
        issuer=issuer,
        customer=invoice_buyer(invoice=invoice),
        lines=lines,
        total=invoice.total,
        corrects_number=corrects.number if corrects else "",
        corrects_issued_at=corrects.issued_at if corrects else None,
        reason=invoice.reason,
        vat_treatment=invoice.vat_treatment,
        vat_totals=tuple(
            VatTotalLine(
                category=vat.category,
                rate=vat.rate,
                taxable_amount=vat.taxable_amount,
                vat_amount=vat.vat_amount,
            )
            for vat in invoice.vat_totals.order_by("category", "rate")
        ),
        vat_total=invoice.vat_total,
        total_with_vat=invoice.total_with_vat,
        due_on=invoice.due_on,
        payment_reference=invoice.payment_reference,
    )


def invoice_in_force(*, client: Client, month: date) -> Invoice | None:
    """The client's invoice for the month that stands: the latest revision not credited
    (for the monthly report's cost section), or None."""
    latest = (
        Invoice.objects.filter(
            client=client, period=month.replace(day=1), kind=Invoice.Kind.INVOICE
        )
        .order_by("-revision")
        .first()
    )
    if latest is None or Invoice.objects.filter(corrects=latest).exists():
        return None
    return latest


def ledger_rows_after_invoice(*, invoice: Invoice) -> QuerySet[UsageEntry]:
    """Ledger rows of the invoice's month recorded after it was issued (late events,
    corrections): not on it; the month needs a credit note and a new revision."""
    starts_at, ends_at = month_span(invoice.period, zone=invoice.client.tz)
    return UsageEntry.objects.filter(
        client_id=invoice.client_id,
        occurred_at__gte=starts_at,
        occurred_at__lt=ends_at,
        recorded_at__gt=invoice.issued_at,
    )


def ledger_rows_for_month(*, client: Client, month: date) -> Iterator[UsageEntry]:
    """The raw ledger of a client's month, streamed (server-side cursor)."""
    starts_at, ends_at = month_span(month, zone=client.tz)
    return (
        UsageEntry.objects.filter(
            client=client, occurred_at__gte=starts_at, occurred_at__lt=ends_at
        )
        .order_by("occurred_at", "id")
        .iterator(chunk_size=2000)
    )


# Twilio prices calls in USD (telephony.twilio_api's default price unit): wanted before the
# first call is priced, so that the first invoice finds its rate.
PROVIDER_CURRENCIES = ("USD",)


def exchange_rate_pairs_needed() -> list[tuple[str, str]]:
    """(from, to) pairs rating can ask for: each provider currency (the ones above and any
    in the ledger's telephony cost) into each currency clients are invoiced in, except a
    currency into itself (rating takes 1 for it without a row)."""
    # One pass over the ledger's telephony rows, once a day (the fetch task): cheap enough
    # next to the monthly rating, which reads the same rows.
    seen = (
        UsageEntry.objects.filter(kind=UsageEntry.Kind.TELEPHONY_COST)
        .exclude(currency="")
        .values_list("currency", flat=True)
        .distinct()
    )
    providers = sorted({*PROVIDER_CURRENCIES, *seen})
    invoiced = sorted(set(Client.objects.clients().values_list("currency", flat=True)))
    return [(source, target) for source in providers for target in invoiced if source != target]


def client_existed_in_month(*, client: Client, month: date) -> bool:
    """Whether the client had been created before the month ended (in its own calendar)."""
    _start, end = month_span(month.replace(day=1), zone=client.tz)
    return client.created_at < end


@dataclass(frozen=True)
class VatPreview:
    """The VAT an invoice of `rating` would carry: computed as invoice_issue computes it."""

    treatment: str
    totals: tuple[VatSubtotal, ...]

    @property
    def vat_total(self) -> Decimal:
        return sum((row.vat_amount for row in self.totals), Decimal(0))


@dataclass(frozen=True)
class InvoicePreview:
    """What issuing the month's invoice would do for one client: issue `rating` with `vat`,
    find `invoice` already in force, or nothing, for `reason` (`failed`: it cannot be rated
    or its VAT decided)."""

    client: Client
    rating: Rating | None = None
    invoice: Invoice | None = None
    reason: str = ""
    failed: bool = False
    vat: VatPreview | None = None


def vat_preview(*, client: Client, rating: Rating, period: date) -> VatPreview:
    """The treatment and VAT totals of the month's rated lines (VatUndecidable)."""
    decision = vat_decision_for_client(client=client, period=period)
    totals = vat_subtotals(
        lines=[(decision.category, decision.rate, line.amount) for line in rating.lines],
        currency=client.currency,
    )
    return VatPreview(treatment=decision.treatment, totals=tuple(totals))


def invoices_preview_for_month(
    *, month: date, clients: Iterable[Client], now: datetime | None = None
) -> list[InvoicePreview]:
    """What billing.services.invoices_issue_for_month would do, read only (a dry run)."""
    now = now or timezone.now()
    period = month.replace(day=1)
    previews = []
    for result in ratings_for_month(month=period, clients=clients):
        client = result.client
        _start, end = month_span(period, zone=client.tz)
        present = invoice_in_force(client=client, month=period)
        if end > now:
            previews.append(InvoicePreview(client, reason=f"{period:%Y-%m} has not ended yet"))
        elif present is not None:
            previews.append(InvoicePreview(client, invoice=present))
        elif result.rating is None:
            previews.append(InvoicePreview(client, reason=result.error, failed=True))
        elif not result.rating.lines:
            previews.append(
                InvoicePreview(client, reason="no price plan and no usage in the month")
            )
        else:
            try:
                vat = vat_preview(client=client, rating=result.rating, period=period)
            except VatUndecidable as error:
                reason = f"{client.slug} {period:%Y-%m}: VAT: {error}"
                previews.append(InvoicePreview(client, reason=reason, failed=True))
            else:
                previews.append(InvoicePreview(client, rating=result.rating, vat=vat))
    return previews


def surcharge_languages(*, line: InvoiceLine) -> list[str]:
    """The language codes a language-surcharge line is for: those of its plan's surcharge of
    the line's name (the line stores only the name the agency typed, in its own language);
    [] for another line, or a surcharge no longer found."""
    if line.kind != InvoiceLine.Kind.LANGUAGE_SURCHARGE or line.plan_id is None:
        return []
    surcharge = LanguageSurcharge.objects.filter(plan_id=line.plan_id, name=line.label).first()
    return list(surcharge.languages) if surcharge is not None else []


def invoice_line_description(*, line: InvoiceLine) -> str:
    """A line's description in the active language: its kind, and after a colon its group: a
    language surcharge's languages named in that language ("Jazykový příplatek: maďarština
    a rumunština"), else the label stored on the line. The invoice's PDF and the monthly
    report print the same words."""
    kind = str(line.get_kind_display())
    languages = surcharge_languages(line=line)
    if languages:
        locale = Locale.parse(babel_locale(translation.get_language() or "en"))
        group = format_list([locale.languages.get(code, code) for code in languages], locale=locale)
    else:
        group = line.label
    return f"{kind}: {group}" if group else kind
