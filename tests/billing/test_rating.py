"""Rating a month: the ledger aggregated in PostgreSQL, priced by the plan of each day."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.models import ExchangeRate
from billing.money import money_round
from billing.rating import PlanTerms, RatingError, UsageGroup, rate_month
from billing.selectors import (
    ledger_rows_for_month,
    parallel_rating,
    plan_terms_for_month,
    rating_for_client_month,
    ratings_for_month,
    usage_statement,
)
from billing.services import usage_correct
from core.months import month_bounds
from tests.support.billing import plan_for, record, utc

OCT = date(2026, 10, 1)


def lines_by_kind(rating):
    found = {}
    for line in rating.lines:
        found.setdefault(line.kind, []).append(line)
    return found


def test_a_plan_changing_mid_month_prices_each_event_by_its_own_version(make_client):
    client = make_client(currency="EUR")
    plan_for(
        client, date(2026, 1, 1), base_monthly_fee=Decimal("310"), price_per_email=Decimal("2.00")
    )
    # From 17 October (Prague time) e-mails cost 3.00 and the fee is 620.
    plan_for(
        client, date(2026, 10, 17), base_monthly_fee=Decimal("620"), price_per_email=Decimal("3.00")
    )
    record(client, "email_answered", 1, utc(2026, 10, 16, 21, 59))  # 23:59 on the 16th local
    record(client, "email_answered", 1, utc(2026, 10, 16, 22, 0))  # 00:00 on the 17th local
    record(client, "email_answered", 1, utc(2026, 10, 20, 9, 0))

    rating = rating_for_client_month(client=client, month=OCT)
    lines = lines_by_kind(rating)

    fees = lines["base_fee"]
    assert [(f.quantity, f.amount) for f in fees] == [
        (Decimal(16), Decimal("160.00")),  # 16/31 of 310
        (Decimal(15), Decimal("300.00")),  # 15/31 of 620
    ]
    assert [(e.quantity, e.unit_price, e.amount) for e in lines["emails"]] == [
        (Decimal("1.0000"), Decimal("2.00"), Decimal("2.00")),
        (Decimal("2.0000"), Decimal("3.00"), Decimal("6.00")),
    ]
    assert rating.total == Decimal("468.00")


def test_the_month_is_the_clients_own_calendar_month(make_client):
    client = make_client(currency="EUR", time_zone="Europe/Prague")
    plan_for(client, price_per_email=Decimal("1"))
    record(client, "email_answered", 1, utc(2026, 9, 30, 22, 30))  # 1 October, 00:30 local
    record(client, "email_answered", 1, utc(2026, 10, 31, 23, 30))  # 1 November, 00:30 local

    rating = rating_for_client_month(client=client, month=OCT)

    assert [line.quantity for line in rating.lines] == [Decimal(1)]


@pytest.mark.parametrize(
    ("rounding", "expected_minutes", "expected_amount"),
    [
        # 61 s + 59 s + 120 s = 240 s = 4 minutes per second; 2 + 1 + 2 = 5 started minutes.
        ("second", Decimal("4.0000"), Decimal("4.00")),
        ("started_minute", Decimal("5.0000"), Decimal("5.00")),
    ],
)
def test_phone_minutes_per_second_or_per_started_minute(
    make_client, rounding, expected_minutes, expected_amount
):
    client = make_client()
    plan_for(client, price_per_call_minute=Decimal("1.00"), call_minute_rounding=rounding)
    for seconds in (61, 59, 120):
        record(client, "call_minutes", seconds, utc(2026, 10, 5, 10))

    (line,) = rating_for_client_month(client=client, month=OCT).lines

    assert (line.kind, line.quantity, line.amount) == (
        "call_minutes",
        expected_minutes,
        expected_amount,
    )


def test_a_corrected_call_cancels_exactly_under_started_minutes(make_client):
    client = make_client()
    plan_for(client, price_per_call_minute=Decimal("1.00"), call_minute_rounding="started_minute")

    call = record(client, "call_minutes", 61, utc(2026, 10, 5, 10))
    usage_correct(entry=call, quantity=-61, reason="test call", idempotency_key="fix-1")

    assert rating_for_client_month(client=client, month=OCT).lines == []


def test_half_a_cent_rounds_up_and_per_second_minutes_keep_their_precision(make_client):
    client = make_client(currency="EUR")
    # 30 s at 0.01 per minute = 0.005 -> 0.01 (half up); 0.5 minutes shown as 0.5000.
    plan_for(client, price_per_call_minute=Decimal("0.01"))
    record(client, "call_minutes", 30, utc(2026, 10, 5, 10))

    (line,) = rating_for_client_month(client=client, month=OCT).lines

    assert (line.quantity, line.amount) == (Decimal("0.5000"), Decimal("0.01"))


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("EUR", Decimal("1.23")), ("CZK", Decimal("1.23")), ("HUF", Decimal("1"))],
)
def test_each_currency_rounds_to_its_own_minor_unit(make_client, currency, expected):
    client = make_client(currency=currency)
    plan_for(client, price_per_chat=Decimal("0.4100"))
    for _ in range(3):
        record(client, "chat_handled", 1, utc(2026, 10, 5, 10))

    (line,) = rating_for_client_month(client=client, month=OCT).lines

    assert line.amount == expected == money_round(Decimal("1.23"), currency)


def test_included_volume_is_pro_rata_and_surcharges_apply_to_every_unit(make_client):
    client = make_client(currency="CZK")
    plan_for(
        client,
        date(2026, 10, 1),
        price_per_email=Decimal("50"),
        included_emails=31,
        out_of_hours_surcharge_percent=Decimal("25"),
        surcharges=[("Nordic", ["sv", "da"], Decimal("20"))],
    )
    plan_for(client, date(2026, 10, 11), price_per_email=Decimal("50"), included_emails=31)
    for day in (2, 3, 4):  # 3 e-mails under the first version (10 days: 10 included)
        record(client, "email_answered", 1, utc(2026, 10, day, 10), language="sv")
    record(client, "email_answered", 1, utc(2026, 10, 5, 2), language="cs", out_of_hours=True)

    lines = lines_by_kind(rating_for_client_month(client=client, month=OCT))

    email = lines["emails"][0]
    assert (email.quantity, email.included, email.amount) == (
        Decimal(4),
        Decimal(4),
        Decimal("0.00"),
    )
    (nordic,) = lines["language_surcharge"]
    assert (nordic.label, nordic.quantity, nordic.amount) == (
        "Nordic",
        Decimal("150.0000"),
        Decimal("30.00"),
    )
    assert lines["out_of_hours"][0].amount == Decimal("12.50")


def test_telephony_is_passed_through_with_its_margin_as_a_line_of_its_own(make_client):
    client = make_client(currency="EUR")
    plan_for(client, telephony_margin_percent=Decimal("10"))
    record(client, "telephony_cost", "0.0125", utc(2026, 10, 5, 10), currency="EUR")
    record(client, "telephony_cost", "1.0000", utc(2026, 10, 6, 10), currency="EUR")

    rating = rating_for_client_month(client=client, month=OCT)
    lines = lines_by_kind(rating)

    assert lines["telephony"][0].amount == Decimal("1.01")  # 1.0125
    assert lines["telephony_margin"][0].amount == Decimal("0.10")  # 0.10125
    assert rating.cost == Decimal("1.0125")


def test_telephony_cost_in_another_currency_is_converted_at_the_rate_of_its_day(make_client):

    client = make_client(currency="CZK")
    plan_for(client)
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="CZK", valid_on=date(2026, 9, 30), rate=Decimal("23.10")
    )
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="CZK", valid_on=date(2026, 10, 15), rate=Decimal("24.00")
    )
    record(client, "telephony_cost", "0.0130", utc(2026, 10, 14, 21, 59), currency="USD")
    record(client, "telephony_cost", "0.0130", utc(2026, 10, 14, 22, 1), currency="USD")
    record(client, "telephony_cost", "1.00", utc(2026, 10, 20, 10), currency="CZK")

    rating = rating_for_client_month(client=client, month=OCT)

    # 0.013 x 23.10 (14th, Prague) + 0.013 x 24.00 (15th, Prague) + 1.00 = 1.6123
    (line,) = rating.lines
    assert (line.quantity, line.amount) == (Decimal("1.6123"), Decimal("1.61"))
    assert rating.cost == Decimal("1.6123")


def test_telephony_cost_without_an_exchange_rate_is_refused_with_the_reason(make_client):

    client = make_client(currency="CZK")
    plan_for(client)
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="CZK", valid_on=date(2026, 10, 10), rate=Decimal("23.10")
    )
    record(client, "telephony_cost", "0.013", utc(2026, 10, 5, 10), currency="USD")

    with pytest.raises(RatingError, match="no USD->CZK exchange rate on or before 2026-10-05"):
        rating_for_client_month(client=client, month=OCT)


def test_a_month_without_usage_is_charged_its_base_fee(make_client):
    client = make_client(currency="PLN")
    plan_for(client, base_monthly_fee=Decimal("999.99"))

    (line,) = rating_for_client_month(client=client, month=OCT).lines

    assert (line.kind, line.quantity, line.unit, line.amount) == (
        "base_fee",
        Decimal(1),
        "month",
        Decimal("999.99"),
    )


def test_usage_on_a_day_without_a_plan_is_an_error_naming_the_day(make_client):
    client = make_client()
    plan_for(client, date(2026, 10, 10), price_per_email=Decimal(1))
    record(client, "email_answered", 1, utc(2026, 10, 3, 10))

    with pytest.raises(RatingError, match="2026-10-03"):
        rating_for_client_month(client=client, month=OCT)


def test_all_clients_are_rated_in_one_pass_each_with_its_own_result(make_client):
    good, bad = make_client(currency="RON"), make_client(currency="HUF")
    plan_for(good, price_per_chat=Decimal("2.5"))
    record(good, "chat_handled", 1, utc(2026, 10, 5, 10))
    record(bad, "chat_handled", 1, utc(2026, 10, 5, 10))

    results = {r.client.pk: r for r in ratings_for_month(month=OCT, clients=[good, bad])}

    assert results[good.pk].rating.total == Decimal("2.50")
    assert results[bad.pk].rating is None and "no price plan" in results[bad.pk].error


def test_the_included_volume_of_part_of_a_month_is_exact_at_whole_units(make_client):
    client = make_client(currency="EUR")
    # 10 of November's 30 days of 3 e-mails a month: exactly 1 included (10/30 x 3 as a
    # 28-digit decimal is 0.99999... and would round down to none).
    plan_for(client, date(2026, 11, 1), price_per_email=Decimal(1), included_emails=3)
    plan_for(client, date(2026, 11, 11), price_per_email=Decimal(1))
    for day in (2, 3):
        record(client, "email_answered", 1, utc(2026, 11, day, 9))

    rating = rating_for_client_month(client=client, month=date(2026, 11, 1))
    (emails,) = [line for line in rating.lines if line.kind == "emails"]

    assert (emails.quantity, emails.included, emails.amount) == (
        Decimal(2),
        Decimal(1),
        Decimal("1.00"),
    )


def test_the_amounts_do_not_depend_on_the_order_of_the_usage_groups():
    """Per-second minutes are thirds and sixths of a cent: summed in sixtieths they are
    exact, so the all-clients run and a one-client run always agree to the cent. Here the
    minutes cost exactly 1651.955, i.e. 1651.96; summed as 28-digit quotients they gave
    1651.95 in some orders."""

    plan = PlanTerms(
        id=1,
        currency="EUR",
        valid_from=date(2026, 1, 1),
        valid_to=None,
        base_monthly_fee=Decimal(0),
        included_call_minutes=7,
        included_emails=0,
        included_chats=0,
        price_per_call_minute=Decimal("0.95"),
        call_minute_rounding="second",
        price_per_email=Decimal(0),
        price_per_chat=Decimal(0),
        out_of_hours_surcharge_percent=Decimal("20"),
        telephony_margin_percent=Decimal(0),
        surcharges=(("Nordic", ("sv", "da"), Decimal("25")),),
    )
    rng = random.Random(24)
    count = rng.randrange(5, 60)
    seconds = [rng.randrange(1, 4000) for _ in range(count)]
    rng.choice(range(5))  # keeps the sequence of the search that found this case
    languages = (["sv", "da", "cs", "de"] * 15)[:count]
    groups = [
        UsageGroup(
            plan_id=1,
            kind="call_minutes",
            language=language,
            out_of_hours=number % 3 == 0,
            currency="",
            events=1,
            quantity=Decimal(value),
            started_minutes=Decimal(0),
            first_day=OCT,
        )
        for number, (value, language) in enumerate(zip(seconds, languages, strict=True))
    ]
    amounts = set()
    for _ in range(30):
        rng.shuffle(groups)
        rating = rate_month(currency="EUR", month=OCT, plans=[plan], usage=groups)
        amounts.add(tuple(line.amount for line in rating.lines))

    assert amounts == {(Decimal("1651.96"), Decimal("214.80"), Decimal("111.36"))}


def mixed_month(make_client) -> list:
    """Clients in four currencies and zones, a plan changing mid-month for some, USD
    telephony cost at a rate changing daily, their rows interleaved in the ledger's order."""
    rng = random.Random(2024)
    zones = [
        ("EUR", "Europe/Berlin"),
        ("CZK", "Europe/Prague"),
        ("HUF", "Europe/Budapest"),
        ("RON", "Europe/Bucharest"),
    ]
    clients = [make_client(currency=c, time_zone=z) for c, z in zones for _ in range(2)]
    for number, client in enumerate(clients):
        terms = {
            "base_monthly_fee": Decimal(300 + number),
            "price_per_email": Decimal("2.35"),
            "price_per_chat": Decimal("1.15"),
            "price_per_call_minute": Decimal("0.95"),
            "included_emails": 3,
            "out_of_hours_surcharge_percent": Decimal("20"),
            "telephony_margin_percent": Decimal("12.5"),
            "call_minute_rounding": "started_minute" if number % 2 else "second",
            "surcharges": [("Nordic", ["sv"], Decimal("25"))],
        }
        plan_for(client, date(2026, 1, 1), **terms)
        if number % 3 == 0:
            plan_for(client, date(2026, 10, 17), **{**terms, "price_per_email": Decimal("2.9")})
    day = date(2026, 9, 25)
    while day < date(2026, 11, 5):
        for currency, _ in zones:
            rate = Decimal("1.0") + Decimal(day.toordinal() % 97) / 1000
            ExchangeRate.objects.create(
                from_currency="USD", to_currency=currency, valid_on=day, rate=rate
            )
        day += timedelta(days=2)  # every other day: most days take the day before's
    kinds = ["email_answered", "chat_handled", "call_minutes", "telephony_cost"]
    for _ in range(400):
        client = rng.choice(clients)
        kind = rng.choice(kinds)
        # 30 September to 1 November (UTC): both month edges, in every zone.
        at = utc(2026, 9, 30, 12) + timedelta(seconds=rng.randrange(32 * 86400))
        extra = {"language": rng.choice(["cs", "sv", "de"]), "out_of_hours": rng.random() < 0.3}
        if kind == "telephony_cost":
            quantity = Decimal(rng.randrange(1, 2000)) / 1000
            extra["currency"] = "USD" if rng.random() < 0.5 else client.currency
        elif kind == "call_minutes":
            quantity = Decimal(rng.randrange(1, 900))
        else:
            quantity = Decimal(1)
        entry = record(client, kind, quantity, at, **extra)
        if rng.random() < 0.1:  # a correction: negative, at the corrected entry's time
            usage_correct(
                entry=entry, quantity=-quantity, reason="test", idempotency_key=f"fix:{entry.pk}"
            )
    return clients


def python_rating(client, month):
    """The month rated from the raw rows in Python, group by group as the SQL groups them:
    a reference that shares no SQL with rating's."""
    plans = plan_terms_for_month(month=month, client_ids=[client.pk])[client.pk]
    rates = list(ExchangeRate.objects.filter(to_currency=client.currency).order_by("-valid_on"))
    groups: dict[tuple, dict] = {}
    for row in ledger_rows_for_month(client=client, month=month):
        day = row.occurred_at.astimezone(client.tz).date()
        plan = next(
            p.id for p in plans if p.valid_from <= day and (p.valid_to is None or day < p.valid_to)
        )
        rate = Decimal(1)
        if row.currency not in ("", client.currency):
            rate = next(
                r.rate for r in rates if r.from_currency == row.currency and r.valid_on <= day
            )
        key = (plan, row.kind, row.language, row.out_of_hours, row.currency)
        group = groups.setdefault(
            key, {"events": 0, "qty": Decimal(0), "started": Decimal(0), "conv": Decimal(0)}
        )
        group["events"] += 1
        group["qty"] += row.quantity
        group["conv"] += row.quantity * rate
        if row.kind == "call_minutes":
            minutes = (abs(row.quantity) / 60).to_integral_value(rounding="ROUND_CEILING")
            group["started"] += minutes if row.quantity >= 0 else -minutes
        group.setdefault("first_day", day)
    usage = [
        UsageGroup(
            plan_id=plan,
            kind=kind,
            language=language,
            out_of_hours=night,
            currency=currency,
            events=g["events"],
            quantity=g["qty"],
            started_minutes=g["started"],
            first_day=g["first_day"],
            converted=g["conv"],
        )
        for (plan, kind, language, night, currency), g in groups.items()
    ]
    return rate_month(currency=client.currency, month=month, plans=plans, usage=usage)


def test_the_month_rated_for_all_clients_at_once_equals_each_client_rated_alone(make_client):
    clients = mixed_month(make_client)

    together = {r.client.pk: r.rating for r in ratings_for_month(month=OCT, clients=clients)}

    for client in clients:
        alone = rating_for_client_month(client=client, month=OCT)
        reference = python_rating(client, OCT)
        assert together[client.pk].lines == alone.lines == reference.lines, client.currency
        assert together[client.pk].total == reference.total
        assert together[client.pk].cost == reference.cost
    assert {line.kind for r in together.values() for line in r.lines} >= {
        "base_fee",
        "emails",
        "chats",
        "call_minutes",
        "language_surcharge",
        "out_of_hours",
        "telephony",
        "telephony_margin",
    }


def test_rating_reads_the_ledger_once_without_jit_and_without_a_lookup_per_row(make_client):
    clients = mixed_month(make_client)

    with CaptureQueriesContext(connection) as queries:
        ratings_for_month(month=OCT, clients=clients)

    statements = [q["sql"] for q in queries.captured_queries]
    reads = [sql for sql in statements if "billing_usage" in sql]
    assert len(reads) == 1
    assert "billing_usage_groups(" in reads[0]  # the ledger is read in the function alone
    assert statements.index("SET LOCAL jit = off") < statements.index(reads[0])
    # The exchange rate and the plan of a day are joined, not looked up per ledger row: no
    # node that reads the ledger below it runs a subplan (the plan is looked up per day).
    plan = function_plan(clients[0])
    assert not any(
        subplans and any(reads_ledger(child) for child in children)
        for subplans, children in walk(plan)
    )
    # The covering index has every column rating reads: a client's month can be read from
    # it alone (the planner picks that on a big ledger; on this small one, only when told).
    plan = function_plan(
        clients[0], "enable_seqscan", "enable_bitmapscan", "enable_indexscan"
    )  # index-only scans are left
    (ledger,) = [n for n in nodes(plan) if n.get("Relation Name") == "billing_usageentry"]
    assert (ledger["Node Type"], ledger["Index Name"]) == (
        "Index Only Scan",
        "billing_usage_client_rating",
    )


def test_the_clients_are_shared_among_parallel_workers(make_client):
    clients = [make_client() for _ in range(3)]

    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = usage_statement(
            cursor=cursor, month=OCT, client_ids=[client.pk for client in clients]
        )
        with parallel_rating(cursor):
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            (plan,) = cursor.fetchone()[0]
        # The transaction's next statements are planned as before.
        cursor.execute("SHOW parallel_setup_cost")
        assert cursor.fetchone() == ("1000",)

    # The clients are scanned in parallel and each worker calls the function for its own:
    # the whole statement below the Gather, not only the clients' rows.
    top = plan["Plan"]
    assert top["Node Type"] == "Gather" and top["Workers Planned"] >= 1
    (scan,) = [node for node in nodes(top) if node.get("Relation Name") == "tenants_client"]
    assert scan["Parallel Aware"]
    assert "Function Scan" in [node["Node Type"] for node in nodes(top)]


def test_the_function_reads_every_local_day_of_the_month_and_no_other(make_client):
    client = make_client(currency="EUR", time_zone="Europe/Prague")
    plan_for(client, date(2026, 1, 1), price_per_email=Decimal(1))
    # Local 31 October 23:30 and 1 November 00:30 (UTC+1); 28 February 23:30 and 1 March
    # 00:30 (UTC+1), 2027 not a leap year.
    for at in (
        utc(2026, 10, 31, 22, 30),
        utc(2026, 10, 31, 23, 30),
        utc(2027, 2, 28, 22, 30),
        utc(2027, 2, 28, 23, 30),
    ):
        record(client, "email_answered", 1, at)

    for month, last in ((OCT, date(2026, 10, 31)), (date(2027, 2, 1), date(2027, 2, 28))):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT events, first_day FROM billing_usage_groups(%s, %s, %s, %s, %s, '{}')",
                [client.pk, "EUR", "Europe/Prague", *month_bounds(month)],
            )
            assert cursor.fetchall() == [(1, last)]


def test_the_ledger_has_one_index_that_starts_with_the_client(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE i.indrelid = 'billing_usageentry'::regclass AND a.attname = 'client_id'"
        )
        # The covering index serves every lookup by client: the foreign key's own is gone.
        assert cursor.fetchall() == [("billing_usage_client_rating",)]


def function_plan(client, *disabled):
    """The plan of billing_usage_groups' body for this client's October, as PostgreSQL plans
    a SQL function's statement (generic: the arguments unknown), with ``disabled`` off."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'billing_usage_groups'")
        (body,) = cursor.fetchone()
        cursor.execute(
            "PREPARE rating_body(bigint, varchar, varchar, date, date, jsonb) AS " + body
        )
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for setting in disabled:
            cursor.execute(f"SET LOCAL {setting} = off")  # names given by the tests above
        cursor.execute(
            "EXPLAIN (FORMAT JSON) EXECUTE rating_body(%s, %s, %s, %s, %s, '{}')",
            [client.pk, client.currency, client.time_zone, *month_bounds(OCT)],
        )
        (plan,) = cursor.fetchone()[0]
        cursor.execute("DEALLOCATE rating_body")
    return plan["Plan"]


def walk(node):
    """(has a subplan, its other children) for every node of an EXPLAIN plan."""
    children = node.get("Plans", [])
    subplans = [c for c in children if c.get("Parent Relationship") == "SubPlan"]
    yield bool(subplans), [c for c in children if c not in subplans]
    for child in children:
        yield from walk(child)


def nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def reads_ledger(node) -> bool:
    return node.get("Relation Name") == "billing_usageentry" or any(
        reads_ledger(child) for child in node.get("Plans", [])
    )
