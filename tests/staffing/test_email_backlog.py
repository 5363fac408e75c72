import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.email_backlog import email_agents

# A week from Monday 00:00: open 8-16 Monday to Friday. Hour 24 d + h is day d, h o'clock.
WEEK_8_TO_16 = [8 <= hour % 24 < 16 and hour // 24 < 5 for hour in range(168)]
MONDAY, TUESDAY, FRIDAY, SATURDAY = 0, 24, 96, 120


def _hours(agents: list[float]) -> dict[int, float]:
    return {hour: round(value, 9) for hour, value in enumerate(agents) if value > 1e-9}


def _arrivals(**by_hour: float) -> list[float]:
    arrivals = [0.0] * 168
    for hour, emails in by_hour.items():
        arrivals[int(hour.removeprefix("h"))] = emails
    return arrivals


def test_80_emails_at_nine_promised_in_8_open_hours_need_one_agent_until_tuesday_nine():
    # 80 e-mails of 6 minutes: 8 agent-hours, due by the end of Tuesday 8-9 (Monday 9-16
    # is 7 open hours, Tuesday 8-9 the eighth).
    plan = email_agents(
        arrivals=_arrivals(h9=80),
        handle_seconds=360,
        open_hours=WEEK_8_TO_16,
        promise_hours=8,
    )

    expected = {MONDAY + hour: 1.0 for hour in range(9, 16)} | {TUESDAY + 8: 1.0}
    assert _hours(plan.agents) == expected
    assert plan.carried == 0


def test_the_same_emails_promised_in_4_open_hours_need_two_agents_until_one():
    plan = email_agents(
        arrivals=_arrivals(h9=80), handle_seconds=360, open_hours=WEEK_8_TO_16, promise_hours=4
    )

    assert _hours(plan.agents) == {9: 2.0, 10: 2.0, 11: 2.0, 12: 2.0}


def test_emails_of_the_weekend_are_all_due_from_mondays_opening():
    # A horizon from Saturday 00:00: 10 e-mails every hour of the weekend (480 e-mails of 6
    # minutes, 48 agent-hours) count their 8 open hours from Monday 8:00: all due by Monday
    # 15-16, so 6 agents all Monday and none at the weekend.
    from_saturday = [8 <= hour % 24 < 16 and 2 <= hour // 24 < 7 for hour in range(168)]
    arrivals = [10.0] * 48 + [0.0] * 120

    plan = email_agents(
        arrivals=arrivals, handle_seconds=360, open_hours=from_saturday, promise_hours=8
    )

    assert _hours(plan.agents) == {48 + hour: 6.0 for hour in range(8, 16)}


def test_emails_arriving_when_the_horizon_has_no_opening_left_are_all_carried():
    # Saturday 10:00: the next opening is after the horizon (the week).
    plan = email_agents(
        arrivals=_arrivals(h130=30), handle_seconds=360, open_hours=WEEK_8_TO_16, promise_hours=8
    )

    assert _hours(plan.agents) == {}
    assert plan.carried == pytest.approx(30)
    assert SATURDAY < 130


def test_a_promise_ending_after_the_horizon_is_kept_in_proportion_inside_it():
    # 80 e-mails on Friday 15:00: one of their 8 open hours is inside the horizon, so one
    # eighth of the work (1 agent-hour) is done on Friday 15-16 and 70 e-mails carry over.
    plan = email_agents(
        arrivals=_arrivals(h111=80), handle_seconds=360, open_hours=WEEK_8_TO_16, promise_hours=8
    )

    assert _hours(plan.agents) == {FRIDAY + 15: 1.0}
    assert plan.carried == pytest.approx(70)


def test_a_backlog_at_the_start_is_due_as_if_it_arrived_at_hour_zero():
    # 20 waiting e-mails (2 agent-hours) promised in 4 open hours: by Monday 11-12.
    plan = email_agents(
        arrivals=[0.0] * 168,
        handle_seconds=360,
        open_hours=WEEK_8_TO_16,
        promise_hours=4,
        backlog=20,
    )

    assert _hours(plan.agents) == {8: 0.5, 9: 0.5, 10: 0.5, 11: 0.5}


def test_a_later_batch_is_weighed_from_its_arrival_and_the_pace_of_arrivals_kept():
    # Promise 8: 80 e-mails at 8:00 (8 agent-hours, due by Monday 15-16) need 1 agent; 40
    # more at 12:00 (4 agent-hours, due by Tuesday 11-12) raise the pace of the last 8 open
    # hours' arrivals to 12 / 8 = 1.5 agents, kept while that much is waiting; on Tuesday
    # morning the window still holds the 12:00 batch (4 / 8 = 0.5) until 12:00: 12 agent-hours
    # in all, each e-mail within its promise.
    # Promise 2: the first batch is due by 9-10 (4 agents for 8 and 9), the second by 13-14
    # (2 agents for 12 and 13), and nobody is staffed before the e-mails are there.
    level = email_agents(
        arrivals=_arrivals(h8=80, h12=40),
        handle_seconds=360,
        open_hours=WEEK_8_TO_16,
        promise_hours=8,
    )
    tight = email_agents(
        arrivals=_arrivals(h8=80, h12=40),
        handle_seconds=360,
        open_hours=WEEK_8_TO_16,
        promise_hours=2,
    )

    assert _hours(level.agents) == (
        {hour: 1.0 for hour in range(8, 12)}
        | {hour: 1.5 for hour in range(12, 16)}
        | {TUESDAY + hour: 0.5 for hour in range(8, 12)}
    )
    assert _hours(tight.agents) == {8: 4.0, 9: 4.0, 12: 2.0, 13: 2.0}


def test_no_emails_need_no_agents():
    plan = email_agents(
        arrivals=[0.0] * 168, handle_seconds=360, open_hours=WEEK_8_TO_16, promise_hours=48
    )

    assert plan.agents == [0.0] * 168
    assert plan.carried == 0


def _due_hour(arrival: int, open_hours: list[bool], promise: int) -> int | None:
    """Walk the open hours from the arrival: the promise's last open hour (None: after)."""
    counted = 0
    for hour in range(arrival, len(open_hours)):
        counted += open_hours[hour]
        if counted == promise:
            return hour
    return None


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(0, 50, allow_nan=False), st.booleans()), min_size=1, max_size=60
    ),
    promise=st.integers(1, 12),
    handle_seconds=st.sampled_from([60, 240, 360, 900]),
    backlog=st.floats(0, 30, allow_nan=False),
)
def test_serving_earliest_due_first_at_the_returned_rates_misses_no_due_time(
    data, promise, handle_seconds, backlog
):
    arrivals = [emails for emails, _ in data]
    open_hours = [is_open for _, is_open in data]

    plan = email_agents(
        arrivals=arrivals,
        handle_seconds=handle_seconds,
        open_hours=open_hours,
        promise_hours=promise,
        backlog=backlog,
    )

    assert all(
        agents == 0 for agents, is_open in zip(plan.agents, open_hours, strict=True) if not is_open
    )
    queue: list[list[float]] = []  # [due hour or infinity, e-mails left]
    for hour, emails in enumerate(arrivals):
        emails += backlog if hour == 0 else 0
        if emails:
            due = _due_hour(hour, open_hours, promise)
            queue.append([float("inf") if due is None else due, emails])
        queue.sort()
        capacity = plan.agents[hour] * 3600 / handle_seconds
        for item in queue:
            done = min(capacity, item[1])
            item[1] -= done
            capacity -= done
        assert all(left < 1e-6 for due, left in queue if due <= hour)
    answered = sum(plan.agents) * 3600 / handle_seconds
    assert answered + plan.carried == pytest.approx(sum(arrivals) + backlog, abs=1e-6)
