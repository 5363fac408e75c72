"""A new contact reads the client's hours once: its deadlines and its acknowledgement are
counted in the same calendar, and a caller that has it already (the phone line) passes it."""

from datetime import UTC, datetime

import pytest

from conversations import acknowledgements
from conversations import services as conversation_services
from conversations.acknowledgements import conversation_acknowledge
from conversations.services import conversation_open_inbound
from hours.selectors import client_calendar
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Prague


@pytest.fixture
def calendars_built(monkeypatch) -> list[tuple[str, str]]:
    """The (country, language) of every client_calendar the conversations build."""
    built: list[tuple[str, str]] = []

    def counting(client, *, country: str = "", language: str = ""):
        built.append((country, language))
        return client_calendar(client, country=country, language=language)

    monkeypatch.setattr(conversation_services, "client_calendar", counting)
    monkeypatch.setattr(acknowledgements, "client_calendar", counting)
    return built


def test_a_new_contact_and_its_acknowledgement_build_the_calendar_once(
    two_clients, calendars_built
):
    with in_schema(two_clients.a):
        inbound = conversation_open_inbound(
            client=two_clients.a,
            channel="chat",
            text="Dobrý den, kde je moje zásilka?",
            customer_phone="+420600111333",
            country="CZ",
            language="cs",
            now=MONDAY_10_PRAGUE,
        )
        conversation_acknowledge(
            client=two_clients.a, conversation=inbound.conversation, calendar=inbound.calendar
        )
    assert calendars_built == [("CZ", "cs")]


def test_a_callers_calendar_is_used_for_the_scope_it_was_built_for(two_clients, calendars_built):
    with in_schema(two_clients.a):
        calendar = client_calendar(two_clients.a, country="CZ", language="cs")
        conversation_open_inbound(
            client=two_clients.a,
            channel="call",
            text="Callback requested",
            customer_phone="+420600111444",
            country="CZ",
            language="cs",
            now=MONDAY_10_PRAGUE,
            calendar=calendar,
        )
    assert calendars_built == []


def test_a_known_customers_own_country_is_counted_in_its_own_calendar(two_clients, calendars_built):
    with in_schema(two_clients.a):
        conversation_open_inbound(
            client=two_clients.a,
            channel="chat",
            text="Dobrý den",
            customer_phone="+420600111555",
            country="SK",
            language="cs",
            now=MONDAY_10_PRAGUE,
        )
        calendar = client_calendar(two_clients.a, country="CZ", language="cs")
        conversation_open_inbound(
            client=two_clients.a,
            channel="call",
            text="Callback requested",
            customer_phone="+420600111555",
            country="CZ",
            language="cs",
            now=MONDAY_10_PRAGUE,
            calendar=calendar,
        )
    assert calendars_built == [("SK", "cs"), ("SK", "cs")]
