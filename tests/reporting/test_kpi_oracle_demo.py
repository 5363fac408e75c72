"""The KPI oracle on the demo's history: every demo client's last month and the month so far,
as the portal and the report show them, agree with the plain-Python statement of each KPI
(tests/support/kpis.py) on every figure and split."""

from collections.abc import Callable

import pytest
from django.utils import timezone

from core.months import month_previous
from demo.cast import DEMO_CLIENTS
from hours.calendar import BusinessCalendar
from hours.selectors import client_calendar
from reporting.figures import Period
from reporting.selectors import kpis_for_period
from tenants.models import Client
from tests.support import kpis as oracle
from tests.support.kpi_rows import (
    actual_figures,
    differences,
    expected_figures,
    schema_rows,
    schema_surveys,
)
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def _business_seconds(client: Client) -> Callable[[oracle.ContactRow], float]:
    """A contact's first response in business hours, by hours.calendar's own arithmetic."""
    calendars: dict[tuple[str, str], BusinessCalendar] = {}

    def business_seconds(contact: oracle.ContactRow) -> float:
        scope = (contact.country, contact.language)
        if scope not in calendars:
            calendars[scope] = client_calendar(client, country=scope[0], language=scope[1])
        assert contact.first_response_at is not None
        return calendars[scope].business_seconds_between(
            contact.created_at, contact.first_response_at
        )

    return business_seconds


def test_every_demo_clients_months_agree_with_the_oracle(demo_seeded):
    now = timezone.now()
    compared = 0
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        last = month_previous(now, zone=client.tz)
        whole = Period.month(year=last.year, month=last.month, time_zone=client.time_zone)
        so_far = Period.month_of(day=now.astimezone(client.tz).date(), time_zone=client.time_zone)
        business_seconds = _business_seconds(client)
        with in_schema(client):
            contacts, calls = schema_rows()
            surveys = schema_surveys()
            for period in (whole, so_far.until(now)):
                kpis = kpis_for_period(client=client, period=period, now=now)
                expected = expected_figures(
                    contacts,
                    calls,
                    surveys=surveys,
                    period=period,
                    zone=client.tz,
                    business_seconds=business_seconds,
                )
                found = differences(actual_figures(kpis), expected)
                assert not found, f"{demo.slug} {period}:\n" + "\n".join(found[:40])
                compared += kpis.totals.received
    assert compared > 100  # the demo has a history to compare
