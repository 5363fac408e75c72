"""`eligible_items_sql` against a plain-Python statement of the rule, on many random cases:
random reaches, channels, policies (agency-wide and per client, with and without a last
resort) and items (statuses, clients, channels, languages, waits around the thresholds)."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from routing.models import RoutingPolicy, WorkItem
from routing.selectors import (
    DEFAULT_POLICY,
    AgentReach,
    eligible_items,
    eligible_items_sql,
    policies_cache_clear,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHANNELS = ["call", "email", "chat", "sms", "api"]
LANGUAGES = ["cs", "sk", "pl", "de", "hu", "en"]
STATUSES = ["waiting"] * 4 + ["offered", "assigned", "done", "cancelled"]
ROUNDS = 120
# Waits on and around every threshold the random policies use.
WAITS = [0, 59, 60, 61, 119, 120, 121, 299, 300, 301, 600, 899, 900, 901, 5000]


def expected_eligible(item, reach: AgentReach, channels, rows) -> str | None:
    """The rule, written out: the agent's client and channel, then their language; a
    fallback language after the wait of the client's (else the channel's, else the agency's)
    policy; any language after the last-resort wait, for speakers of the last resort.
    Returns why the item is eligible, or None."""
    if item.status != "waiting" or item.client_id not in reach.client_ids:
        return None
    if item.channel not in channels:
        return None
    if item.language in reach.languages:
        return "language"
    row = rows.get((item.channel, item.client_id)) or rows.get((item.channel, None))
    fallback_after = (
        timedelta(seconds=row.fallback_after_seconds) if row else DEFAULT_POLICY.fallback_after
    )
    last_resort_after = (
        (
            None
            if row.last_resort_after_seconds is None
            else timedelta(seconds=row.last_resort_after_seconds)
        )
        if row
        else DEFAULT_POLICY.last_resort_after
    )
    waited = NOW - item.waiting_since
    if item.language in reach.fallback_languages and waited >= fallback_after:
        return "fallback"
    if reach.speaks_last_resort and last_resort_after is not None and waited >= last_resort_after:
        return "last resort"
    return None


def random_policies(rng: random.Random, client_ids) -> dict:
    RoutingPolicy.objects.all().delete()
    rows = {}
    for channel in CHANNELS:
        for client_id in [None, *client_ids]:
            if rng.random() < 0.4:
                rows[(channel, client_id)] = RoutingPolicy.objects.create(
                    channel=channel,
                    client_id=client_id,
                    fallback_after_seconds=rng.choice([0, 60, 120, 600]),
                    last_resort_after_seconds=rng.choice([None, 0, 300, 900]),
                )
    policies_cache_clear()
    return rows


def random_reach(rng: random.Random, client_ids) -> AgentReach:
    languages = set(rng.sample(LANGUAGES, rng.randint(0, 2)))
    if rng.random() < 0.35:  # English, the last resort, often enough to test that path
        languages.add("en")
    fallback = set(
        rng.sample([code for code in LANGUAGES if code not in languages], rng.randint(0, 2))
    )
    return AgentReach(
        client_ids=tuple(sorted(rng.sample(client_ids, rng.randint(0, len(client_ids))))),
        languages=tuple(sorted(languages)),
        fallback_languages=tuple(sorted(fallback)),
        speaks_last_resort="en" in languages,
    )


def test_the_sql_rule_matches_its_plain_statement_on_random_cases(two_clients):
    rng = random.Random(20261130)
    client_ids = [two_clients.a.pk, two_clients.b.pk]
    source_ids = iter(range(1, 10**6))
    reasons: Counter[str | None] = Counter()
    for _ in range(ROUNDS):
        WorkItem.objects.all().delete()
        rows = random_policies(rng, client_ids)
        reach = random_reach(rng, client_ids)
        channels = rng.sample(CHANNELS, rng.randint(1, len(CHANNELS)))
        items = [
            WorkItem.objects.create(
                client_id=rng.choice(client_ids),
                channel=rng.choice(CHANNELS),
                language=rng.choice(LANGUAGES),
                status=rng.choice(STATUSES),
                source_kind="conversation",
                source_id=next(source_ids),
                waiting_since=NOW - timedelta(seconds=rng.choice(WAITS)),
            )
            for _ in range(25)
        ]
        why = {i.pk: expected_eligible(i, reach, channels, rows) for i in items}
        wanted = {pk for pk, reason in why.items() if reason}
        got = set(eligible_items(reach, channels, NOW).values_list("pk", flat=True))
        assert got == wanted, (reach, channels, eligible_items_sql(reach, channels, NOW))
        reasons.update(why.values())
    # Every way in, and the way out, was exercised often enough to mean something.
    assert sum(reasons.values()) == ROUNDS * 25
    assert min(reasons[r] for r in ("language", "fallback", "last resort")) >= 20, reasons
    assert reasons[None] > ROUNDS * 25 / 2
