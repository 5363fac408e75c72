"""Making a staffing plan, and the what-if of a new client (docs/staffing.md).

``plan_make`` reads the history per pool (``ContactHour``), forecasts each language pool and
plan channel hour by hour, and staffs every hour: Erlang A or C for calls and chats, the
backlog rule for e-mail. ``whatif_estimate`` staffs a client that is not signed yet.
"""

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.db.models.functions import TruncDate
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing.models import ExchangeRate
from billing.money import minor_unit
from hours.models import SlaTarget
from hours.selectors import DEFAULT_SLA
from routing.models import WorkItem
from staffing import selectors
from staffing.email_backlog import email_agents
from staffing.erlang import QueueTarget, agents_needed_for_hours
from staffing.forecast import PoolSeries, event_lift_learn, pool_backtest, pool_forecast
from staffing.models import ClientEvent, ContactHour, PlanHour, PlanPool, PlanRun, StaffingSettings
from staffing.rules import HOUR, agents_on_shift, hour_floor

logger = logging.getLogger(__name__)

WEEK_HOURS = 7 * 24
# The forecast learns from two years; the pools' shares, handle times and patience from the
# last eight weeks (recent enough to follow a change of clients, long enough to be stable).
HISTORY_WEEKS = 104
RECENT_WEEKS = 8
# A client below this share of a pool's e-mail does not set the pool's e-mail promise.
PROMISE_SHARE_FLOOR = 0.05
# Weeks of e-mail the what-if staffs so that the backlog reaches its steady state (an e-mail
# of Friday evening is answered on Monday; a promise may be longer than a week's open hours,
# and the level rate then settles over weeks: within 0.01 % by the eighth for a 48-hour
# promise over 40 open hours); the typical week is the eighth, two before the end.
WHATIF_WEEKS = 10
WHATIF_TYPICAL_WEEK = 7
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
# The work-queue channels of the plan's e-mail channel.
MESSAGES = ("email", "sms", "api")


def _settings_snapshot(settings: StaffingSettings) -> dict:
    fields = model_to_dict(settings, exclude=["id", "updated_by"])
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in fields.items()
    }


def _queue_target(settings: StaffingSettings, channel: str) -> QueueTarget:
    if channel == "call":
        level, seconds = settings.call_service_level, settings.call_answer_seconds
    else:
        level, seconds = settings.chat_service_level, settings.chat_answer_seconds
    return QueueTarget(
        service_level=level / 100,
        answer_seconds=float(seconds),
        max_occupancy=settings.max_occupancy / 100,
    )


def _default_handle_seconds(settings: StaffingSettings, channel: str) -> float:
    return float(
        {
            "call": settings.call_handle_seconds,
            "chat": settings.chat_handle_seconds,
            "email": settings.email_handle_seconds,
        }[channel]
    )


class PlanAlreadyRunning(Exception):
    """Another plan is being made right now (one at a time: each reads the whole history)."""


# A run still "running" after this long was stopped with its worker: it is marked failed.
STALE_AFTER = timedelta(hours=1)


@contextmanager
def _one_plan_at_a_time() -> Iterator[bool]:
    """A session lock held while a plan is made; False when another process holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended('staffing.plan', 0))")
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended('staffing.plan', 0))")


def plan_make(*, now: datetime | None = None, by: User | None = None, weeks: int = 4) -> PlanRun:
    """Forecast and staff every language pool for ``weeks`` weeks from today's start (UTC).
    The run is stored first and marked failed with the reason if anything goes wrong; one
    plan is made at a time (``PlanAlreadyRunning``)."""
    now = now or timezone.now()
    with _one_plan_at_a_time() as held:
        if not held:
            raise PlanAlreadyRunning("A plan is being made already.")
        PlanRun.objects.filter(
            status=PlanRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
        ).update(
            status=PlanRun.Status.FAILED,
            error="Stopped before it finished (its worker was stopped).",
            finished_at=timezone.now(),
        )
        return _plan_run(now=now, by=by, weeks=weeks)


def _plan_run(*, now: datetime, by: User | None, weeks: int) -> PlanRun:
    horizon_start = hour_floor(now).replace(hour=0)
    horizon_hours = weeks * WEEK_HOURS
    run = PlanRun.objects.create(
        started_at=timezone.now(),
        horizon_start=horizon_start,
        horizon_hours=horizon_hours,
        history_start=horizon_start - timedelta(weeks=HISTORY_WEEKS),
        requested_by=by,
    )
    try:
        with transaction.atomic():
            _plan_fill(run)
    except Exception as error:
        logger.exception("staffing plan %s failed", run.pk)
        run.status, run.error = PlanRun.Status.FAILED, f"{type(error).__name__}: {error}"
    else:
        run.status = PlanRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "history_start", "settings_used"])
    return run


def _plan_fill(run: PlanRun) -> None:
    settings = selectors.staffing_settings()
    run.settings_used = _settings_snapshot(settings)
    start = run.horizon_start
    first = ContactHour.objects.filter(hour__lt=start).aggregate(first=Min("hour"))["first"]
    history_start = max(run.history_start, first) if first else start - WEEK_HOURS * HOUR
    run.history_start = history_start
    recent = max(history_start, start - timedelta(weeks=RECENT_WEEKS))
    history = selectors.pool_hourly_history(start=history_start, end=start)
    # The horizon's holidays and events weigh each client by its share of the last weeks;
    # the history's by its share of the whole history, so that a client that joined lately
    # does not mark the holidays of the years before it came as quiet (nor its sale as
    # lifting them).
    shares = selectors.pool_client_shares(start=recent, end=start)
    history_shares = selectors.pool_client_shares(start=history_start, end=start)
    handle = selectors.pool_handle_seconds(start=recent, end=start)
    patience = selectors.pool_patience_seconds(start=recent, end=start)
    zones = selectors.pool_zone(start=recent, end=start)
    for (language, channel), series in sorted(history.items()):
        whole = history_shares.get((language, channel), {})
        _pool_plan(
            run=run,
            settings=settings,
            language=language,
            channel=channel,
            history=series,
            history_start=history_start,
            # A pool quiet for the last weeks keeps the shares of its whole history.
            shares=shares.get((language, channel)) or whole,
            history_shares=whole,
            handle_seconds=handle.get((language, channel)),
            patience_seconds=patience.get((language, channel)),
            zone=ZoneInfo(zones.get((language, channel), "UTC")),
        )


def _pool_plan(
    *,
    run: PlanRun,
    settings: StaffingSettings,
    language: str,
    channel: str,
    history: np.ndarray,
    history_start: datetime,
    shares: Mapping[int, float],
    history_shares: Mapping[int, float],
    handle_seconds: float | None,
    patience_seconds: float | None,
    zone: ZoneInfo,
) -> None:
    start = run.horizon_start
    end = start + run.horizon_hours * HOUR
    series = PoolSeries(
        start=history_start,
        history=history.astype(float),
        horizon_hours=run.horizon_hours,
        zone=zone,
        holiday_share=np.concatenate(
            [
                selectors.pool_holiday_share(
                    language=language, shares=history_shares, start=history_start, end=start
                ),
                selectors.pool_holiday_share(
                    language=language, shares=shares, start=start, end=end
                ),
            ]
        ),
        event_lift=np.concatenate(
            [
                _event_lift(
                    language=language,
                    channel=channel,
                    shares=history_shares,
                    start=history_start,
                    end=start,
                ),
                _event_lift(
                    language=language, channel=channel, shares=shares, start=start, end=end
                ),
            ]
        ),
    )
    forecast = pool_forecast(series)
    backtest = pool_backtest(series)
    handle = handle_seconds or _default_handle_seconds(settings, channel)
    pool = PlanPool(
        run=run,
        language=language,
        channel=channel,
        handle_seconds=handle,
        history_contacts=int(history.sum()),
        model_name=forecast.model_name,
        backtest_mape=backtest.mape,
        backtest_bias=backtest.bias,
        baseline_mape=backtest.baseline_mape,
        baseline_bias=backtest.baseline_bias,
    )
    if channel == "email":
        pool.promise_hours = _email_promise_hours(shares)
        agents: Sequence[float] = _email_plan(
            language=language,
            shares=shares,
            history=history,
            forecast=forecast.forecast,
            start=start,
            handle_seconds=handle,
            promise_hours=pool.promise_hours,
        )
        levels: Sequence[float | None] = [None] * len(agents)
    else:
        pool.patience_seconds = _erlang_a_patience(
            patience_seconds if channel == "call" else None, handle_seconds=handle
        )
        staffed = agents_needed_for_hours(
            forecast.forecast.tolist(),
            handle_seconds=handle,
            target=_queue_target(settings, channel),
            patience_seconds=pool.patience_seconds,
            concurrency=settings.chat_concurrency if channel == "chat" else 1,
        )
        # Calls and chats reach agents only while a client of the pool is open (outside its
        # hours a caller hears the closed message): nobody is needed for them then.
        is_open = selectors.pool_open_hours(
            language=language, client_ids=list(shares), start=start, end=end
        )
        agents = [float(hour.agents) if is_open[i] else 0.0 for i, hour in enumerate(staffed)]
        levels = [hour.service_level if is_open[i] else None for i, hour in enumerate(staffed)]
    pool.save()
    PlanHour.objects.bulk_create(
        PlanHour(
            pool=pool,
            hour=start + index * HOUR,
            forecast=float(forecast.forecast[index]),
            baseline=float(forecast.baseline[index]),
            agents=float(agents[index]),
            service_level=levels[index],
        )
        for index in range(run.horizon_hours)
    )


# Erlang A with a patience many times the handle time staffs as Erlang C does, and its queue
# (about 2 * arrivals / abandonment rate states) grows too long to compute quickly.
ERLANG_C_BEYOND_PATIENCE = 20


def _erlang_a_patience(patience_seconds: float | None, *, handle_seconds: float) -> float | None:
    if patience_seconds is None or patience_seconds > ERLANG_C_BEYOND_PATIENCE * handle_seconds:
        return None
    return patience_seconds


# The e-mail of the horizon's end is due after it: the last forecast week is repeated this
# many times beyond the horizon so that the rule spreads it as in any other week, and the
# result is cut back to the horizon.
EMAIL_TAIL_WEEKS = 3


def _email_plan(
    *,
    language: str,
    shares: Mapping[int, float],
    history: np.ndarray,
    forecast: np.ndarray,
    start: datetime,
    handle_seconds: float,
    promise_hours: float,
) -> list[float]:
    """The agents each hour of the horizon needs for e-mail, SMS and API work: the work
    waiting when the horizon starts, due when its own promise ends, then the forecast."""
    horizon = len(forecast)
    extended = horizon + EMAIL_TAIL_WEEKS * WEEK_HOURS
    arrivals = np.concatenate([forecast, np.tile(forecast[-WEEK_HOURS:], EMAIL_TAIL_WEEKS)])
    is_open = selectors.pool_open_hours(
        language=language, client_ids=list(shares), start=start, end=start + extended * HOUR
    )
    plan = email_agents(
        arrivals=arrivals.tolist(),
        handle_seconds=handle_seconds,
        open_hours=is_open.tolist(),
        promise_hours=promise_hours,
        backlog_due=_email_backlog_due(language=language, start=start, is_open=is_open).tolist(),
        arrived_before=_arrived_before(
            language=language, shares=shares, history=history, start=start
        ),
    )
    return plan.agents[:horizon]


def _arrived_before(
    *, language: str, shares: Mapping[int, float], history: np.ndarray, start: datetime
) -> list[float]:
    """The pool's e-mail of the two weeks before the horizon per open hour (a closed hour's
    counted with the next opening), the latest last: the pace the plan keeps from hour 0."""
    hours = min(len(history), 2 * WEEK_HOURS)
    if not hours:
        return []
    is_open = selectors.pool_open_hours(
        language=language, client_ids=list(shares), start=start - hours * HOUR, end=start
    )
    per_open: list[float] = []
    waiting = 0.0
    for came, open_now in zip(history[-hours:], is_open, strict=True):
        waiting += float(came)
        if open_now:
            per_open.append(waiting)
            waiting = 0.0
    return per_open


def _email_backlog_due(*, language: str, start: datetime, is_open: np.ndarray) -> np.ndarray:
    """E-mail, SMS and API work of the language unanswered when the horizon starts, per hour
    its promise ends in: the last open hour before its due time (overdue work, or work due
    before any open hour, in the first open hour; work due after the horizon in the last)."""
    due = np.zeros(len(is_open))
    opened = np.flatnonzero(is_open)
    if not len(opened):
        return due
    rows = (
        WorkItem.objects.filter(
            language=language,
            status__in=WorkItem.OPEN_STATUSES,
            channel__in=MESSAGES,
            responded_at__isnull=True,
            waiting_since__lt=start,
        )
        .values_list("due_at", flat=True)
        .order_by()
    )
    for due_at in rows:
        index = -1 if due_at is None else int((due_at - start) / HOUR)
        before = opened[opened < index]
        due[before[-1] if len(before) else opened[0]] += 1
    return due


def _email_promise_hours(shares: Mapping[int, float]) -> float:
    """The strictest e-mail first-response promise (business hours) among the clients that
    hold at least 5 % of the pool's e-mail: the plan must keep every client's promise."""
    clients = [client_id for client_id, share in shares.items() if share >= PROMISE_SHARE_FLOOR]
    targets = {
        (row.client_id, row.channel): row.first_response_hours
        for row in SlaTarget.objects.filter(client_id__in=clients, channel__in=[*MESSAGES, ""])
    }
    # The pool's work is e-mail, SMS and API messages: each client's strictest of the three
    # (a channel without its own target has the client's all-channel one, else the agency's).
    default = DEFAULT_SLA.first_response_hours
    promises = [
        min(
            targets.get((client_id, channel), targets.get((client_id, ""), default))
            for channel in MESSAGES
        )
        for client_id in clients
    ]
    return float(min(promises, default=DEFAULT_SLA.first_response_hours))


def _event_lift(
    *, language: str, channel: str, shares: Mapping[int, float], start: datetime, end: datetime
) -> np.ndarray:
    """Per hour of [start, end), the pool's volume multiplier from its clients' known events:
    1 + the sum of share * (lift - 1) over the clients with an event that local day. A lift
    not entered is learnt from the client's earlier events, else +100 %."""
    lift = np.ones(int((end - start) / HOUR))
    events = list(
        ClientEvent.objects.filter(
            client_id__in=list(shares), starts_on__lte=end.date(), ends_on__gte=start.date()
        )
        .select_related("client")
        .order_by("client_id", "starts_on")
    )
    learning = {e.client_id for e in events if e.uplift_percent is None}
    daily = _clients_daily_contacts(
        client_ids=learning, language=language, channel=channel, start=start.date(), end=end.date()
    )
    for event in events:
        zone = ZoneInfo(event.client.time_zone)
        earlier = [
            e for e in events if e.client_id == event.client_id and e.ends_on < event.starts_on
        ]
        factor = (
            1 + event.uplift_percent / 100
            if event.uplift_percent is not None
            else _learnt_lift(
                event=event,
                earlier=earlier,
                daily=daily.get(event.client_id),
                first_day=start.date(),
            )
        )
        first = datetime.combine(event.starts_on, time(), zone).astimezone(UTC)
        last = datetime.combine(event.ends_on + timedelta(days=1), time(), zone).astimezone(UTC)
        begin = max(0, int((first - start) / HOUR))
        stop = min(len(lift), int((last - start) / HOUR))
        if begin < stop:
            lift[begin:stop] += shares[event.client_id] * (factor - 1)
    return lift


def _clients_daily_contacts(
    *, client_ids: Iterable[int], language: str, channel: str, start: date, end: date
) -> dict[int, np.ndarray]:
    """Each client's contacts of a pool and channel per UTC day of [start, end). One query."""
    days = (end - start).days
    found: dict[int, np.ndarray] = {}
    rows = (
        ContactHour.objects.filter(
            client_id__in=list(client_ids),
            language=language,
            channel=channel,
            hour__gte=datetime.combine(start, time(), UTC),
            hour__lt=datetime.combine(end, time(), UTC),
        )
        .annotate(day=TruncDate("hour", tzinfo=UTC))
        .values_list("client_id", "day")
        .annotate(n=Sum("contacts"))
        .order_by()
    )
    for client_id, day, contacts in rows:
        found.setdefault(client_id, np.zeros(days))[(day - start).days] = contacts
    return found


def _learnt_lift(
    *, event: ClientEvent, earlier: Sequence[ClientEvent], daily: np.ndarray | None, first_day: date
) -> float:
    """The client's lift on its earlier events (each against the weeks before it), else
    +100 %."""
    if not earlier or daily is None:
        return 2.0
    days = [
        first_day + timedelta(days=index) for index in range((event.starts_on - first_day).days)
    ]
    marked = [any(e.starts_on <= day <= e.ends_on for e in earlier) for day in days]
    learnt = event_lift_learn(daily=daily[: len(days)].tolist(), event_days=marked)
    return learnt if learnt is not None else 2.0


# --- what-if -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    """A client not signed yet: where, when open, and how much a month."""

    country: str
    language: str
    zone: str
    weekdays: frozenset[int]  # 0 = Monday
    opens: time
    closes: time
    emails_per_month: int
    calls_per_month: int
    chats_per_month: int
    currency: str
    email_promise_hours: float = float(DEFAULT_SLA.first_response_hours)


@dataclass(frozen=True)
class WhatIfHour:
    weekday: int
    hour: int
    calls: float
    chats: float
    emails: float
    agents_call: float
    agents_chat: float
    agents_email: float
    on_shift: int


@dataclass(frozen=True)
class PricePlanDraft:
    currency: str
    base_monthly_fee: Decimal
    price_per_email: Decimal
    price_per_call_minute: Decimal
    price_per_chat: Decimal
    margin_percent: int


@dataclass(frozen=True)
class WhatIfResult:
    spec: WhatIf
    hours: list[WhatIfHour]
    agent_hours_week: float
    agent_hours_month: float
    fte: float
    peak_on_shift: int
    spare_agent_hours_week: float
    cost_month: Decimal | None
    price: PricePlanDraft | None
    # Why there is no cost or price (no exchange rate between the cost's and the price's
    # currencies), in words for the page.
    price_missing: str = ""
    # The profile the volumes were spread with: the pool's own history, or the built-in one.
    profile_source: str = "built-in"


def whatif_estimate(*, spec: WhatIf, now: datetime | None = None) -> WhatIfResult:
    """The agents a new client would need hour by hour in a typical week, the agent hours and
    their cost, and a price plan that covers them with the agency's margin."""
    now = now or timezone.now()
    settings = selectors.staffing_settings()
    zone = ZoneInfo(spec.zone)
    profiles, source = _whatif_profiles(spec=spec, now=now)
    week_volumes = {
        "call": spec.calls_per_month * 12 / 52,
        "chat": spec.chats_per_month * 12 / 52,
        "email": spec.emails_per_month * 12 / 52,
    }
    contacts = {channel: profiles[channel] * week_volumes[channel] for channel in week_volumes}
    handle = {
        channel: selectors.pool_handle_seconds(
            start=now - timedelta(weeks=RECENT_WEEKS), end=now
        ).get((spec.language, channel))
        or _default_handle_seconds(settings, channel)
        for channel in week_volumes
    }
    agents: dict[str, list[float]] = {}
    for channel in ("call", "chat"):
        staffed = agents_needed_for_hours(
            contacts[channel].tolist(),
            handle_seconds=handle[channel],
            target=_queue_target(settings, channel),
            concurrency=settings.chat_concurrency if channel == "chat" else 1,
        )
        agents[channel] = [float(hour.agents) for hour in staffed]
    open_week = _open_week(spec)
    email = email_agents(
        arrivals=np.tile(contacts["email"], WHATIF_WEEKS).tolist(),
        handle_seconds=handle["email"],
        open_hours=np.tile(open_week, WHATIF_WEEKS).tolist(),
        promise_hours=spec.email_promise_hours,
    )
    typical = slice(WHATIF_TYPICAL_WEEK * WEEK_HOURS, (WHATIF_TYPICAL_WEEK + 1) * WEEK_HOURS)
    agents["email"] = list(email.agents[typical])
    hours = [
        WhatIfHour(
            weekday=index // 24,
            hour=index % 24,
            calls=float(contacts["call"][index]),
            chats=float(contacts["chat"][index]),
            emails=float(contacts["email"][index]),
            agents_call=agents["call"][index],
            agents_chat=agents["chat"][index],
            agents_email=agents["email"][index],
            on_shift=agents_on_shift(
                (agents["call"][index], agents["chat"][index], agents["email"][index]),
                shrinkage_percent=settings.shrinkage,
            ),
        )
        for index in range(WEEK_HOURS)
    ]
    week = float(sum(hour.on_shift for hour in hours))
    month = week * float(WEEKS_PER_MONTH)
    # The cost counts the agents' working hours as they are, fractions included, grossed up
    # for shrinkage: a small client shares the pool's agents, it does not hire whole ones
    # (the whole agents on shift above are what a client alone would need).
    working_week = sum(sum(channel) for channel in agents.values())
    paid_month = working_week / (1 - settings.shrinkage / 100) * float(WEEKS_PER_MONTH)
    cost, price, missing = _whatif_price(
        spec=spec, settings=settings, agents=agents, agent_hours_month=paid_month, handle=handle
    )
    return WhatIfResult(
        spec=spec,
        hours=hours,
        agent_hours_week=week,
        agent_hours_month=month,
        fte=week / settings.week_hours,
        peak_on_shift=max((hour.on_shift for hour in hours), default=0),
        spare_agent_hours_week=_spare_agent_hours(language=spec.language, now=now, zone=zone),
        cost_month=cost,
        price=price,
        price_missing=missing,
        profile_source=source,
    )


def _open_week(spec: WhatIf) -> np.ndarray:
    """The 168 local hours of a week (Monday 0:00 first) in which the client is open."""
    week = np.zeros(WEEK_HOURS, dtype=bool)
    first = spec.opens.hour
    last = spec.closes.hour + (1 if spec.closes.minute else 0)
    for weekday in spec.weekdays:
        week[weekday * 24 + first : weekday * 24 + last] = True
    return week


def _whatif_profiles(*, spec: WhatIf, now: datetime) -> tuple[dict[str, np.ndarray], str]:
    """Each channel's share of a week's contacts per local hour of the week (sums to 1): the
    pool's own last weeks where it has enough history, else a built-in profile; calls and
    chats only in the open hours, e-mail at any hour (mostly in the daytime)."""
    open_week = _open_week(spec)
    built_in = _built_in_email_profile()
    history = pool_week_profiles(
        language=spec.language,
        zone=ZoneInfo(spec.zone),
        start=now - timedelta(weeks=RECENT_WEEKS),
        end=now,
    )
    profiles: dict[str, np.ndarray] = {}
    used_history = False
    for channel in ("call", "chat", "email"):
        profile = history.get(channel)
        if profile is not None and profile.sum() > 0:
            used_history = True
        else:
            profile = built_in.copy() if channel == "email" else np.ones(WEEK_HOURS)
        if channel != "email":
            profile = np.where(open_week, profile, 0.0)
            if profile.sum() == 0:
                profile = open_week.astype(float)
        total = profile.sum()
        profiles[channel] = profile / total if total else profile
    return profiles, "history" if used_history else "built-in"


def _built_in_email_profile() -> np.ndarray:
    """E-mail written at any hour: three quarters of it between 8:00 and 20:00 local."""
    day = np.full(24, 0.25 / 12)
    day[8:20] = 0.75 / 12
    week = np.tile(day, 7)
    week[5 * 24 :] *= 0.6  # fewer on Saturday and Sunday
    return week / week.sum()


def _spare_agent_hours(*, language: str, now: datetime, zone: ZoneInfo) -> float:
    """Agent hours on shift in the next seven days that the latest plan does not need for
    the language: what the new client could use before anyone is hired."""
    start = hour_floor(now)
    end = start + WEEK_HOURS * HOUR
    required = plan_required_by_hour(start=start, end=end)
    coverage = selectors.coverage_by_hour(start=start, end=end, required=required)
    scheduled = coverage.get(language)
    if scheduled is None:
        return 0.0
    needed = required.get(language, np.zeros(WEEK_HOURS))
    return float(np.clip(scheduled - needed, 0, None).sum())


def _whatif_price(
    *,
    spec: WhatIf,
    settings: StaffingSettings,
    agents: Mapping[str, Sequence[float]],
    agent_hours_month: float,
    handle: Mapping[str, float],
) -> tuple[Decimal | None, PricePlanDraft | None, str]:
    """The month's agent hours at the agency's cost, in the price's currency, and the prices
    per unit that bring it in with the margin: each channel pays for its share of the agents'
    working hours (calls per handled minute, e-mails and chats per conversation)."""
    rate = exchange_rate(source=settings.cost_currency, target=spec.currency)
    if rate is None:
        return (
            None,
            None,
            _("No exchange rate from %(source)s to %(target)s is stored.")
            % {"source": settings.cost_currency, "target": spec.currency},
        )
    cost = Decimal(str(agent_hours_month)) * settings.agent_hour_cost * rate
    unit = minor_unit(spec.currency)
    cost = cost.quantize(unit)
    # A margin is the share of the price that is not cost: price = cost / (1 - margin).
    revenue = cost / (1 - Decimal(settings.target_margin) / 100)
    working = {channel: sum(hours) for channel, hours in agents.items()}
    total = sum(working.values())
    volumes = {
        "call": Decimal(spec.calls_per_month) * Decimal(str(handle["call"])) / 60,
        "chat": Decimal(spec.chats_per_month),
        "email": Decimal(spec.emails_per_month),
    }

    def price_of(channel: str) -> Decimal:
        if not total or not volumes[channel]:
            return Decimal(0).quantize(unit)
        share = revenue * Decimal(str(working[channel] / total))
        return (share / volumes[channel]).quantize(unit, rounding=ROUND_CEILING)

    draft = PricePlanDraft(
        currency=spec.currency,
        base_monthly_fee=Decimal(0).quantize(unit),
        price_per_email=price_of("email"),
        price_per_call_minute=price_of("call"),
        price_per_chat=price_of("chat"),
        margin_percent=settings.target_margin,
    )
    return cost, draft, ""


def exchange_rate(*, source: str, target: str, on: date | None = None) -> Decimal | None:
    """One unit of ``source`` in ``target`` on a day: the stored rate, its inverse, or the
    cross rate through the euro; None when none is stored."""
    if source == target:
        return Decimal(1)
    on = on or timezone.localdate()

    def stored(one: str, other: str) -> Decimal | None:
        row = (
            ExchangeRate.objects.filter(
                Q(from_currency=one, to_currency=other) | Q(from_currency=other, to_currency=one),
                valid_on__lte=on,
            )
            .order_by("-valid_on")
            .first()
        )
        if row is None:
            return None
        return row.rate if row.from_currency == one else 1 / row.rate

    direct = stored(source, target)
    if direct is not None:
        return direct
    via_source, via_target = stored(source, "EUR"), stored("EUR", target)
    if via_source is None or via_target is None:
        return None
    return via_source * via_target


# --- reading plans and history for the what-if --------------------------------------------


def plan_required_by_hour(*, start: datetime, end: datetime) -> dict[str, np.ndarray]:
    """Per language, the agents on shift the latest done plan requires in each hour of
    [start, end) (0 where the plan says nothing): the channels' agents added, with the
    run's shrinkage (``staffing.rules.agents_on_shift``)."""
    run = PlanRun.objects.filter(status=PlanRun.Status.DONE).order_by("-started_at").first()
    length = int((end - start) / HOUR)
    if run is None:
        return {}
    shrinkage = int(run.settings_used.get("shrinkage", 0))
    working: dict[str, np.ndarray] = {}
    rows = PlanHour.objects.filter(pool__run=run, hour__gte=start, hour__lt=end).values_list(
        "pool__language", "hour", "agents"
    )
    for language, hour, agents in rows:
        hours = working.setdefault(language, np.zeros(length))
        hours[int((hour - start) / HOUR)] += agents
    return {
        language: np.array(
            [agents_on_shift([value], shrinkage_percent=shrinkage) for value in hours], dtype=float
        )
        for language, hours in working.items()
    }


def pool_week_profiles(
    *, language: str, zone: ZoneInfo, start: datetime, end: datetime
) -> dict[str, np.ndarray]:
    """Per plan channel, the pool's contacts of [start, end) per local hour of the week
    (Monday 0:00 first), summed over the weeks."""
    rows = (
        ContactHour.objects.filter(language=language, hour__gte=start, hour__lt=end)
        .values_list("channel", "hour", "contacts")
        .order_by()
    )
    profiles: dict[str, np.ndarray] = {}
    for channel, hour, contacts in rows:
        local = hour.astimezone(zone)
        profile = profiles.setdefault(channel, np.zeros(WEEK_HOURS))
        profile[local.weekday() * 24 + local.hour] += contacts
    return profiles
