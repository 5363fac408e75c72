"""Making a plan from the history, and the what-if of a new client (staffing.plan)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection

from billing.models import ExchangeRate
from hours.models import SlaTarget
from routing.models import WorkItem
from staffing import plan as plan_module
from staffing.models import ClientEvent, ContactHour, PlanHour, PlanPool, PlanRun
from staffing.plan import PlanAlreadyRunning, WhatIf, plan_make, whatif_estimate
from staffing.rules import agents_on_shift
from staffing.selectors import staffing_settings

pytestmark = pytest.mark.django_db

PRAGUE = ZoneInfo("Europe/Prague")
# A Monday morning in November (no Czech public holiday in the four weeks after it).
NOW = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
HORIZON = datetime(2026, 11, 2, tzinfo=UTC)


def _history(client, *, weeks: int, calls_per_open_hour: int = 6, emails_per_hour: int = 2):
    """``weeks`` weeks before the horizon: calls in the client's open hours (Monday to Friday,
    8:00-16:00 Prague), e-mail at every hour, some callers hanging up."""
    rows = []
    start = HORIZON - timedelta(weeks=weeks)
    for index in range(weeks * 7 * 24):
        hour = start + timedelta(hours=index)
        local = hour.astimezone(PRAGUE)
        if local.weekday() < 5 and 8 <= local.hour < 16:
            rows.append(
                ContactHour(
                    client=client,
                    language="cs",
                    channel="call",
                    hour=hour,
                    contacts=calls_per_open_hour,
                    handled=calls_per_open_hour - 1,
                    handle_seconds=(calls_per_open_hour - 1) * 240,
                    abandoned=1,
                    wait_seconds=calls_per_open_hour * 30,
                )
            )
        rows.append(
            ContactHour(
                client=client,
                language="cs",
                channel="email",
                hour=hour,
                contacts=emails_per_hour,
                handled=emails_per_hour,
                handle_seconds=emails_per_hour * 300,
            )
        )
    ContactHour.objects.bulk_create(rows)


def test_a_plan_forecasts_and_staffs_every_pool_hour_by_hour(two_clients):
    _history(two_clients.a, weeks=10)
    SlaTarget.objects.create(client=two_clients.a, channel="email", first_response_hours=8)

    run = plan_make(now=NOW)

    assert run.status == PlanRun.Status.DONE, run.error
    assert run.horizon_start == HORIZON and run.horizon_hours == 4 * 7 * 24
    assert run.settings_used["shrinkage"] == 30
    pools = {(p.language, p.channel): p for p in PlanPool.objects.filter(run=run)}
    assert set(pools) == {("cs", "call"), ("cs", "email")}
    call, email = pools[("cs", "call")], pools[("cs", "email")]
    # The handle time and patience come from the last eight weeks of history.
    assert call.handle_seconds == pytest.approx(240)
    assert call.patience_seconds == pytest.approx(6 * 30)  # waited seconds per abandoned call
    assert email.handle_seconds == pytest.approx(300)
    assert email.promise_hours == 8
    assert call.backtest_mape is not None and email.backtest_mape is not None
    hours = {(h.pool_id, h.hour): h for h in PlanHour.objects.filter(pool__run=run)}
    assert len(hours) == 2 * run.horizon_hours
    # Monday 10:00 Prague is open: six calls forecast, agents to answer them.
    monday_ten = datetime(2026, 11, 9, 10, tzinfo=PRAGUE).astimezone(UTC)
    open_call = hours[(call.pk, monday_ten)]
    assert open_call.forecast == pytest.approx(6, abs=1)
    assert open_call.agents >= 1 and open_call.service_level >= 0.8
    # Sunday 10:00: no call comes, nobody is needed for calls, and no e-mail is worked.
    sunday_ten = datetime(2026, 11, 8, 10, tzinfo=PRAGUE).astimezone(UTC)
    assert hours[(call.pk, sunday_ten)].forecast == pytest.approx(0, abs=0.5)
    assert hours[(call.pk, sunday_ten)].agents == 0
    assert hours[(email.pk, sunday_ten)].agents == 0
    # The e-mail of the whole week (2 an hour, 5 minutes each) is worked in the open hours:
    # 336 e-mails * 300 s = 28 agent-hours over the 40 open hours of the week.
    week = [monday_ten - timedelta(hours=2) + timedelta(hours=i) for i in range(7 * 24)]
    email_week = sum(hours[(email.pk, h)].agents for h in week)
    assert email_week == pytest.approx(28, rel=0.15)


def test_without_history_the_plan_is_done_and_empty(two_clients):
    run = plan_make(now=NOW)

    assert run.status == PlanRun.Status.DONE
    assert not PlanPool.objects.filter(run=run).exists()


def test_a_plan_that_fails_is_kept_with_the_reason(two_clients, monkeypatch):
    _history(two_clients.a, weeks=2)

    def broken(**kwargs):
        raise ValueError("the history could not be read")

    monkeypatch.setattr(plan_module.selectors, "pool_hourly_history", broken)
    run = plan_make(now=NOW)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert run.error == "ValueError: the history could not be read"
    assert run.finished_at is not None
    assert not PlanPool.objects.filter(run=run).exists()


def test_a_coming_sale_raises_the_forecast_of_its_days_only(two_clients):
    _history(two_clients.a, weeks=10)
    ClientEvent.objects.create(
        client=two_clients.a,
        name="Black Friday",
        starts_on=date(2026, 11, 23),
        ends_on=date(2026, 11, 27),
        uplift_percent=80,
    )

    run = plan_make(now=NOW)

    assert run.status == PlanRun.Status.DONE, run.error
    email = PlanPool.objects.get(run=run, language="cs", channel="email")

    def day_total(day: date) -> float:
        start = datetime.combine(day, time(), PRAGUE).astimezone(UTC)
        return sum(
            PlanHour.objects.filter(
                pool=email, hour__gte=start, hour__lt=start + timedelta(days=1)
            ).values_list("forecast", flat=True)
        )

    sale, week_before = day_total(date(2026, 11, 24)), day_total(date(2026, 11, 17))
    assert sale == pytest.approx(week_before * 1.8, rel=0.1)


def test_email_waiting_when_the_plan_starts_is_worked_by_its_own_due_time(two_clients):
    """Work waiting when the horizon starts keeps the due time it was promised: e-mails due
    at 16:00 on Monday are worked on Monday, not given a fresh 48-hour promise."""
    _history(two_clients.a, weeks=10)
    quiet = plan_make(now=NOW)
    WorkItem.objects.bulk_create(
        WorkItem(
            client=two_clients.a,
            channel="email",
            language="cs",
            source_kind="conversation",
            source_id=9000 + n,
            waiting_since=HORIZON - timedelta(hours=5),
            due_at=datetime(2026, 11, 2, 16, tzinfo=PRAGUE),
        )
        for n in range(120)
    )

    busy = plan_make(now=NOW)

    def agent_hours(run, *, until):
        pool = PlanPool.objects.get(run=run, language="cs", channel="email")
        hours = PlanHour.objects.filter(pool=pool, hour__lt=until)
        return sum(hours.values_list("agents", flat=True))

    # 120 e-mails of 5 minutes are 10 agent-hours, all before 16:00 on Monday (besides the
    # e-mail arriving meanwhile); without them Monday morning needs little.
    monday_four = datetime(2026, 11, 2, 16, tzinfo=PRAGUE)
    assert agent_hours(busy, until=monday_four) >= 10
    assert agent_hours(quiet, until=monday_four) < 3
    # Over the four weeks the waiting work adds at most its own 10 agent-hours (less where
    # Monday's extra hands also keep pace with the new e-mail sooner).
    end = HORIZON + timedelta(weeks=4)
    added = agent_hours(busy, until=end) - agent_hours(quiet, until=end)
    assert 5 < added <= 10.01


def _hungary(**changes) -> WhatIf:
    spec = {
        "country": "HU",
        "language": "hu",
        "zone": "Europe/Budapest",
        "weekdays": frozenset(range(5)),
        "opens": time(8),
        "closes": time(16),
        "emails_per_month": 2000,
        "calls_per_month": 600,
        "chats_per_month": 0,
        "currency": "EUR",
    }
    return WhatIf(**(spec | changes))


def test_whatif_staffs_a_new_client_in_its_open_hours_and_prices_it(two_clients):
    result = whatif_estimate(spec=_hungary(), now=NOW)
    settings = staffing_settings()

    assert len(result.hours) == 168
    by_slot = {(h.weekday, h.hour): h for h in result.hours}
    # 600 calls a month are 138.5 a week, spread over the 40 open hours.
    assert sum(h.calls for h in result.hours) == pytest.approx(600 * 12 / 52)
    assert all(h.calls == 0 for h in result.hours if not (h.weekday < 5 and 8 <= h.hour < 16))
    assert by_slot[(0, 10)].agents_call >= 1
    assert by_slot[(6, 10)].on_shift == 0  # Sunday: closed, e-mail waits for Monday
    # Every e-mail of the week is worked, in open hours only.
    email_hours = sum(h.agents_email for h in result.hours)
    assert email_hours == pytest.approx(
        2000 * 12 / 52 * settings.email_handle_seconds / 3600, rel=1e-3
    )
    assert all(h.agents_email == 0 for h in result.hours if h.weekday >= 5)
    assert result.agent_hours_week == sum(h.on_shift for h in result.hours)
    assert result.fte == pytest.approx(result.agent_hours_week / 40)
    for hour in result.hours:
        assert hour.on_shift == agents_on_shift(
            (hour.agents_call, hour.agents_chat, hour.agents_email), shrinkage_percent=30
        )
    # Cost: the month's working hours (fractions of agents included, grossed up for the 30 %
    # shrinkage) at 18 EUR; the prices leave a 25 % margin: revenue = cost / 0.75.
    working = sum(h.agents_call + h.agents_chat + h.agents_email for h in result.hours)
    paid_month = working / 0.7 * 52 / 12
    assert result.cost_month == (Decimal(str(paid_month)) * Decimal("18.00")).quantize(
        Decimal("0.01")
    )
    assert float(result.cost_month) < result.agent_hours_month * 18  # whole agents cost more
    price = result.price
    assert price is not None and price.currency == "EUR" and price.margin_percent == 25
    call_minutes = Decimal(600) * Decimal(settings.call_handle_seconds) / 60
    revenue = price.price_per_email * 2000 + price.price_per_call_minute * call_minutes
    assert revenue >= result.cost_month / Decimal("0.75")
    assert revenue <= result.cost_month / Decimal("0.75") + Decimal("0.01") * (2000 + call_minutes)
    assert price.price_per_chat == 0


def test_whatif_in_another_currency_needs_an_exchange_rate(two_clients):
    missing = whatif_estimate(spec=_hungary(currency="HUF"), now=NOW)
    assert missing.price is None and missing.cost_month is None
    assert missing.price_missing == "No exchange rate from EUR to HUF is stored."

    ExchangeRate.objects.create(
        from_currency="EUR", to_currency="HUF", valid_on=date(2026, 10, 1), rate=Decimal("390")
    )
    priced = whatif_estimate(spec=_hungary(currency="HUF"), now=NOW)
    in_euros = whatif_estimate(spec=_hungary(), now=NOW)
    # The same hours in forints: the euro cost (rounded to cents) times 390, to a forint.
    assert abs(priced.cost_month - in_euros.cost_month * 390) <= Decimal("0.005") * 390 + 1
    assert priced.price is not None and priced.price.price_per_email == (
        priced.price.price_per_email.quantize(Decimal(1))
    )


def test_one_plan_is_made_at_a_time_and_a_stopped_one_is_marked_failed(two_clients):
    stopped = PlanRun.objects.create(
        started_at=NOW - timedelta(hours=3),
        horizon_start=HORIZON,
        history_start=HORIZON - timedelta(weeks=104),
    )
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(hashtextextended('staffing.plan', 0))")
        with pytest.raises(PlanAlreadyRunning):
            plan_make(now=NOW)
        stopped.refresh_from_db()
        assert stopped.status == PlanRun.Status.RUNNING  # untouched while the other one runs
    finally:
        # Unlocked before closing: the server may notice the closed connection a moment late.
        other.execute("SELECT pg_advisory_unlock(hashtextextended('staffing.plan', 0))")
        other.close()

    run = plan_make(now=NOW)

    stopped.refresh_from_db()
    assert run.status == PlanRun.Status.DONE
    assert stopped.status == PlanRun.Status.FAILED
    assert stopped.error == "Stopped before it finished (its worker was stopped)."


def test_email_is_staffed_evenly_to_the_end_of_the_horizon(two_clients):
    """The e-mail of the horizon's last days is due after it: the rule must not pile it into
    the last week (2 e-mails an hour of 5 minutes are 28 agent-hours a week)."""
    _history(two_clients.a, weeks=10)

    run = plan_make(now=NOW)

    email = PlanPool.objects.get(run=run, language="cs", channel="email")
    assert email.promise_hours == 48
    weeks = [
        sum(
            PlanHour.objects.filter(
                pool=email,
                hour__gte=HORIZON + timedelta(weeks=week),
                hour__lt=HORIZON + timedelta(weeks=week + 1),
            ).values_list("agents", flat=True)
        )
        for week in range(4)
    ]
    # The first week starts with nothing waiting (no e-mail in the queue), so it works less.
    assert weeks[1:] == [pytest.approx(28, rel=0.1)] * 3, weeks


def test_the_email_promise_is_the_strictest_of_email_sms_and_api(two_clients):
    SlaTarget.objects.create(client=two_clients.a, channel="email", first_response_hours=24)
    SlaTarget.objects.create(client=two_clients.a, channel="sms", first_response_hours=4)
    SlaTarget.objects.create(client=two_clients.b, channel="", first_response_hours=12)

    assert plan_module._email_promise_hours({two_clients.a.pk: 0.5}) == 4
    assert plan_module._email_promise_hours({two_clients.b.pk: 0.5}) == 12
    # A client below 5 % of the pool does not set its promise: the agency's 48 hours.
    assert plan_module._email_promise_hours({two_clients.a.pk: 0.04}) == 48
