"""The European Central Bank's euro reference rates: download, parse, cross through EUR.

Plain Python without Django, so that it is quick to test; ``billing.services.
exchange_rates_fetch`` stores what it returns.

The ECB publishes one rate per currency against the euro ("1 EUR = 25.123 CZK") every
TARGET working day at about 16:00 CET (eurofxref-daily.xml; eurofxref-hist-90d.xml has the
same shape with 90 days). The file is external input: it is parsed with defusedxml, which
refuses a DTD, entities and external references (no billion laughs, no file reads), then
checked strictly, and refused as a whole on the first fault, so that nothing half-read is
ever stored::

    <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
                     xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
      <gesmes:subject>Reference rates</gesmes:subject>
      <Cube>
        <Cube time="2026-03-13">
          <Cube currency="USD" rate="1.0850"/>
          <Cube currency="CZK" rate="24.350"/>
        </Cube>
      </Cube>
    </gesmes:Envelope>
"""

import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from billing.money import exchange_rate_round

logger = logging.getLogger(__name__)

SOURCE_ECB = "ECB"
EUR = "EUR"

_GESMES = "{http://www.gesmes.org/xml/2002-08-01}"
_EUROFXREF = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
# The 90-day file is about 60 KiB; anything far larger is not the ECB's file.
MAX_BYTES = 1024 * 1024
CONNECT_TIMEOUT, READ_TIMEOUT = 10, 30

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
# Plain decimals only: no sign, exponent, NaN or Infinity, which Decimal() would accept.
_RATE = re.compile(r"\d{1,10}(\.\d{1,10})?")


class ExchangeRatesUnavailable(Exception):
    """The rates could not be downloaded (network, timeout, HTTP error): worth a retry."""


class ExchangeRatesRefused(Exception):
    """The file is not a well-formed ECB reference rates file: nothing of it is used."""


@dataclass(frozen=True, kw_only=True)
class EcbDay:
    """One day of the ECB's rates: 1 EUR = ``per_euro[code]`` units of the currency."""

    day: date
    per_euro: dict[str, Decimal]


def ecb_xml_download(*, url: str) -> bytes:
    """The body at `url` (at most MAX_BYTES); ExchangeRatesUnavailable on any failure."""
    try:
        with requests.get(
            url,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            stream=True,
            headers={"Accept": "application/xml, text/xml"},
        ) as response:
            if response.status_code != 200:
                raise ExchangeRatesUnavailable(f"{url} answered HTTP {response.status_code}")
            body = b""
            for chunk in response.iter_content(chunk_size=64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ExchangeRatesRefused(f"{url} sent more than {MAX_BYTES} bytes")
            return body
    except requests.RequestException as error:
        raise ExchangeRatesUnavailable(f"{url}: {error}") from error


def ecb_xml_parse(data: bytes) -> list[EcbDay]:
    """The days in an ECB reference rates file, oldest first; ExchangeRatesRefused with the
    reason when anything in it is not as the ECB writes it."""
    if len(data) > MAX_BYTES:
        raise ExchangeRatesRefused(f"the file has more than {MAX_BYTES} bytes")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ExchangeRatesRefused(f"refused XML construct: {error!r}") from None
    except ParseError as error:
        raise ExchangeRatesRefused(f"not well-formed XML: {error}") from None
    if root.tag != f"{_GESMES}Envelope":
        raise ExchangeRatesRefused(f"the root is {root.tag!r}, not the ECB's gesmes:Envelope")
    outer = root.findall(f"{_EUROFXREF}Cube")
    if len(outer) != 1:
        raise ExchangeRatesRefused(f"expected one outer Cube, found {len(outer)}")
    days = [_parse_day(cube) for cube in outer[0]]
    if not days:
        raise ExchangeRatesRefused("no dated Cube: the file has no rates")
    if len({d.day for d in days}) != len(days):
        raise ExchangeRatesRefused("a day appears twice")
    return sorted(days, key=lambda d: d.day)


def _parse_day(cube: Element) -> EcbDay:
    if cube.tag != f"{_EUROFXREF}Cube":
        raise ExchangeRatesRefused(f"unexpected element {cube.tag!r} among the days")
    when = cube.get("time")
    if when is None:
        raise ExchangeRatesRefused("a day's Cube has no time (date) attribute")
    if not _DATE.fullmatch(when):
        raise ExchangeRatesRefused(f"the date {when!r} is not YYYY-MM-DD")
    try:
        day = date.fromisoformat(when)
    except ValueError:
        raise ExchangeRatesRefused(f"the date {when!r} does not exist") from None
    per_euro: dict[str, Decimal] = {}
    for item in cube:
        if item.tag != f"{_EUROFXREF}Cube":
            raise ExchangeRatesRefused(f"unexpected element {item.tag!r} on {when}")
        code, text = item.get("currency"), item.get("rate")
        if code is None or not _CURRENCY.fullmatch(code) or code == EUR:
            raise ExchangeRatesRefused(f"bad currency {code!r} on {when}")
        if code in per_euro:
            raise ExchangeRatesRefused(f"{code} appears twice on {when}")
        if text is None or not _RATE.fullmatch(text):
            raise ExchangeRatesRefused(f"the {code} rate {text!r} on {when} is not a number")
        rate = Decimal(text)  # the pattern admits plain decimals only
        if rate <= 0:
            raise ExchangeRatesRefused(f"the {code} rate on {when} is zero")
        per_euro[code] = rate
    if not per_euro:
        raise ExchangeRatesRefused(f"no rates on {when}")
    return EcbDay(day=day, per_euro=per_euro)


def cross_rate(
    *, per_euro: dict[str, Decimal], from_currency: str, to_currency: str
) -> Decimal | None:
    """1 `from_currency` in `to_currency` through the euro (1 USD = CZK per EUR / USD per
    EUR), rounded as ExchangeRate stores it; None when the ECB has no rate for either, or
    when it rounds to nothing at 8 places (a rate of 0 would be refused by the table, and
    with it the whole file's rows)."""
    rates = {**per_euro, EUR: Decimal(1)}
    if from_currency not in rates or to_currency not in rates:
        return None
    return exchange_rate_round(rates[to_currency] / rates[from_currency]) or None
