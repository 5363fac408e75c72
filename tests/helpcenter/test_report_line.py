"""The monthly PDF report's line of contacts deflected by self-service."""

from datetime import UTC, date, datetime, timedelta

import pytest

from helpcenter.services import self_service_record
from reporting.layout import report_pdf
from reporting.services import report_content_build
from tests.support.pdf import text_of
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_the_report_shows_deflection_next_to_the_previous_month(two_clients):
    october = datetime(2026, 10, 10, 9, tzinfo=UTC)
    with in_schema(two_clients.a):
        for number in range(3):
            self_service_record(
                kind="article",
                source="help_center",
                visitor=f"o{number}",
                language="cs",
                now=october,
            )
        self_service_record(
            kind="article",
            source="help_center",
            visitor="cookie",
            language="cs",
            now=october,
            chat_traceable=False,
        )
        self_service_record(
            kind="order_status",
            source="widget",
            visitor="s",
            language="cs",
            now=october - timedelta(days=30),
        )
        content = report_content_build(
            client=two_clients.a,
            month=date(2026, 10, 1),
            language="en",
            now=datetime(2026, 11, 2, tzinfo=UTC),
        )
    assert content.deflection is not None
    assert (content.deflection.deflected, content.deflection.previous_deflected) == (3, 1)
    text = text_of(report_pdf(content))
    assert "Contacts deflected by self-service 3 1 +2" in text
    assert "Deflected against widget chats 100.0 % 100.0 %" in text
    assert "Articles read in the help center 1 0 +1" in text
