"""Agents who speak several languages, counted once across the language pools of an hour
(docs/staffing.md, "Agents who speak several languages"). Plain Python and OR-Tools, no Django.

A transportation problem: agents flow to the pools of the languages they speak, each pool
takes at most what it requires. The most coverage in total first (a maximum flow); among the
allocations that reach it, the scarcest pools are filled first.
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

# The flow is integral: agents are counted in thousandths (an agent may split the hour).
_SCALE = 1000


@dataclass(frozen=True)
class Sharing:
    """Agents counted for each pool, what each pool still misses, and agents needed nowhere."""

    allocated: dict[str, float]
    unmet: dict[str, float]
    spare: float
    # Per group of agents (the languages they speak among the pools that require some):
    # the agents counted in each of its languages. A group's agents not in it are spare.
    by_group: dict[frozenset[str], dict[str, float]] = field(default_factory=dict)


def agents_share(*, agents: Sequence[frozenset[str]], required: Mapping[str, float]) -> Sharing:
    """Share one hour's agents (each the set of languages they speak) between the pools'
    requirements, each agent counted once."""
    if any(amount < 0 for amount in required.values()):
        raise ValueError("a pool cannot require fewer than no agents")
    needed = {language: amount for language, amount in required.items() if amount > 0}
    speakers = Counter(language for spoken in agents for language in spoken if language in needed)
    # Scarcest first: the fewest speakers per agent required (with equal requirements, the
    # language fewer agents speak); then by code, so a tie is always broken the same way.
    priority = sorted(
        needed, key=lambda language: (speakers[language] / needed[language], language)
    )
    groups = Counter(frozenset(spoken & needed.keys()) for spoken in agents)
    groups.pop(frozenset(), None)

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    language_node = {language: 2 + rank for rank, language in enumerate(priority)}
    to_sink: dict[str, int] = {}
    to_language: dict[frozenset[str], dict[str, int]] = {}
    for index, (spoken, count) in enumerate(sorted(groups.items(), key=_group_key)):
        group_node = 2 + len(priority) + index
        flow.add_arc_with_capacity_and_unit_cost(source, group_node, count * _SCALE, 0)
        to_language[spoken] = {
            language: flow.add_arc_with_capacity_and_unit_cost(
                group_node, language_node[language], count * _SCALE, 0
            )
            for language in spoken
        }
    for rank, language in enumerate(priority):
        # A cost rising with the rank: among the maximum flows, the one that gives the
        # scarcer pools all they can get (the pools' coverages form a polymatroid, where
        # such weights pick the same allocation as filling the pools one by one in order).
        to_sink[language] = flow.add_arc_with_capacity_and_unit_cost(
            language_node[language], sink, math.ceil(round(needed[language] * _SCALE, 6)), rank
        )
    if groups and needed:
        # The source offers every agent and the sink asks for them all; the solver moves
        # the most that fits (a maximum flow) at the least cost.
        flow.set_node_supply(source, len(agents) * _SCALE)
        flow.set_node_supply(sink, -len(agents) * _SCALE)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min cost flow failed: {status}")
        covered = {language: flow.flow(to_sink[language]) / _SCALE for language in priority}
        by_group = {
            spoken: {language: flow.flow(arc) / _SCALE for language, arc in arcs.items()}
            for spoken, arcs in to_language.items()
        }
    else:
        covered = dict.fromkeys(priority, 0.0)
        by_group = {}

    allocated = {
        language: min(covered.get(language, 0.0), required[language]) for language in required
    }
    return Sharing(
        allocated=allocated,
        unmet={
            language: max(required[language] - allocated[language], 0.0) for language in required
        },
        spare=len(agents) - sum(allocated.values()),
        by_group=by_group,
    )


def _group_key(item: tuple[frozenset[str], int]) -> tuple[str, ...]:
    return tuple(sorted(item[0]))
