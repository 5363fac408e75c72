"""How the live KPIs read a month: the query counts and plans that keep them fast
(docs/performance.md, "A client-month's KPIs and its PDF"). Timings vary with the machine;
these do not."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hours.models import BusinessHours, Closure
from reporting.figures import Period
from reporting.selectors import (
    SLA_QUERY,
    contacts_query,
    contacts_query_params,
    kpis_for_period,
    sla_query_params,
)
from tests.support.reporting import local, october_at_client_a
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")


@pytest.fixture
def october(two_clients):
    return october_at_client_a(two_clients.a)


def _plan(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The node and every node under it, depth first."""
    return [node] + [found for child in node.get("Plans", []) for found in _nodes(child)]


def test_the_hours_are_read_once_for_all_the_months_calendars(two_clients, october):
    with in_schema(two_clients.a), CaptureQueriesContext(connection) as captured:
        params = contacts_query_params(client=two_clients.a, period=OCTOBER)
    scopes = set(zip(params["cal_country"], params["cal_language"], strict=True))
    assert len(scopes) >= 2, scopes  # Czech and Slovak customers: one calendar each
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum(f'"{BusinessHours._meta.db_table}"' in query for query in sql) == 1
    assert sum(f'"{Closure._meta.db_table}"' in query for query in sql) == 1


def test_each_contacts_business_hours_are_searched_once_per_end(two_clients, october):
    # Merged into the query that uses them, the per-row values were copied into each use:
    # six binary searches and a dozen epoch conversions a contact instead of two and three.
    with in_schema(two_clients.a):
        params = contacts_query_params(client=two_clients.a, period=OCTOBER)
        plan = json.dumps(_plan(contacts_query(), params))
    assert plan.count("width_bucket(") == 2
    assert plan.count("date_part('epoch'") == 3


def test_the_sla_splits_add_up_pre_grouped_promises(two_clients, october):
    # One hash per promise on its four keys, then the five splits over those groups (not
    # five hashes per promise).
    with in_schema(two_clients.a):
        params = sla_query_params(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
        plan = _plan(SLA_QUERY, params)
    splits = [node for node in _nodes(plan) if "Grouping Sets" in node]
    assert len(splits) == 1
    below = [node for node in _nodes(splits[0])[1:] if node["Node Type"] == "Aggregate"]
    assert [len(node["Group Key"]) for node in below if "Group Key" in node] == [4]


def test_the_daily_volume_and_the_heat_map_come_from_one_pass(two_clients, october):
    with in_schema(two_clients.a), CaptureQueriesContext(connection) as captured:
        kpis = kpis_for_period(client=two_clients.a, period=OCTOBER, now=local(11, 5, 12))
    local_times = [q["sql"] for q in captured.captured_queries if "AT TIME ZONE" in q["sql"]]
    assert len(local_times) == 1
    assert sum(sum(day.values()) for _, day in kpis.daily) == sum(map(sum, kpis.heatmap)) > 0
