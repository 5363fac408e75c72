"""VAT ids checked against the EU's VIES service, the answers kept as evidence (VatCheck).

VIES's REST API (``POST {VIES_URL}/check-vat-number``, the Commission's own JSON interface
since 2023): the buyer's country code and number, and the requester's (the agency's) own VAT
id, so that VIES gives a consultation number (``requestIdentifier``), the proof a tax office
accepts that the buyer's id was valid on that day. Every answer, an error too, is stored as
it came (``VatCheck.response``). docs/billing.md, "VIES".
"""

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import VatCheck
from tenants.models import Client, vat_id_normalised

logger = logging.getLogger(__name__)

# The EU's member states by VAT prefix (Greece: EL); VIES knows no other (XI, Northern
# Ireland, is answered by VIES too, for goods).
VIES_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()  # noqa: SIM905
)
# Kept of an answer: a real one is under 2 kB; a broken proxy's page is not evidence.
RESPONSE_KEPT = 20_000
# VIES's own error codes that mean "ask again later" (no answer about the id itself).
UNAVAILABLE_ERRORS = {
    "MS_UNAVAILABLE",
    "TIMEOUT",
    "SERVICE_UNAVAILABLE",
    "MS_MAX_CONCURRENT_REQ",
    "GLOBAL_MAX_CONCURRENT_REQ",
    "IP_BLOCKED",
}


class VatIdRefusedByVies(ValidationError):
    """VIES says the buyer's VAT id is not valid: no invoice under the reverse charge.
    `check` is the answer: the issuing run stores it again after its transaction rolled
    back, so the evidence of the refusal is kept."""

    def __init__(self, message: str, *, check: VatCheck | None = None) -> None:
        super().__init__(message)
        self.check = check


def vies_prefix(country: str) -> str:
    return "EL" if country.upper() == "GR" else country.upper()


def vies_checkable(*, client: Client) -> bool:
    """Whether VIES can answer about the client's VAT id (an EU member state's)."""
    return bool(client.vat_id) and client.vat_id[:2].upper() in VIES_PREFIXES


def vat_id_check_in_vies(*, client: Client, now: datetime) -> VatCheck:
    """Ask VIES about the client's current VAT id and store its answer; an unavailable
    service or a broken answer is stored as valid=None with the reason, never raised."""
    vat_id = client.vat_id.upper()
    requester = str(settings.INVOICE_ISSUER.get("vat_id", "")).strip().upper()
    body = {"countryCode": vat_id[:2], "vatNumber": vat_id[2:]}
    if requester[:2] in VIES_PREFIXES:
        body |= {"requesterMemberStateCode": requester[:2], "requesterNumber": requester[2:]}
    check = VatCheck(
        client=client,
        vat_id=vat_id,
        source=VatCheck.Source.VIES,
        checked_at=now,
        requester_vat_id=requester if "requesterNumber" in body else "",
    )
    url = settings.VIES_URL.rstrip("/") + "/check-vat-number"
    try:
        with requests.post(url, json=body, timeout=settings.VIES_TIMEOUT, stream=True) as answer:
            status = answer.status_code
            # Read no more than an answer can be: a proxy's endless page is not kept.
            raw = b""
            # The timeout bounds each read; a trickling answer is cut at the whole deadline.
            deadline = time.monotonic() + settings.VIES_TIMEOUT
            for chunk in answer.iter_content(4096):  # errors come as requests' own
                raw += chunk
                if len(raw) > RESPONSE_KEPT:
                    break
                if time.monotonic() > deadline:
                    raise requests.Timeout(f"no whole answer within {settings.VIES_TIMEOUT} s")
    except (requests.RequestException, OSError) as error:
        check.error = f"VIES not reached: {type(error).__name__}"[:255]
        check.response = str(error)[:RESPONSE_KEPT]
        check.save()
        return check
    text = raw.decode("utf-8", errors="replace")
    check.response = text[:RESPONSE_KEPT]
    if len(raw) > RESPONSE_KEPT:
        check.error = f"VIES answered HTTP {status} with more than {RESPONSE_KEPT} bytes"
    else:
        _answer_read(check, status=status, text=text)
    check.save()
    return check


def _answer_read(check: VatCheck, *, status: int, text: str) -> None:
    """Fill the check from VIES's JSON: valid, name, address, consultation number, or the
    error VIES named (errorWrappers, or a userError other than VALID/INVALID)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        check.error = f"VIES answered HTTP {status} without JSON"
        return
    errors = [
        str(wrapper.get("error", "")) for wrapper in data.get("errorWrappers") or [] if wrapper
    ]
    user_error = str(data.get("userError", "") or "")
    if errors or status != 200 or user_error not in ("", "VALID", "INVALID"):
        check.error = (", ".join(filter(None, errors)) or user_error or f"HTTP {status}")[:255]
        return
    valid = data.get("valid")
    if not isinstance(valid, bool):
        check.error = "VIES answered without 'valid'"
        return
    check.valid = valid
    # VIES writes "---" for what a member state does not disclose (Germany: name, address).
    check.name = _disclosed(data.get("name"))[:255]
    check.address = _disclosed(data.get("address"))
    check.request_identifier = str(data.get("requestIdentifier") or "")[:64]


def _disclosed(value: object) -> str:
    text = str(value or "").strip()
    return "" if text in ("---", "") else text


def vat_check_offline(*, client: Client, now: datetime, reason: str) -> VatCheck:
    """The VAT id's offline check (format and check digit, python-stdnum) stored as the
    evidence an invoice relied on while VIES could not answer."""
    try:
        vat_id_normalised(client.vat_id)
        valid, error = True, reason
    except ValidationError as problem:
        valid, error = False, "; ".join(problem.messages)
    return VatCheck.objects.create(
        client=client,
        vat_id=client.vat_id.upper(),
        source=VatCheck.Source.OFFLINE,
        checked_at=now,
        valid=valid,
        error=error[:255],
    )


def vat_evidence_for_issue(*, client: Client, now: datetime) -> VatCheck | None:
    """The VIES answer an invoice's reverse charge relies on; None when VIES is not
    configured (settings.VIES_URL empty): the VAT id was checked offline when it was entered
    (format and check digit), and nothing more is recorded.
    A valid answer younger than VIES_MAX_AGE_DAYS is reused, else VIES is asked now; an
    id VIES calls invalid raises VatIdRefusedByVies; VIES unavailable: the offline check."""
    if not settings.VIES_URL or not vies_checkable(client=client):
        return None
    recent = (
        VatCheck.objects.filter(
            client=client,
            vat_id=client.vat_id.upper(),
            source=VatCheck.Source.VIES,
            valid=True,
            checked_at__gte=now - timedelta(days=settings.VIES_MAX_AGE_DAYS),
            checked_at__lte=now,
        )
        .order_by("-checked_at", "-id")
        .first()
    )
    if recent is not None:
        return recent
    check = vat_id_check_in_vies(client=client, now=now)
    if check.valid:
        return check
    if check.valid is False:
        # Raised inside the issuing transaction, the stored answer is rolled back with the
        # invoice that was not issued: invoice_issue stores it again (VatIdRefusedByVies.check).
        logger.warning(
            "VIES: %s not valid (%s): %s", check.vat_id, check.request_identifier, check.response
        )
        raise VatIdRefusedByVies(
            f"VIES says the VAT id {check.vat_id} is not valid (consultation "
            f"{check.request_identifier or 'without a number'}, {now:%Y-%m-%d}): correct the "
            "client's VAT id, or mark it not registered for VAT (charged VAT)",
            check=check,
        )
    logger.warning("VIES unavailable for %s (%s): offline check used", check.vat_id, check.error)
    offline = vat_check_offline(client=client, now=now, reason=f"VIES unavailable: {check.error}")
    if not offline.valid:
        raise VatIdRefusedByVies(
            f"the VAT id {offline.vat_id} is not valid: {offline.error}", check=offline
        )
    return offline


def vat_ids_check(*, clients: Iterable[Client], now: datetime) -> list[VatCheck]:
    """Ask VIES about each client's VAT id (the admin action, `check_vat_ids`): one stored
    answer each, in its own transaction, so one slow member state delays, never loses."""
    checks = []
    for client in clients:
        if not vies_checkable(client=client):
            continue
        with transaction.atomic():
            checks.append(vat_id_check_in_vies(client=client, now=now))
    return checks
