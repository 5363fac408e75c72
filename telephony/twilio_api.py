"""The one way out to Twilio's REST API: ringing agents, calling customers back, sending
SMS replies, fetching MMS media, the prices of finished calls, how calls ended (for the
calls whose status webhook never reached us), and fetching or deleting recordings (a
customer's export and erasure).

Base URL, account and token come from settings (TWILIO_API_BASE_URL, TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN); tests point the base URL at a local fake server. Plain HTTP with a
short timeout: a slow Twilio must not hold a web worker for long, so these run in Celery
tasks, except the desk's return call, where the agent waits for their own phone anyway.
"""

import email.utils
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

TIMEOUT_SECONDS = 10
# A medium's whole download (up to 25 MB), in a Celery task: a slow link, not a stuck one.
MEDIUM_BUDGET_SECONDS = 120


class TwilioApiError(Exception):
    """Twilio answered with an error, or could not be reached."""


class TwilioUnavailable(TwilioApiError):
    """Twilio could not be reached, or asked us to come back later (429, 5xx): the next
    request now would fare no better."""


@dataclass(frozen=True)
class CallPrice:
    amount: Decimal  # what Twilio charged: positive (Twilio reports charges as negative)
    currency: str


@dataclass(frozen=True)
class CallLeg:
    """One call (leg) as Twilio's Call resource tells it."""

    sid: str
    parent_sid: str
    # queued, ringing, in-progress; or final: completed, busy, no-answer, failed, canceled
    status: str
    seconds: int | None  # `duration`: empty until it ends, and for legs never answered
    # `end_time`, else `date_updated` (Twilio leaves end_time empty for some unanswered
    # legs; the record's last change is then when it reached its final status).
    ended_at: datetime | None


def _url(path: str) -> str:
    account = settings.TWILIO_ACCOUNT_SID
    if not account:
        raise TwilioApiError("TWILIO_ACCOUNT_SID is not set.")
    return f"{settings.TWILIO_API_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{account}/{path}"


def _request(method: str, path: str, **kwargs) -> requests.Response:
    try:
        return requests.request(
            method,
            _url(path),
            auth=(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
            timeout=TIMEOUT_SECONDS,
            **kwargs,
        )
    except requests.RequestException as error:
        raise TwilioUnavailable(f"Twilio unreachable: {error}") from error


def _get_json(path: str, what: str, **kwargs) -> dict | None:
    """GET a resource: its JSON, or None when Twilio does not know it (404)."""
    response = _request("GET", path, **kwargs)
    if response.status_code == 404:
        return None
    if response.status_code == 429 or response.status_code >= 500:
        raise TwilioUnavailable(f"{what}: HTTP {response.status_code}")
    if response.status_code != 200:
        raise TwilioApiError(f"{what}: HTTP {response.status_code} {response.text[:200]}")
    try:
        return response.json()
    except ValueError as error:
        raise TwilioApiError(f"{what}: not JSON") from error


def _time(value) -> datetime | None:
    """Twilio's RFC 2822 times ("Tue, 01 Dec 2026 09:05:00 +0000"); None if empty."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _leg(data: dict) -> CallLeg:
    try:
        seconds = int(data["duration"]) if data.get("duration") not in (None, "") else None
        return CallLeg(
            sid=data["sid"],
            parent_sid=data.get("parent_call_sid") or "",
            status=data.get("status") or "",
            seconds=seconds,
            ended_at=_time(data.get("end_time")) or _time(data.get("date_updated")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TwilioApiError(f"unreadable call record: {error!r}") from error


def call_fetch(*, call_sid: str) -> CallLeg | None:
    """A call as Twilio knows it now, or None when Twilio does not know it (404: not
    visible yet right after it started, or never placed)."""
    data = _get_json(f"Calls/{call_sid}.json", f"GET call {call_sid}")
    return None if data is None else _leg(data)


def call_children(*, parent_sid: str) -> list[CallLeg]:
    """The legs a call spawned (its <Dial>): `GET Calls.json?ParentCallSid=`. One page:
    our <Dial>s ring one <Number>, so a call has one child at most (Twilio's page holds 50)."""
    what = f"GET children of {parent_sid}"
    data = _get_json("Calls.json", what, params={"ParentCallSid": parent_sid}) or {}
    if not isinstance(data.get("calls"), list):
        raise TwilioApiError(f"{what}: no list of calls")
    # Only true children: a filter Twilio ignored must not make another call ours.
    return [leg for leg in map(_leg, data["calls"]) if leg.parent_sid == parent_sid]


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


@dataclass(frozen=True)
class Medium:
    """One medium of an MMS (a photo, a video, a vCard) as Twilio serves it."""

    content_type: str
    data: bytes


def message_medium_fetch(
    *, url: str, max_bytes: int, budget_seconds: float = MEDIUM_BUDGET_SECONDS
) -> Medium:
    """The medium at ``url`` (a MediaUrl of a messaging webhook). Only URLs under our own
    account at the configured API base are fetched: the account's token goes nowhere
    else (Twilio's redirect to its CDN is followed without it). Raises TwilioApiError with
    the reason (not ours, not found, over ``max_bytes``), TwilioUnavailable when Twilio
    cannot be reached or the download takes over ``budget_seconds`` in all (the timeout
    alone bounds each read, not a server trickling bytes)."""
    deadline = time.monotonic() + budget_seconds
    prefix = _url("")
    if not url.startswith(prefix) or "/Media/" not in url or ".." in url:
        raise TwilioApiError(f"not a medium of our account: {url[:200]}")
    response = _request("GET", url[len(prefix) :], stream=True)
    with response:
        if response.status_code == 429 or response.status_code >= 500:
            raise TwilioUnavailable(f"GET medium: HTTP {response.status_code}")
        if response.status_code != 200:
            raise TwilioApiError(f"GET medium: HTTP {response.status_code}")
        data = bytearray()
        try:
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > max_bytes:
                    raise TwilioApiError(f"medium over {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise TwilioUnavailable(f"GET medium: over {budget_seconds:g} s")
        except requests.RequestException as error:
            raise TwilioUnavailable(f"GET medium: {error}") from error
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    return Medium(content_type or "application/octet-stream", bytes(data))


def _create(path: str, data: dict, what: str) -> str:
    """POST a new resource (a call, a message); returns its SID."""
    response = _request("POST", path, data=data)
    if response.status_code == 429 or response.status_code >= 500:
        raise TwilioUnavailable(f"{what}: HTTP {response.status_code} {response.text[:200]}")
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


def recording_delete(*, recording_sid: str) -> None:
    """Delete a recording (a call's or a voicemail) at Twilio. Already gone (404) is done
    too. Raises TwilioUnavailable (try again later) or TwilioApiError (refused)."""
    what = f"DELETE recording {recording_sid}"
    response = _request("DELETE", f"Recordings/{recording_sid}.json")
    if response.status_code in (204, 200, 404):
        return
    if response.status_code == 429 or response.status_code >= 500:
        raise TwilioUnavailable(f"{what}: HTTP {response.status_code}")
    raise TwilioApiError(f"{what}: HTTP {response.status_code} {response.text[:200]}")


@contextmanager
def recording_audio(*, recording_sid: str) -> Iterator[Iterator[bytes] | None]:
    """A recording's audio (MP3) as chunks read from Twilio as they come, or None when Twilio
    no longer has it (404). Raises TwilioUnavailable or TwilioApiError."""
    what = f"GET recording {recording_sid}"
    response = _request("GET", f"Recordings/{recording_sid}.mp3", stream=True)
    with response:
        if response.status_code == 404:
            yield None
            return
        if response.status_code == 429 or response.status_code >= 500:
            raise TwilioUnavailable(f"{what}: HTTP {response.status_code}")
        if response.status_code != 200:
            raise TwilioApiError(f"{what}: HTTP {response.status_code}")
        yield _chunks(response, what)


def _chunks(response: requests.Response, what: str) -> Iterator[bytes]:
    try:
        yield from response.iter_content(64 * 1024)
    except requests.RequestException as error:
        raise TwilioUnavailable(f"{what}: {error}") from error
