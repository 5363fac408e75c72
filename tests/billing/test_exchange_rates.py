"""The ECB's reference rates fetched, crossed through the euro and stored once, from a local
HTTP server serving fixture files (no network)."""

import re
import socket
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.signals import task_retry
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.exchange_rates import (
    MAX_BYTES,
    ExchangeRatesRefused,
    ExchangeRatesUnavailable,
    cross_rate,
    ecb_xml_parse,
)
from billing.models import ExchangeRate
from billing.selectors import rating_for_client_month
from billing.services import exchange_rates_fetch
from billing.tasks import exchange_rates_fetch_task
from tests.support.billing import plan_for, record, utc

FRIDAY = date(2026, 3, 13)

# The ECB's daily file as it publishes it (single quotes, tabs), trimmed to some currencies;
# no BGN: Bulgaria uses the euro since 2026 and the ECB no longer quotes it.
ECB_DAILY = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='2026-03-13'>
\t\t\t<Cube currency='USD' rate='1.0850'/>
\t\t\t<Cube currency='JPY' rate='161.23'/>
\t\t\t<Cube currency='CZK' rate='24.350'/>
\t\t\t<Cube currency='DKK' rate='7.4610'/>
\t\t\t<Cube currency='GBP' rate='0.84150'/>
\t\t\t<Cube currency='HUF' rate='395.10'/>
\t\t\t<Cube currency='PLN' rate='4.2850'/>
\t\t\t<Cube currency='RON' rate='4.9770'/>
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>
"""


def ecb_file(*cubes: str, root: str = "gesmes:Envelope", prolog: str = "") -> bytes:
    days = "".join(cubes)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<{root} xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
        f'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        f"<gesmes:subject>Reference rates</gesmes:subject><Cube>{days}</Cube></{root}>"
    ).encode()


class EcbServer:
    """A local HTTP server answering GETs from a queue of (status, body); the last answer
    repeats. Counts the requests."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                status, body = (
                    server.answers.pop(0) if len(server.answers) > 1 else (server.answers[0])
                )
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/eurofxref-daily.xml"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "EcbServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ecb(settings):
    """The ECB's daily file served locally, and the setting pointing at it."""
    with EcbServer((200, ECB_DAILY)) as server:
        settings.EXCHANGE_RATES_URL = server.url
        yield server


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/eurofxref-daily.xml"


def stored(*currencies: str) -> dict[tuple[str, str], tuple[Decimal, str]]:
    """The Friday's rates into these currencies. Only into the test's own clients'
    currencies: clients committed by other tests (tests/conftest.py) need pairs too."""
    return {
        (r.from_currency, r.to_currency): (r.rate, r.source)
        for r in ExchangeRate.objects.filter(valid_on=FRIDAY, to_currency__in=currencies)
    }


def into(rows, *currencies: str) -> list:
    """The (from, to, ...) rows of a run into these currencies."""
    return sorted(row for row in rows if row[1] in currencies)


# --- parsing ----------------------------------------------------------------------------------


def test_the_daily_file_is_read_as_the_ecb_writes_it():
    (day,) = ecb_xml_parse(ECB_DAILY)
    assert day.day == FRIDAY
    assert day.per_euro["USD"] == Decimal("1.0850")
    assert day.per_euro["HUF"] == Decimal("395.10")
    assert len(day.per_euro) == 8


def test_cross_rates_go_through_the_euro_and_round_half_up_to_8_places():
    per_euro = {"USD": Decimal("2"), "XAA": Decimal("1.00000001"), "CZK": Decimal("24.350")}
    # 1.00000001 / 2 = 0.500000005: half up, not half even (which would give ...00).
    assert cross_rate(per_euro=per_euro, from_currency="USD", to_currency="XAA") == Decimal(
        "0.50000001"
    )
    assert cross_rate(per_euro=per_euro, from_currency="USD", to_currency="EUR") == Decimal("0.5")
    assert cross_rate(per_euro=per_euro, from_currency="EUR", to_currency="CZK") == Decimal(
        "24.350"
    )
    assert cross_rate(per_euro=per_euro, from_currency="USD", to_currency="BGN") is None
    # A rate that rounds to nothing is missing, not a zero the table would refuse.
    tiny = {"USD": Decimal("1000000000"), "XAB": Decimal("1")}
    assert cross_rate(per_euro=tiny, from_currency="USD", to_currency="XAB") is None


# --- fetching and storing ---------------------------------------------------------------------


def test_rates_are_stored_and_a_telephony_cost_converts_to_the_cent(ecb, make_client):
    czk = make_client(currency="CZK")
    make_client(currency="HUF")
    make_client(currency="EUR")

    run = exchange_rates_fetch()

    assert ecb.hits == 1
    assert run.days == [FRIDAY]
    # 1 USD = CZK per euro / USD per euro, rounded to the 8 places of ExchangeRate.rate.
    assert stored("CZK", "HUF", "EUR") == {
        ("USD", "CZK"): (Decimal("22.44239631"), "ECB"),
        ("USD", "HUF"): (Decimal("364.14746544"), "ECB"),
        ("USD", "EUR"): (Decimal("0.92165899"), "ECB"),
    }
    assert len(into(run.stored, "CZK", "HUF", "EUR")) == 3
    assert run.present == [] and run.missing == []

    # Twilio's USD on the ECB's Friday, and on the Saturday after (no ECB rate on weekends:
    # the Friday's applies), passed through in CZK with a 10 % margin.
    plan_for(czk, telephony_margin_percent=Decimal("10"))
    record(czk, "telephony_cost", "12.345678", utc(2026, 3, 13, 10), currency="USD")
    record(czk, "telephony_cost", "1.5", utc(2026, 3, 14, 12), currency="USD")
    lines = {
        line.kind: line.amount
        for line in rating_for_client_month(client=czk, month=date(2026, 3, 1)).lines
    }
    # 13.845678 USD x 22.44239631 = 310.730192856... CZK
    assert lines == {"telephony": Decimal("310.73"), "telephony_margin": Decimal("31.07")}


def test_a_second_run_stores_nothing_new(ecb, make_client):
    make_client(currency="CZK")
    make_client(currency="PLN")
    assert len(into(exchange_rates_fetch().stored, "CZK", "PLN")) == 2
    before = list(ExchangeRate.objects.order_by("pk").values())

    again = exchange_rates_fetch()

    assert ecb.hits == 2
    assert again.stored == []
    assert into(again.present, "CZK", "PLN") == [("USD", "CZK", FRIDAY), ("USD", "PLN", FRIDAY)]
    assert list(ExchangeRate.objects.order_by("pk").values()) == before


def test_a_rate_entered_by_hand_for_the_day_wins(ecb, make_client):
    make_client(currency="CZK")
    make_client(currency="RON")
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="CZK", valid_on=FRIDAY, rate=Decimal("23.5"), source="CNB"
    )

    run = exchange_rates_fetch()

    assert run.present == [("USD", "CZK", FRIDAY)]
    assert stored("CZK", "RON") == {
        ("USD", "CZK"): (Decimal("23.50000000"), "CNB"),
        ("USD", "RON"): (Decimal("4.58709677"), "ECB"),
    }


def test_every_provider_currency_of_the_ledger_is_crossed(ecb, make_client):
    """A provider pricing in GBP gets GBP rates too; a currency the ECB does not quote is
    reported missing, the others stored."""
    czk = make_client(currency="CZK")
    make_client(currency="BGN")
    plan_for(czk)
    record(czk, "telephony_cost", "0.5", utc(2026, 3, 2, 9), currency="GBP")

    run = exchange_rates_fetch()

    assert stored("CZK", "BGN") == {
        ("GBP", "CZK"): (Decimal("28.93642305"), "ECB"),
        ("USD", "CZK"): (Decimal("22.44239631"), "ECB"),
    }
    assert into(run.missing, "BGN") == [("GBP", "BGN", FRIDAY), ("USD", "BGN", FRIDAY)]


def test_several_days_are_read_from_the_90_day_file(settings, make_client):
    make_client(currency="CZK")
    body = ecb_file(
        "<Cube time='2026-03-13'><Cube currency='USD' rate='1.0850'/>"
        "<Cube currency='CZK' rate='24.350'/></Cube>",
        "<Cube time='2026-03-12'><Cube currency='USD' rate='1.0800'/>"
        "<Cube currency='CZK' rate='24.300'/></Cube>",
    )
    with EcbServer((200, body)) as server:
        run = exchange_rates_fetch(url=server.url)
    assert run.days == [date(2026, 3, 12), FRIDAY]
    assert sorted(
        ExchangeRate.objects.filter(to_currency="CZK").values_list("valid_on", "rate")
    ) == [
        (date(2026, 3, 12), Decimal("22.50000000")),
        (FRIDAY, Decimal("22.44239631")),
    ]


# --- refused files: nothing stored ------------------------------------------------------------

GOOD_DAY = "<Cube time='2026-03-13'><Cube currency='USD' rate='1.0850'/>{}</Cube>"
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
HOSTILE = {
    "entity expansion": (
        ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='24.350'/>"), prolog=LAUGHS),
        "refused XML construct",
    ),
    "external entity": (
        ecb_file(
            GOOD_DAY.format("<Cube currency='CZK' rate='&x;'/>"),
            prolog='<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
        ),
        "refused XML construct",
    ),
    "wrong root": (
        ecb_file(GOOD_DAY.format(""), root="gesmes:Other"),
        "not the ECB's gesmes:Envelope",
    ),
    "not XML": (b"<html><body>Service unavailable", "not well-formed XML"),
    "comma decimal": (
        ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='24,350'/>")),
        "is not a number",
    ),
    "NaN": (ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='NaN'/>")), "is not a number"),
    "exponent": (ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='2E1'/>")), "is not a number"),
    "negative": (
        ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='-24.35'/>")),
        "is not a number",
    ),
    "zero": (ecb_file(GOOD_DAY.format("<Cube currency='CZK' rate='0.000'/>")), "is zero"),
    "no date": (
        ecb_file("<Cube><Cube currency='USD' rate='1.0850'/></Cube>"),
        "no time (date) attribute",
    ),
    "impossible date": (
        ecb_file("<Cube time='2026-02-30'><Cube currency='USD' rate='1.0850'/></Cube>"),
        "does not exist",
    ),
    "no days": (ecb_file(), "the file has no rates"),
    "currency twice": (
        ecb_file(GOOD_DAY.format("<Cube currency='USD' rate='1.09'/>")),
        "USD appears twice",
    ),
    "too large": (ecb_file(GOOD_DAY.format(" " * MAX_BYTES)), "more than"),
}


@pytest.mark.parametrize("body,reason", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_malformed_or_hostile_file_is_refused_whole(body, reason, settings, make_client):
    make_client(currency="CZK")
    with (
        EcbServer((200, body)) as server,
        pytest.raises(ExchangeRatesRefused, match=re.escape(reason)),
    ):
        exchange_rates_fetch(url=server.url)
    # USD was fine in every one of them: not stored either.
    assert ExchangeRate.objects.count() == 0


def test_the_command_says_why_a_file_is_refused(tmp_path, make_client):
    make_client(currency="CZK")
    path = tmp_path / "rates.xml"
    path.write_bytes(HOSTILE["entity expansion"][0])
    with pytest.raises(CommandError, match="Refused, nothing stored: refused XML construct"):
        call_command("fetch_exchange_rates", "--file", str(path))
    assert ExchangeRate.objects.count() == 0


# --- the command ------------------------------------------------------------------------------


def test_the_command_stores_a_saved_file_without_network(tmp_path, make_client, capsys):
    make_client(currency="CZK")
    path = tmp_path / "eurofxref-daily.xml"
    path.write_bytes(ECB_DAILY)

    call_command("fetch_exchange_rates", "--file", str(path))
    call_command("fetch_exchange_rates", "--file", str(path))

    out = capsys.readouterr().out
    assert "stored  2026-03-13  1 USD = 22.44239631 CZK" in out
    assert "present 2026-03-13  USD->CZK (kept as it is)" in out
    assert "ECB 2026-03-13: 0 stored, " in out
    assert stored("CZK") == {("USD", "CZK"): (Decimal("22.44239631"), "ECB")}


def test_the_command_fetches_from_a_url(ecb, make_client, capsys):
    make_client(currency="PLN")
    call_command("fetch_exchange_rates", "--url", ecb.url)
    assert "stored  2026-03-13  1 USD = 3.94930876 PLN" in capsys.readouterr().out
    assert ecb.hits == 1


def test_the_command_reports_a_server_down(make_client):
    make_client(currency="CZK")
    with pytest.raises(CommandError, match="Could not download the rates"):
        call_command("fetch_exchange_rates", "--url", closed_port_url())


# --- the beat task ----------------------------------------------------------------------------


@pytest.fixture
def retries():
    requested: list[str] = []

    def on_retry(sender=None, reason=None, **kwargs) -> None:
        requested.append(str(reason.exc))  # reason: celery's Retry, its exc the failure

    task_retry.connect(on_retry, weak=False)
    yield requested
    task_retry.disconnect(on_retry)


def test_the_task_retries_while_the_server_is_down_and_stores_nothing(
    settings, make_client, retries
):
    make_client(currency="CZK")
    settings.EXCHANGE_RATES_URL = closed_port_url()

    result = exchange_rates_fetch_task.apply()

    # Retried up to its limit (run eagerly here, so without the backoff's wait), then failed:
    # a failed task, logged by the worker, which goes on.
    assert len(retries) == exchange_rates_fetch_task.max_retries == 6
    assert retries[0].startswith(f"{settings.EXCHANGE_RATES_URL}: ")
    assert result.failed()
    assert isinstance(result.result, ExchangeRatesUnavailable)
    assert ExchangeRate.objects.count() == 0


def test_the_task_stores_the_rates_once_the_server_is_back(settings, make_client, retries):
    make_client(currency="CZK")
    with EcbServer((503, b"busy"), (502, b"bad gateway"), (200, ECB_DAILY)) as server:
        settings.EXCHANGE_RATES_URL = server.url
        result = exchange_rates_fetch_task.apply()
    assert server.hits == 3
    assert retries == [f"{server.url} answered HTTP 503", f"{server.url} answered HTTP 502"]
    assert result.get()["days"] == ["2026-03-13"]
    assert stored("CZK") == {("USD", "CZK"): (Decimal("22.44239631"), "ECB")}


def test_a_refused_file_is_not_retried(settings, make_client, retries):
    make_client(currency="CZK")
    with EcbServer((200, HOSTILE["wrong root"][0])) as server:
        settings.EXCHANGE_RATES_URL = server.url
        result = exchange_rates_fetch_task.apply()
    assert server.hits == 1 and retries == []
    assert isinstance(result.result, ExchangeRatesRefused)
    assert ExchangeRate.objects.count() == 0


def test_no_url_fetches_nothing(settings, make_client):
    make_client(currency="CZK")
    settings.EXCHANGE_RATES_URL = ""
    assert exchange_rates_fetch_task.apply().get() == {"skipped": "no POLYDESK_EXCHANGE_RATES_URL"}
    assert ExchangeRate.objects.count() == 0
