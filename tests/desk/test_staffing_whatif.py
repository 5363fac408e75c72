"""The what-if page: a client not signed yet, its form's errors in words, and its result
(the heat table of agents per weekday and hour, the totals and the price plan draft)."""

import lxml.html
import pytest

from tests.support.desk import agent_with, signed_in

pytestmark = pytest.mark.django_db

HUNGARY = {
    "country": "hu",
    "language": "hu",
    "zone": "",
    "weekdays": ["0", "1", "2", "3", "4"],
    "opens": "08:00",
    "closes": "16:00",
    "emails_per_month": "2000",
    "calls_per_month": "600",
    "chats_per_month": "0",
    "currency": "EUR",
}


@pytest.fixture
def supervisor(two_clients):
    return signed_in(agent_with([two_clients.a], {"hu": "native"}, is_staff=True))


def errors_of(text: str) -> list[str]:
    page = lxml.html.fromstring(text)
    return [
        " ".join(e.text_content().split())
        for e in page.xpath("//*[contains(@class, 'errorlist')]//*[self::li or self::p]")
    ]


def test_the_form_alone_until_it_is_filled_in(supervisor):
    response = supervisor.get("/desk/staffing/what-if/")
    assert response.status_code == 200
    assert 'id="whatif-form"' in response.text and 'id="whatif-result"' not in response.text
    assert 'value="08:00"' in response.text  # opens 08:00 to 16:00 by default


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"opens": "16:00", "closes": "08:00"}, "Closing time must come after opening time."),
        ({"opens": "09:00", "closes": "09:00"}, "Closing time must come after opening time."),
        (
            {"emails_per_month": "0", "calls_per_month": "0"},
            "Give at least one volume: e-mails, calls or chats a month.",
        ),
        ({"language": "xx"}, "Select a valid choice. xx is not one of the available choices."),
        ({"country": "QQ"}, "Not a country's code."),
        ({"zone": "Europe/Atlantis"}, "Not a time zone (e.g. Europe/Budapest)."),
        ({"calls_per_month": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"weekdays": []}, "This field is required."),
    ],
)
def test_bad_input_gets_a_clear_error_and_no_result(supervisor, change, error):
    response = supervisor.get("/desk/staffing/what-if/", {**HUNGARY, **change})
    assert response.status_code == 400
    assert error in errors_of(response.text)
    assert 'id="whatif-result"' not in response.text


def test_a_hungarian_client_open_8_to_16_gets_its_agents_and_a_price_plan(supervisor):
    response = supervisor.get("/desk/staffing/what-if/", HUNGARY)
    assert response.status_code == 200, errors_of(response.text)
    page = lxml.html.fromstring(response.text)
    assert "A client in HU, Magyar (Hungarian), open 08:00–16:00 (Europe/Budapest)" in response.text
    rows = page.get_element_by_id("whatif-heat").xpath("./tbody/tr")
    assert len(rows) == 7 and all(len(row.xpath("./td")) == 24 for row in rows)
    monday = [cell.text_content() for cell in rows[0].xpath("./td")]
    sunday = [cell.text_content() for cell in rows[6].xpath("./td")]
    # Calls only while open: Monday 09:00 needs agents, Sunday's hours at most e-mail's.
    assert monday[9] and int(monday[9]) >= 1
    assert max((int(n) for n in sunday if n), default=0) <= int(monday[9])
    peak = page.get_element_by_id("peak").text_content()
    assert int(peak) == max(int(c.text_content() or 0) for row in rows for c in row.xpath("./td"))
    assert "A plan that covers them:" in page.get_element_by_id("price-draft").text_content()
    assert "per e-mail" in response.text and "margin 25 %" in response.text
