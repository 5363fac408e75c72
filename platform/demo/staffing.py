"""The demo's staffing: two years of contacts per hour (``demo.staffing_history``, inserted
as an import from a previous system), the yearly sale of Wisła Sport as client events, the
agents' shifts for this week and the next two (with gaps, spare hours and one absence), and
a plan made from it all, so that the staffing page has something to show."""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from demo.cast import DEMO_CLIENTS, HISTORY_REACH
from demo.staffing_history import (
    SALE_UPLIFT,
    HistoryClient,
    contact_history,
    history_span,
    sale_spans,
)
from hours.selectors import client_calendar
from staffing.models import Absence, ClientEvent, ContactHour, PlanRun, Shift
from staffing.plan import plan_make
from staffing.services import HistoryRow, contact_hours_roll, history_bulk_insert
from tenants.models import Client

SALE_CLIENT = "wisla-sport"
SALE_NAME = "Anniversary sale"
# The sale begins this many days after the seeding each year, so the coming one always
# falls inside the plan's four weeks and the two before it inside the history.
SALE_IN_DAYS = 10
SHIFT_WEEKS = 3  # this week and the next two

# Each agent's week in their own time zone: weekday -> (start, end), local.
_WEEKDAYS = range(5)
DEMO_SHIFTS: dict[str, dict[int, tuple[time, time]]] = {
    "jana": {day: (time(7), time(15)) for day in _WEEKDAYS},
    "piotr": {**{day: (time(9), time(17)) for day in _WEEKDAYS}, 5: (time(9), time(13))},
    "lena": {day: (time(8), time(16)) for day in _WEEKDAYS},
    "andrei": {**{day: (time(10), time(18)) for day in range(4)}, 5: (time(8), time(12))},
    "mateja": {day: (time(8), time(16)) for day in _WEEKDAYS},
}
# Lena is ill on Wednesday of next week (her shift that day does not count).
DEMO_ABSENCE = ("lena", 7 + 2)


def seed_staffing(log: Callable[[str], None]) -> None:
    """History, the sale's events, shifts with an absence, and a plan; each part once."""
    now = timezone.now()
    clients = list(Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]))
    sale_day = _sale_day(now)
    rows = _history_seed(clients, now=now, sale_day=sale_day)
    log(f"staffing history: {rows} hours of contacts imported" if rows else "staffing history")
    events = _sale_events_seed(clients, now=now, sale_day=sale_day)
    log(f"staffing events: {events} of {SALE_CLIENT}'s yearly sale")
    shifts = _shifts_seed(now=now)
    log(f"staffing shifts: {shifts} for this week and the next two, one absence")
    if not PlanRun.objects.filter(status=PlanRun.Status.DONE).exists():
        run = plan_make(now=now)
        log(f"staffing plan: {run}")


def _sale_day(now: datetime) -> tuple[int, int]:
    first = (now + timedelta(days=SALE_IN_DAYS)).date()
    # 29 February would not come every year.
    return (first.month, min(first.day, 28) if first.month == 2 else first.day)


def _history_clients(clients: Iterable[Client], *, sale_day: tuple[int, int]) -> list:
    return [
        HistoryClient(
            key=client.slug,
            countries=client.countries,
            languages=client.languages,
            time_zone=client.time_zone,
            weekly_hours=client_calendar(client).weekly_hours,
            sale_day=sale_day if client.slug == SALE_CLIENT else None,
        )
        for client in clients
    ]


def _history_seed(clients: list[Client], *, now: datetime, sale_day: tuple[int, int]) -> int:
    """The real month rolled up from the work queue, then the made-up history around it,
    unless the demo clients have an imported one already. The demo's queue holds a sample
    of a month (a few contacts a day), so the made-up hours go on to today beside it: an
    hour the queue has is the queue's, every other hour the import's (never both added)."""
    if ContactHour.objects.filter(client__in=clients, source=ContactHour.Source.IMPORT).exists():
        return 0
    contact_hours_roll(start=now - HISTORY_REACH, end=now, now=now)
    start, end = history_span(real_history_starts=now - HISTORY_REACH, now=now)
    ids = {client.slug: client.pk for client in clients}
    taken = set(
        ContactHour.objects.filter(client__in=clients, hour__gte=start).values_list(
            "client_id", "language", "channel", "hour"
        )
    )
    made = contact_history(
        clients=_history_clients(clients, sale_day=sale_day), start=start, end=end
    )
    rows = (
        HistoryRow(
            client_id=ids[row.client],
            language=row.language,
            channel=row.channel,
            hour=row.hour,
            contacts=row.contacts,
            handled=row.handled,
            handle_seconds=row.handle_seconds,
            abandoned=row.abandoned,
            wait_seconds=row.wait_seconds,
        )
        for row in made
        if (ids[row.client], row.language, row.channel, row.hour) not in taken
    )
    return history_bulk_insert(rows=rows)


def _sale_events_seed(clients: list[Client], *, now: datetime, sale_day: tuple[int, int]) -> int:
    """One ClientEvent per yearly sale: the past ones in the history and the coming one."""
    client = next((c for c in clients if c.slug == SALE_CLIENT), None)
    if client is None:
        return 0
    history = _history_clients([client], sale_day=sale_day)[0]
    today = now.date()
    spans = sale_spans(
        history, start=today - timedelta(weeks=104 + 5), end=today + timedelta(weeks=4)
    )
    for first, last in spans:
        ClientEvent.objects.get_or_create(
            client=client,
            name=f"{SALE_NAME} {first.year}",
            starts_on=first,
            defaults={
                "ends_on": last,
                "uplift_percent": None if first > today else int(SALE_UPLIFT * 100),
            },
        )
    return len(spans)


def _week_start(now: datetime, zone: ZoneInfo) -> date:
    today = now.astimezone(zone).date()
    return today - timedelta(days=today.weekday())


def _shifts_seed(*, now: datetime) -> int:
    """The demo agents' shifts this week and the next two, unless they have some then."""
    agents = {user.username: user for user in User.objects.filter(username__in=DEMO_SHIFTS)}
    made = 0
    for username, week in DEMO_SHIFTS.items():
        agent = agents.get(username)
        if agent is None:
            continue
        zone = ZoneInfo(agent.time_zone)
        monday = _week_start(now, zone)
        span_end = datetime.combine(monday + timedelta(weeks=SHIFT_WEEKS), time(0), tzinfo=zone)
        span_start = datetime.combine(monday, time(0), tzinfo=zone)
        if Shift.objects.filter(
            agent=agent, starts_at__lt=span_end, ends_at__gt=span_start
        ).exists():
            continue
        shifts = [
            Shift(
                agent=agent,
                starts_at=datetime.combine(day, week[day.weekday()][0], tzinfo=zone).astimezone(
                    UTC
                ),
                ends_at=datetime.combine(day, week[day.weekday()][1], tzinfo=zone).astimezone(UTC),
                note="demo",
            )
            for day in (monday + timedelta(days=n) for n in range(7 * SHIFT_WEEKS))
            if day.weekday() in week
        ]
        Shift.objects.bulk_create(shifts)
        made += len(shifts)
        if username == DEMO_ABSENCE[0]:
            sick = monday + timedelta(days=DEMO_ABSENCE[1])
            Absence.objects.get_or_create(
                agent=agent,
                starts_at=datetime.combine(sick, time(0), tzinfo=zone).astimezone(UTC),
                ends_at=datetime.combine(sick + timedelta(days=1), time(0), tzinfo=zone).astimezone(
                    UTC
                ),
                defaults={"kind": Absence.Kind.SICK, "note": "demo"},
            )
    return made
