"""Coverage of agents who speak several languages: the agents the sharing leaves spare are
shown only in the languages they speak."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from staffing.selectors import coverage_by_hour
from staffing.services import shift_add
from tests.support.desk import agent_with

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)
H = timedelta(hours=1)


def on_shift(clients, skills: dict[str, str], count: int) -> None:
    for _ in range(count):
        agent = agent_with([clients.a], skills)
        shift_add(agent=agent, starts_at=T0, ends_at=T0 + H, by=None)


def test_a_pool_never_counts_more_agents_than_speak_its_language(two_clients):
    """2 agents speak cs and sk, 8 de and hu; Czech needs 3: the two Czech speakers go to
    Czech (2, not more), the eight others are spare in German and Hungarian (4 and 4)."""
    on_shift(two_clients, {"cs": "native", "sk": "fluent"}, 2)
    on_shift(two_clients, {"de": "native", "hu": "fluent"}, 8)
    coverage = coverage_by_hour(start=T0, end=T0 + H, required={"cs": np.array([3.0])})
    assert {code: float(hours[0]) for code, hours in coverage.items()} == {
        "cs": 2.0,
        "sk": 0.0,
        "de": 4.0,
        "hu": 4.0,
    }


def test_the_spare_agent_is_split_between_their_own_languages_only(two_clients):
    """1 agent speaks cs and sk, 1 de and hu; Czech needs 1: cs 1, sk 0, de and hu a half."""
    on_shift(two_clients, {"cs": "native", "sk": "fluent"}, 1)
    on_shift(two_clients, {"de": "native", "hu": "fluent"}, 1)
    coverage = coverage_by_hour(start=T0, end=T0 + H, required={"cs": np.array([1.0])})
    assert {code: float(hours[0]) for code, hours in coverage.items()} == {
        "cs": 1.0,
        "sk": 0.0,
        "de": 0.5,
        "hu": 0.5,
    }
