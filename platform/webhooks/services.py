"""Writes on webhooks: endpoints (create, rotate the secret, pause, resume, remove), events
turned into signed deliveries through the outbox, the outbox's "webhook" sender, replays.

An event (``core.events.webhook_event_emit``) writes, in the caller's transaction, one
delivery per active endpoint that chose its type, each with its outbox row: nothing leaves
for a write that rolls back, and a broker outage delays, never loses. The outbox retries a
failed attempt on ``RETRY_SCHEDULE`` (about a day, as the Standard Webhooks specification
suggests); each attempt is kept with the status code, an excerpt of the answer, its duration
or the error. An endpoint that failed ``settings.WEBHOOKS_PAUSE_AFTER_FAILURES`` times in a
row, or whose every attempt failed for ``PAUSE_AFTER_FAILING``, is paused and the client's
managers are told by e-mail in the client's language.
"""

import base64
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import ProgrammingError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from standardwebhooks import Webhook

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from core.events import EVENT_TYPES
from outbox.errors import PermanentFailure, TemporaryFailure
from outbox.models import Delivery
from outbox.services import webhook_delivery_queue
from tenants.models import Client
from webhooks.models import Attempt, Endpoint, WebhookDelivery

logger = logging.getLogger(__name__)

CHANNEL = "webhook"
# Seconds after the 1st, 2nd, ... failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
# (the specification's example schedule): 8 attempts over about 27 hours.
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
PAUSE_AFTER_FAILING = timedelta(hours=24)
# After a rotation, how long deliveries carry a signature with the previous secret too.
ROTATION_OVERLAP = timedelta(hours=24)
_EXCERPT = 500


def retry_schedule() -> tuple[float, ...]:
    """``RETRY_SCHEDULE`` times ``settings.WEBHOOKS_RETRY_SCALE`` (1 but in the benchmark)."""
    return tuple(seconds * settings.WEBHOOKS_RETRY_SCALE for seconds in RETRY_SCHEDULE)


def secret_new() -> str:
    """A Standard Webhooks secret: "whsec_" and the base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _url_check(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")) or "@" in url.split("/")[2]:
        raise ValidationError({"url": _("Enter an http or https address without a password.")})
    host = urlsplit(url).hostname or ""
    if private_host(host):
        raise ValidationError(
            {
                "url": _("Enter a public address: %(host)s is in a private or local network.")
                % {"host": host}
            }
        )
    return url


def private_host(host: str, *, allowed: bool | None = None) -> bool:
    """Whether ``host`` is, or resolves to, an address outside the public internet
    (loopback, private, link-local, reserved): a client's endpoint must not make Polydesk
    call into its own network. Development and tests allow it (a local receiver):
    ``allowed``, else ``settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` (orders pass theirs)."""
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES if allowed is None else allowed:
        return False
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unknown today: the request fails and is retried, nothing is reached
    return any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in found)


def _events_check(events: list[str]) -> list[str]:
    chosen = [event for event in EVENT_TYPES if event in events]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Choose at least one event.")})
    return chosen


def endpoint_create(
    *, url: str, events: list[str], description: str = "", now: datetime | None = None
) -> Endpoint:
    """A new endpoint of the current client (its schema), with a new secret."""
    return Endpoint.objects.create(
        url=_url_check(url),
        events=_events_check(events),
        description=description.strip()[:200],
        secret=secret_new(),
        created_at=now or timezone.now(),
    )


def endpoint_secret_rotate(
    *, endpoint_id: int, request: HttpRequest | None = None, now: datetime | None = None
) -> Endpoint:
    """A manager gives an endpoint a new secret (shown once): for ``ROTATION_OVERLAP``
    every delivery is signed with the new and the old one, then with the new one only.
    Audited in the same transaction. Raises Endpoint.DoesNotExist."""
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
        endpoint.previous_secret, endpoint.secret = endpoint.secret, secret_new()
        endpoint.previous_secret_until = now + ROTATION_OVERLAP
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        audit_record(
            action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
            request=request,
            object_type="webhook_endpoint",
            object_id=endpoint.pk,
            label=endpoint.url[:200],
            details={"change": "secret_rotated", "previous_until": endpoint.previous_secret_until},
            at=now,
        )
    return endpoint


def signatures(*, endpoint: Endpoint, message_id: str, at: datetime, body: str) -> str:
    """The webhook-signature header: the secret's, and during a rotation the previous
    secret's too (Standard Webhooks: space-separated; a receiver accepts either)."""
    signed = [Webhook(endpoint.secret).sign(message_id, at, body)]
    if endpoint.previous_secret and endpoint.previous_secret_until:
        if at < endpoint.previous_secret_until:
            signed.append(Webhook(endpoint.previous_secret).sign(message_id, at, body))
        else:
            Endpoint.objects.filter(
                pk=endpoint.pk, previous_secret_until=endpoint.previous_secret_until
            ).update(previous_secret="", previous_secret_until=None)
    return " ".join(signed)


def endpoint_resume(*, endpoint_id: int) -> Endpoint:
    """A manager resumes a paused endpoint: events are sent to it again, its count of
    failures starts afresh. Raises Endpoint.DoesNotExist."""
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    endpoint.state, endpoint.paused_at, endpoint.pause_reason = Endpoint.State.ACTIVE, None, ""
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    endpoint.save()
    return endpoint


def endpoint_delete(*, endpoint_id: int) -> bool:
    """Remove an endpoint and its log; deliveries still queued fail as "no such endpoint"."""
    deleted, _rows = Endpoint.objects.filter(pk=endpoint_id).delete()
    return deleted > 0


def event_record(*, client: Client, event_type: str, data: dict[str, Any]) -> int:
    """The events' sink (``core.events.SINKS``): one delivery per active endpoint of the
    client that chose ``event_type``, queued in the outbox in the caller's transaction.
    Returns how many."""
    now = timezone.now()
    payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    message_id = f"msg_{uuid.uuid4().hex}"
    with schema_context(client.schema_name):
        try:
            # A savepoint: a client whose schema holds no tables (a bare client row, as
            # billing's tests make) must not break the caller's transaction.
            with transaction.atomic():
                endpoints = list(
                    Endpoint.objects.filter(
                        state=Endpoint.State.ACTIVE, events__contains=[event_type]
                    )
                )
        except ProgrammingError:
            logger.warning("Event %s of %s: the client has no webhooks table", event_type, client)
            return 0
        customer_id = _customer_of(data) if endpoints else None
        for endpoint in endpoints:
            _delivery_queue(
                client=client,
                endpoint=endpoint,
                message_id=message_id,
                event_type=event_type,
                payload=payload,
                customer_id=customer_id,
                now=now,
            )
    return len(endpoints)


def _customer_of(data: dict[str, Any]) -> int | None:
    """The customer an event is about: named in its data, or (a message that failed, which
    names its conversation only) the customer of an earlier event of that conversation."""
    customer = data.get("customer")
    named = data.get("customer_id") or (customer.get("id") if isinstance(customer, dict) else None)
    if named or not data.get("conversation_id"):
        return int(named) if named else None
    return (
        WebhookDelivery.objects.filter(
            payload__data__conversation_id=data["conversation_id"], customer_id__isnull=False
        )
        .values_list("customer_id", flat=True)
        .first()
    )


def _delivery_queue(
    *,
    client: Client,
    endpoint: Endpoint,
    message_id: str,
    event_type: str,
    payload: dict[str, Any],
    customer_id: int | None,
    now: datetime,
    replay_of: WebhookDelivery | None = None,
) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id,
        event_type=event_type,
        payload=payload,
        customer_id=customer_id,
        personal_removed_at=replay_of.personal_removed_at if replay_of else None,
        created_at=now,
        replay_of=replay_of,
    )
    webhook_delivery_queue(
        client=client, webhook_delivery_id=delivery.pk, subject=event_type, now=now
    )
    return delivery


def delivery_replay(*, client: Client, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, as it was (same webhook-id, so the receiver may tell it has
    it), to its endpoint: a new delivery with its own attempts. Raises
    WebhookDelivery.DoesNotExist, ValidationError for a paused endpoint."""
    with transaction.atomic():
        original = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
        if original.endpoint.state != Endpoint.State.ACTIVE:
            raise ValidationError(_("Resume the endpoint first."))
        return _delivery_queue(
            client=client,
            endpoint=original.endpoint,
            message_id=original.message_id,
            event_type=original.event_type,
            payload=original.payload,
            customer_id=original.customer_id,
            now=timezone.now(),
            replay_of=original,
        )


def webhook_transmit(*, client: Client, delivery: Delivery) -> str:
    """The outbox's "webhook" sender (in the client's schema): sign and POST the delivery,
    keep the attempt; the status code is the provider's answer. Raises TemporaryFailure for
    a timeout, a refused connection or a non-2xx answer (the outbox tries again later),
    PermanentFailure when the endpoint is gone or paused."""
    hook = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery.webhook_delivery_id or 0)
        .first()
    )
    if hook is None:
        raise PermanentFailure("The endpoint was removed.")
    endpoint = hook.endpoint
    if endpoint.state != Endpoint.State.ACTIVE:
        raise PermanentFailure("The endpoint is paused.")
    if private_host(urlsplit(endpoint.url).hostname or ""):
        # Checked again at each send: the name may point elsewhere since it was added.
        raise PermanentFailure("The endpoint's address is in a private or local network.")
    body = json.dumps(hook.payload, separators=(",", ":"), ensure_ascii=False)
    sent_at = timezone.now()
    headers = {
        "content-type": "application/json",
        "user-agent": "Polydesk-Webhooks/1",
        "webhook-id": hook.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures(
            endpoint=endpoint, message_id=hook.message_id, at=sent_at, body=body
        ),
    }
    started = time.monotonic()
    status, excerpt, error = None, "", ""
    try:
        # Streamed: only the excerpt is read, however much the endpoint answers.
        with requests.post(
            endpoint.url,
            data=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
            head = response.raw.read(_EXCERPT * 4, decode_content=True) or b""
            excerpt = head.decode("utf-8", "replace")[:_EXCERPT]
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:_EXCERPT]
    duration = int((time.monotonic() - started) * 1000)
    succeeded = status is not None and 200 <= status < 300
    Attempt.objects.create(
        delivery=hook,
        at=sent_at,
        status_code=status,
        response_excerpt=excerpt,
        duration_ms=duration,
        error=error,
        succeeded=succeeded,
    )
    if succeeded:
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, failing_since=None)
        return str(status)
    _failure_count(client=client, endpoint_id=endpoint.pk, now=sent_at)
    raise TemporaryFailure(error or f"HTTP {status}")


def _failure_count(*, client: Client, endpoint_id: int, now: datetime) -> None:
    """One more failed attempt; pause the endpoint when it keeps failing."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
        endpoint.consecutive_failures = F("consecutive_failures") + 1
        endpoint.failing_since = endpoint.failing_since or now
        endpoint.save(update_fields=["consecutive_failures", "failing_since"])
        endpoint.refresh_from_db()
        if endpoint.state != Endpoint.State.ACTIVE:
            return
        assert endpoint.failing_since is not None  # set above
        if endpoint.consecutive_failures >= settings.WEBHOOKS_PAUSE_AFTER_FAILURES:
            reason = f"{endpoint.consecutive_failures} failed attempts in a row"
        elif now - endpoint.failing_since >= PAUSE_AFTER_FAILING:
            reason = f"every attempt failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
        else:
            return
        endpoint.state, endpoint.paused_at, endpoint.pause_reason = (
            Endpoint.State.PAUSED,
            now,
            reason,
        )
        endpoint.save(update_fields=["state", "paused_at", "pause_reason"])
        logger.warning("Webhook endpoint %s of %s paused: %s", endpoint.pk, client.slug, reason)
        url = endpoint.url
        transaction.on_commit(lambda: endpoint_paused_tell(client=client, url=url))


def endpoint_paused_tell(*, client: Client, url: str) -> int:
    """E-mail the client's portal managers that an endpoint was paused, in the client's
    language. Returns how many were told."""
    managers = list(
        User.objects.filter(
            client=client,
            role=User.Role.CLIENT,
            portal_role=User.PortalRole.MANAGER,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not managers:
        return 0
    with translation.override(client.default_language):
        subject = _("Webhook endpoint paused · %(client)s") % {"client": client.name}
        body = _(
            "Dear client,\n\nyour webhook endpoint %(url)s kept failing, so we paused it: no "
            "events are sent to it now. Once it answers again, resume it on your portal's "
            "Webhooks page and replay what it missed.\n\nYour support team"
        ) % {"url": url}
    EmailMessage(subject=subject, body=body, to=managers).send()
    return len(managers)
