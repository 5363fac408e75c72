import math
import time

import numpy as np
import pytest
from pyworkforce.queuing import ErlangA, ErlangB, ErlangC

from staffing.erlang import QueueTarget, agents_needed, agents_needed_for_hours, erlang_a_metrics

EIGHTY_TWENTY = QueueTarget(service_level=0.8, answer_seconds=20, max_occupancy=1.0)


def _erlang_b(traffic: float, agents: int) -> float:
    """The textbook recursion B(n) = A B(n-1) / (n + A B(n-1)), written here independently."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


@pytest.mark.parametrize(
    ("agents", "waiting", "service_level"),
    [(11, 0.6821, 0.390), (12, 0.4494, 0.640), (13, 0.2853, 0.796), (14, 0.1741, 0.888)],
)
def test_erlang_c_matches_the_published_worked_example(agents, waiting, service_level):
    """The worked example of Call Centre Helper's "Erlang C Formula - Made Simple With an
    Easy Worked Example" (callcentrehelper.com), quoted by most Erlang C calculators: 100
    calls in 30 minutes, 180 s handle time, 80 % within 20 s: 10 Erlangs; 11 agents wait
    68.21 % and answer 39.0 % in time, 12: 44.94 % / 64.0 %, 13: 28.53 % / 79.6 %,
    14: 17.41 % / 88.8 %. P(wait) is also recomputed here from the Erlang B recursion."""
    target = QueueTarget(service_level=service_level - 0.0005, answer_seconds=20, max_occupancy=1)
    staffing = agents_needed(contacts=100, handle_seconds=180, target=target, interval_seconds=1800)

    assert staffing.agents == agents
    assert staffing.waiting_probability == pytest.approx(waiting, abs=5e-5)
    assert staffing.service_level == pytest.approx(service_level, abs=5e-4)
    assert staffing.occupancy == pytest.approx(10 / agents)
    assert staffing.abandonment is None
    blocking = _erlang_b(10, agents)
    assert staffing.waiting_probability == pytest.approx(
        agents * blocking / (agents - 10 * (1 - blocking))
    )


def test_erlang_c_the_example_needs_14_agents_for_80_20():
    staffing = agents_needed(
        contacts=100, handle_seconds=180, target=EIGHTY_TWENTY, interval_seconds=1800
    )

    assert staffing.agents == 14


@pytest.mark.parametrize(
    ("traffic", "agents", "blocking"),
    # A standard Erlang B table (e.g. the ITU-T / Westbay tables): A = 10 Erlangs.
    [(10, 10, 0.2146), (10, 15, 0.0365), (10, 20, 0.0019), (5, 10, 0.0184), (2, 5, 0.0367)],
)
def test_erlang_b_the_formula_under_erlang_c_matches_the_table(traffic, agents, blocking):
    assert _erlang_b(traffic, agents) == pytest.approx(blocking, abs=5e-5)
    library = ErlangB(transactions=traffic * 60, aht=1, interval=60)
    assert library.blocking_probability(agents) == pytest.approx(blocking, abs=5e-5)


def test_max_occupancy_adds_agents_when_the_service_level_alone_would_overwork_them():
    # 400 calls of 180 s in an hour: 20 Erlangs. 80/20 alone needs 24 (occupancy 83 %);
    # at most 80 % busy needs 20 / 0.8 = 25.
    loose = agents_needed(contacts=400, handle_seconds=180, target=EIGHTY_TWENTY)
    capped = agents_needed(
        contacts=400,
        handle_seconds=180,
        target=QueueTarget(service_level=0.8, answer_seconds=20, max_occupancy=0.8),
    )

    assert loose.agents == 24
    assert capped.agents == 25
    assert capped.occupancy == pytest.approx(0.8)


def test_no_contacts_need_no_agents():
    for patience in (None, 60.0):
        staffing = agents_needed(
            contacts=0, handle_seconds=300, target=EIGHTY_TWENTY, patience_seconds=patience
        )
        assert staffing.agents == 0
        assert staffing.service_level == 1.0


def test_chats_held_two_at_once_are_staffed_as_chats_handled_twice_as_fast():
    two_at_once = agents_needed(
        contacts=60, handle_seconds=480, target=EIGHTY_TWENTY, concurrency=2
    )
    half_as_long = agents_needed(contacts=60, handle_seconds=240, target=EIGHTY_TWENTY)
    one_at_once = agents_needed(contacts=60, handle_seconds=480, target=EIGHTY_TWENTY)

    assert two_at_once == half_as_long
    # 60 chats of 480 s: 8 Erlangs; held two at a time, 4 Erlangs of agents.
    assert two_at_once.occupancy * two_at_once.agents == pytest.approx(4)
    assert two_at_once.agents < one_at_once.agents


ERLANG_A_GRID = [
    (contacts, handle, patience, agents)
    for contacts, handle in [(30, 300), (120, 180), (400, 240)]
    for patience in (30, 120, 600)
    for agents in (
        max(1, math.floor(contacts * handle / 3600) - 1),
        math.ceil(contacts * handle / 3600) + 2,
    )
]


@pytest.mark.parametrize(("contacts", "handle", "patience", "agents"), ERLANG_A_GRID)
def test_erlang_a_matches_pyworkforce(contacts, handle, patience, agents):
    library = ErlangA(
        transactions=contacts, aht=handle / 60, asa=20 / 60, interval=60, patience=patience / 60
    )
    ours = erlang_a_metrics(
        arrival_rate=np.array([contacts / 3600]),
        agents=np.array([agents]),
        service_rate=1 / handle,
        abandon_rate=1 / patience,
        answer_seconds=20,
    )

    assert ours.service_level[0] == pytest.approx(library.service_level(agents), abs=1e-6)
    assert ours.waiting_probability[0] == pytest.approx(
        library.waiting_probability(agents), abs=1e-6
    )
    assert ours.abandonment[0] == pytest.approx(library.abandonment_probability(agents), abs=1e-6)
    assert ours.occupancy[0] == pytest.approx(library.achieved_occupancy(agents), abs=1e-6)


@pytest.mark.parametrize(("contacts", "handle", "patience"), [(120, 180, 60), (30, 300, 600)])
def test_erlang_a_needs_the_agents_pyworkforce_finds(contacts, handle, patience):
    target = QueueTarget(service_level=0.8, answer_seconds=20, max_occupancy=0.85)
    library = ErlangA(
        transactions=contacts, aht=handle / 60, asa=20 / 60, interval=60, patience=patience / 60
    ).required_positions(service_level=0.8, max_occupancy=0.85)

    ours = agents_needed(
        contacts=contacts, handle_seconds=handle, target=target, patience_seconds=patience
    )

    assert ours.agents == library["raw_positions"]
    assert ours.abandonment == pytest.approx(library["abandonment_probability"], abs=1e-6)


def test_erlang_a_becomes_erlang_c_as_callers_grow_patient():
    erlang_c = agents_needed(
        contacts=100, handle_seconds=180, target=EIGHTY_TWENTY, interval_seconds=1800
    )
    patient = agents_needed(
        contacts=100,
        handle_seconds=180,
        target=EIGHTY_TWENTY,
        interval_seconds=1800,
        patience_seconds=1e7,
    )
    impatient = agents_needed(
        contacts=100,
        handle_seconds=180,
        target=EIGHTY_TWENTY,
        interval_seconds=1800,
        patience_seconds=60,
    )

    assert patient.agents == erlang_c.agents == 14
    assert patient.service_level == pytest.approx(erlang_c.service_level, abs=1e-4)
    assert patient.waiting_probability == pytest.approx(erlang_c.waiting_probability, abs=1e-4)
    # Callers who hang up shorten the queue of those who stay: fewer agents reach 80/20.
    assert impatient.agents < erlang_c.agents


def test_many_hours_equal_one_hour_at_a_time():
    contacts = [0, 3.5, 40, 120.25, 7, 0, 300]
    for patience in (None, 90.0):
        together = agents_needed_for_hours(
            contacts, handle_seconds=240, target=EIGHTY_TWENTY, patience_seconds=patience
        )
        alone = [
            agents_needed(
                contacts=count,
                handle_seconds=240,
                target=EIGHTY_TWENTY,
                patience_seconds=patience,
            )
            for count in contacts
        ]
        assert together == alone


def test_a_plan_of_16_languages_two_channels_and_four_weeks_is_staffed_in_seconds():
    rng = np.random.default_rng(23)
    hours = rng.gamma(shape=2.0, scale=25.0, size=16 * 672)
    target = QueueTarget(service_level=0.8, answer_seconds=20)

    started = time.perf_counter()
    calls = agents_needed_for_hours(hours, handle_seconds=300, target=target, patience_seconds=120)
    chats = agents_needed_for_hours(hours, handle_seconds=480, target=target, concurrency=2)
    elapsed = time.perf_counter() - started

    assert len(calls) == len(chats) == 16 * 672
    assert all(hour.service_level >= 0.8 for hour in calls + chats)
    assert elapsed < 6


def test_an_answer_target_of_zero_seconds_counts_only_callers_who_find_an_agent_free():
    target = QueueTarget(service_level=0.5, answer_seconds=0, max_occupancy=1)
    for patience in (None, 120.0):
        staffing = agents_needed(
            contacts=100, handle_seconds=180, target=target, patience_seconds=patience
        )
        assert staffing.service_level == pytest.approx(1 - staffing.waiting_probability)


def test_erlang_c_finds_the_fewest_agents_where_pyworkforces_search_would_start_above():
    # 212 calls of 180 s in an hour: 10.6 Erlangs. pyworkforce's required_positions starts
    # at round(11.6) = 12; for a loose target (15 % within 20 s) 11 agents reach 17.3 %.
    loose = QueueTarget(service_level=0.15, answer_seconds=20, max_occupancy=1)
    library = ErlangC(transactions=212, aht=3, asa=20 / 60, interval=60)

    staffing = agents_needed(contacts=212, handle_seconds=180, target=loose)

    assert staffing.agents == 11
    assert staffing.service_level == pytest.approx(0.1726, abs=1e-4)
    assert library.required_positions(service_level=0.15)["raw_positions"] == 12
