"""The demo's staffing (seeded twice): two years of contacts per hour beside the real month's
queue, Christmas quieter and the yearly sale louder in the rows themselves, the sale's client
events, the agents' shifts with one absence, and a plan the staffing page shows."""

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Max, Min, Sum
from django.utils import timezone

from accounts.models import User
from demo.staffing import DEMO_SHIFTS, SALE_CLIENT, SHIFT_WEEKS
from staffing.models import Absence, ClientEvent, ContactHour, PlanPool, PlanRun, Shift
from tenants.models import Client
from tests.support.desk import agent_with, signed_in

pytestmark = pytest.mark.django_db


def local_days(client: Client, language: str, channel: str) -> dict[date, int]:
    zone = ZoneInfo(client.time_zone)
    days: dict[date, int] = defaultdict(int)
    for hour, contacts in ContactHour.objects.filter(
        client=client, language=language, channel=channel
    ).values_list("hour", "contacts"):
        days[hour.astimezone(zone).date()] += contacts
    return days


def test_two_years_of_history_beside_the_real_months_queue(demo_seeded):
    now = timezone.now()
    imported = ContactHour.objects.filter(source=ContactHour.Source.IMPORT)
    span = imported.aggregate(first=Min("hour"), last=Max("hour"))
    assert now - span["first"] > timedelta(weeks=104)
    # On to today (an hour of the night may have no contact, so no row).
    assert now - span["last"] < timedelta(hours=12)
    # The real month's queue rolled up too; no hour is both (one row per hour by the key).
    assert ContactHour.objects.filter(source=ContactHour.Source.QUEUE).exists()
    assert imported.aggregate(total=Sum("contacts"))["total"] > 150_000


def test_christmas_is_quieter_and_the_sale_louder(demo_seeded):
    bohemia = Client.objects.get(slug="bohemia-shoes")
    year = timezone.now().year - 1
    calls = local_days(bohemia, "cs", "call")
    email = local_days(bohemia, "cs", "email")
    christmas = [date(year, 12, 24) + timedelta(days=n) for n in range(3)]
    before = [day - timedelta(weeks=1) for day in christmas]
    assert sum(calls[day] for day in christmas) == 0 < sum(calls[day] for day in before)
    assert sum(email[day] for day in christmas) < 0.6 * sum(email[day] for day in before)

    wisla = Client.objects.get(slug=SALE_CLIENT)
    events = list(ClientEvent.objects.filter(client=wisla).order_by("starts_on"))
    assert len(events) == 3  # two in the history, the coming one (seeded twice: not six)
    today = timezone.localdate()
    *past, coming = events
    assert today < coming.starts_on <= today + timedelta(weeks=4)
    assert coming.uplift_percent is None  # learnt from the earlier ones
    wisla_email = local_days(wisla, "pl", "email")
    for event in past:
        assert event.uplift_percent == 80
        sale = sum(wisla_email[event.starts_on + timedelta(days=n)] for n in range(7))
        week_before = sum(wisla_email[event.starts_on - timedelta(days=7 - n)] for n in range(7))
        assert sale > 1.5 * week_before


def test_the_agents_have_shifts_for_three_weeks_and_one_absence(demo_seeded):
    agents = User.objects.filter(username__in=DEMO_SHIFTS)
    shifts = Shift.objects.filter(agent__in=agents)
    expected = SHIFT_WEEKS * sum(len(week) for week in DEMO_SHIFTS.values())
    assert shifts.count() == expected == 3 * (5 + 6 + 5 + 5 + 5)
    absence = Absence.objects.get(agent__in=agents)
    assert absence.agent.username == "lena" and absence.kind == Absence.Kind.SICK
    assert (
        shifts.filter(agent=absence.agent, starts_at__lt=absence.ends_at)
        .filter(ends_at__gt=absence.starts_at)
        .count()
        == 1
    )


def test_the_plan_is_made_once_and_the_page_shows_it(demo_seeded, two_clients):
    runs = PlanRun.objects.filter(status=PlanRun.Status.DONE)
    assert runs.count() == 1
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    response = signed_in(supervisor).get("/desk/staffing/")
    assert response.status_code == 200
    assert 'id="contacts-chart"' in response.text and 'id="agents-chart"' in response.text
    assert "Missing (hatched)" in response.text


def test_the_forecast_beats_the_seasonal_baseline_on_the_demos_history(demo_seeded):
    """The backtest of the demo's plan: each pool's last four weeks of history forecast from
    what came before, by the model and by the same hour a week earlier (docs/staffing.md,
    "Forecast", states the figures)."""
    run = PlanRun.objects.get(status=PlanRun.Status.DONE)
    pools = [p for p in PlanPool.objects.filter(run=run) if p.backtest_mape is not None]
    assert len(pools) >= 6
    figures = {
        (p.language, p.channel): (round(p.backtest_mape * 100, 1), round(p.baseline_mape * 100, 1))
        for p in pools
    }
    print("model MAPE %, baseline MAPE % by pool:", figures)
    better = [pool for pool, (model, baseline) in figures.items() if model < baseline]
    # Honestly not everywhere: on 2026-12-07 the model won 24 of the 27 pools (it lost the
    # German calls and chats and the Polish chats, the pools whose last weeks were the
    # noisiest); the demo's history moves with the day it is seeded, so the bar is two thirds.
    assert len(better) >= 2 * len(figures) / 3, f"the baseline wins on {set(figures) - set(better)}"
    weight = sum(p.history_contacts for p in pools)
    model = sum(p.backtest_mape * p.history_contacts for p in pools) / weight
    baseline = sum(p.baseline_mape * p.history_contacts for p in pools) / weight
    assert model < 0.9 * baseline  # 22.6 % against 30.6 % on 2026-12-07
    assert abs(sum(p.backtest_bias for p in pools) / len(pools)) < 0.1
