"""The one way out to Twilio's REST API: ringing agents, calling customers back, sending
SMS replies, and the prices of finished calls.

Base URL, account and token come from settings (TWILIO_API_BASE_URL, TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN); tests point the base URL at a local fake server. Plain HTTP with a
short timeout: a slow Twilio must not hold a web worker for long, so these run in Celery
tasks, except the desk's call back, where the agent waits for their own phone anyway.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

TIMEOUT_SECONDS = 10


class TwilioApiError(Exception):
    """Twilio answered with an error, or could not be reached."""


@dataclass(frozen=True)
class CallPrice:
    amount: Decimal  # what Twilio charged: positive (Twilio reports charges as negative)
    currency: str


def _url(path: str) -> str:
    account = settings.TWILIO_ACCOUNT_SID
    if not account:
        raise TwilioApiError("TWILIO_ACCOUNT_SID is not set.")
    return f"{settings.TWILIO_API_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{account}/{path}"


def _request(method: str, path: str, **kwargs) -> requests.Response:
    try:
        return requests.request(
            method, _url(path), auth=(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
            timeout=TIMEOUT_SECONDS, **kwargs,
        )  # fmt: skip
    except requests.RequestException as error:
        raise TwilioApiError(f"Twilio unreachable: {error}") from error


def call_price(*, call_sid: str) -> CallPrice | None:
    """The price of a finished call, or None while Twilio has not priced it yet."""
    response = _request("GET", f"Calls/{call_sid}.json")
    if response.status_code == 404:  # not visible yet right after the call
        return None
    if response.status_code != 200:
        raise TwilioApiError(f"GET call {call_sid}: HTTP {response.status_code}")
    data = response.json()
    if data.get("price") in (None, ""):
        return None
    try:
        amount = abs(Decimal(str(data["price"])))
    except InvalidOperation as error:
        raise TwilioApiError(f"call {call_sid}: price {data['price']!r}") from error
    return CallPrice(amount, (data.get("price_unit") or "USD").upper())


def _create(path: str, data: dict, what: str) -> str:
    """POST a new resource (a call, a message); returns its SID."""
    response = _request("POST", path, data=data)
    if response.status_code not in (200, 201):
        raise TwilioApiError(f"{what}: HTTP {response.status_code} {response.text[:200]}")
    return response.json()["sid"]


def call_create(*, to: str, from_: str, url: str, timeout: int = 20) -> str:
    """Ring ``to``; when answered, Twilio fetches TwiML from ``url``. Returns the CallSid."""
    data = {"To": to, "From": from_, "Url": url, "Method": "POST", "Timeout": str(timeout)}
    return _create("Calls.json", data, f"create call to {to}")


def call_create_twiml(*, to: str, from_: str, twiml: str, timeout: int = 20) -> str:
    """Ring ``to``; when answered, Twilio runs ``twiml`` (no webhook). Returns the CallSid."""
    data = {"To": to, "From": from_, "Twiml": twiml, "Timeout": str(timeout)}
    return _create("Calls.json", data, f"create call to {to}")


def message_create(*, to: str, from_: str, body: str) -> str:
    """Send an SMS from one of our numbers. Returns the MessageSid."""
    return _create("Messages.json", {"To": to, "From": from_, "Body": body}, f"send SMS to {to}")
