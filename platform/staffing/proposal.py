"""A shift proposal that fills the staffing gaps of a horizon with the agents still free
(docs/staffing.md, "The shift proposal"). Plain Python and OR-Tools CP-SAT, no Django.

Hours are indices of the horizon (a week: 0 … 167); a "day" is each 24 hours from its start.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class AgentAvailability:
    """An agent the proposal may give shifts: the languages they work in, the hours they are
    already on shift or away ([start, end) hour indices), the most new hours they may get."""

    agent_id: int
    languages: frozenset[str]
    busy: Sequence[tuple[int, int]]
    max_hours: int = 40


@dataclass(frozen=True)
class ProposedShift:
    """A new shift: `hours` hours from hour `start`, helping the pools of `languages`."""

    agent_id: int
    start: int
    hours: int
    languages: frozenset[str]


@dataclass(frozen=True)
class Proposal:
    """The shifts proposed, what each language still misses per hour, the solver's verdict
    (optimal, feasible when the time limit stopped it, or no solution), and the language
    each proposed agent-hour goes to ((agent, hour) → language)."""

    shifts: list[ProposedShift]
    uncovered: dict[str, list[int]]
    status: Literal["optimal", "feasible", "no_solution"]
    given: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Candidate:
    agent: AgentAvailability
    start: int
    hours: int
    chosen: cp_model.IntVar


def shifts_propose(
    *,
    gaps: Mapping[str, Sequence[int]],
    agents: Sequence[AgentAvailability],
    shift_hours: Sequence[int] = (8, 6, 4),
    min_rest_hours: int = 11,
    time_limit_seconds: float = 10.0,
) -> Proposal:
    """Shifts for the free agents covering as many missing agent-hours as possible, then
    with as few hours as possible: at most one shift a day, rest between shifts, each
    agent's hour counted for one language."""
    horizon = max((len(missing) for missing in gaps.values()), default=0)
    if any(len(missing) != horizon for missing in gaps.values()):
        raise ValueError("every language's gaps must cover the same hours")
    if len({agent.agent_id for agent in agents}) != len(agents):
        raise ValueError("each agent once")
    model = cp_model.CpModel()
    # served[language, hour]: the agents' hours given to that language's gap.
    served: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    candidates: list[_Candidate] = []
    allocations: list[_Allocation] = []
    for agent in agents:
        own = [
            _Candidate(
                agent, start, hours, model.new_bool_var(f"s{agent.agent_id}_{start}_{hours}")
            )
            for start, hours in _shift_candidates(
                agent, gaps=gaps, horizon=horizon, shift_hours=shift_hours, rest=min_rest_hours
            )
        ]
        candidates += own
        allocations += _agent_rules_add(
            model, agent, own, gaps=gaps, horizon=horizon, rest=min_rest_hours, served=served
        )
    for (language, hour), hours_given in served.items():
        model.add(sum(hours_given) <= gaps[language][hour])

    # Covering one more missing hour is worth more than every hour the proposal can add.
    weight = sum(agent.max_hours for agent in agents) + 1
    covered = sum(allocation.given for allocation in allocations)
    proposed = sum(c.hours * c.chosen for c in candidates)
    model.minimize(proposed - weight * covered)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_seconds
    # One worker and a fixed seed: the same gaps give the same proposal.
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 23
    # The stronger linear relaxation proves a week of 16 languages and 40 agents optimal in
    # ~3 s, where the default level stops at the time limit with a worse proposal.
    solver.parameters.linearization_level = 2
    result = solver.solve(model)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Proposal(
            shifts=[],
            uncovered={language: list(missing) for language, missing in gaps.items()},
            status="no_solution",
        )
    return _proposal_read(
        solver,
        candidates,
        allocations,
        gaps=gaps,
        status="optimal" if result == cp_model.OPTIMAL else "feasible",
    )


@dataclass(frozen=True)
class _Allocation:
    agent_id: int
    language: str
    hour: int
    given: cp_model.IntVar


def _agent_rules_add(
    model: cp_model.CpModel,
    agent: AgentAvailability,
    own: list[_Candidate],
    *,
    gaps: Mapping[str, Sequence[int]],
    horizon: int,
    rest: int,
    served: dict[tuple[str, int], list[cp_model.IntVar]],
) -> list[_Allocation]:
    """One agent's rules (hours, a shift a day, rest) and the hours they may give to gaps."""
    model.add(sum(c.hours * c.chosen for c in own) <= agent.max_hours)
    for day in range((horizon + 23) // 24):
        model.add_at_most_one(c.chosen for c in own if c.start // 24 == day)
    # Two shifts closer than the rest overlap once each is stretched by the rest after it,
    # and intervals that pairwise overlap share an hour: at most one stretched shift an hour.
    stretched: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    working: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for c in own:
        for hour in range(c.start, min(horizon, c.start + c.hours + rest)):
            stretched[hour].append(c.chosen)
            if hour < c.start + c.hours:
                working[hour].append(c.chosen)
    for hour_shifts in stretched.values():
        if len(hour_shifts) > 1:
            model.add_at_most_one(hour_shifts)
    allocations = []
    for hour in sorted(working):
        given = []
        for language in sorted(agent.languages):
            if language in gaps and gaps[language][hour] > 0:
                var = model.new_bool_var(f"a{agent.agent_id}_{hour}_{language}")
                served[language, hour].append(var)
                allocations.append(_Allocation(agent.agent_id, language, hour, var))
                given.append(var)
        # An agent's hour counts for one language at most, and only when on shift.
        if given:
            model.add(sum(given) <= sum(working[hour]))
    return allocations


def _proposal_read(
    solver: cp_model.CpSolver,
    candidates: list[_Candidate],
    allocations: list[_Allocation],
    *,
    gaps: Mapping[str, Sequence[int]],
    status: Literal["optimal", "feasible"],
) -> Proposal:
    given: dict[tuple[int, int], str] = {}
    uncovered = {language: list(missing) for language, missing in gaps.items()}
    for allocation in allocations:
        if solver.value(allocation.given):
            uncovered[allocation.language][allocation.hour] -= 1
            given[allocation.agent_id, allocation.hour] = allocation.language
    shifts = [
        ProposedShift(
            agent_id=c.agent.agent_id,
            start=c.start,
            hours=c.hours,
            languages=frozenset(
                given[c.agent.agent_id, hour]
                for hour in range(c.start, c.start + c.hours)
                if (c.agent.agent_id, hour) in given
            ),
        )
        for c in candidates
        if solver.value(c.chosen)
    ]
    shifts.sort(key=lambda shift: (shift.start, shift.agent_id))
    return Proposal(shifts=shifts, uncovered=uncovered, status=status, given=given)


def _shift_candidates(
    agent: AgentAvailability,
    *,
    gaps: Mapping[str, Sequence[int]],
    horizon: int,
    shift_hours: Sequence[int],
    rest: int,
) -> list[tuple[int, int]]:
    """(start, hours) of the shifts the agent could take: inside the horizon, clear of their
    busy blocks by the rest, over at least one hour missing one of their languages."""
    wanted = [
        any(language in gaps and gaps[language][hour] > 0 for language in agent.languages)
        for hour in range(horizon)
    ]
    return [
        (start, hours)
        for hours in sorted(set(shift_hours), reverse=True)
        for start in range(horizon - hours + 1)
        if any(wanted[start : start + hours])
        and all(
            start + hours + rest <= busy_start or busy_end + rest <= start
            for busy_start, busy_end in agent.busy
        )
    ]
