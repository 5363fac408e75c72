"""The JSON API for clients' systems (chat widgets, shop back-ends), on the agency domain.

``Authorization: Bearer <key>``; the key names the client, and every read and write then
happens in that client's schema: another client's conversation cannot even be named.

Creating is one transaction and idempotent: a replayed ``external_id`` (also one sent by
parallel requests) is filed once and answered 200 with the conversation (a next message's
``external_id`` already used in another conversation is refused, 409); the same request
again with its ``Idempotency-Key`` gets the first answer's status and the conversation it
made or found, as that conversation is now (not a stored copy of the first body). Refusals are
RFC 9457 problem details (core.problems: type, title, status, detail, ``errors`` naming the
field to blame) that keep the members this API answered first: ``{"error": "<one line>",
"fields": {"<field>": "<what is wrong>"}}``.

A conversation read here lists its messages to and from the customer, never an internal
note: an agent's reply with its author's name, every message to the customer with its
delivery as the outbox has it (state, when sent, why it did not arrive).

A key opens what its scopes name (tenants.models.ApiKey.Scope): ``conversations:read`` the
GETs (a conversation, an attachment), ``conversations:write`` the POSTs (a customer's first
and next messages). No live key is a 401; a live key without the scope a 403 that names it
(``{"error": ..., "scope": "conversations:write"}``).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from accounts.models import User
from conversations.acknowledgements import conversation_acknowledge
from conversations.api_input import (
    API_CHANNELS,
    MAX_BODY_BYTES,
    BadRequest,
    new_contact_read,
    next_message_read,
    payload_fingerprint,
    payload_parse,
)
from conversations.attachments import attachment_response
from conversations.models import Attachment, Conversation, Message
from conversations.services import (
    ExternalIdUsedElsewhere,
    conversation_customer_message,
    conversation_open_inbound,
)
from core.problems import SLUG_OF_STATUS, Problem, problem_response
from idempotency.services import (
    KEEP_HOURS,
    KeyReused,
    idempotent_request_find,
    idempotent_request_record,
)
from outbox.models import Delivery
from outbox.selectors import deliveries_of_messages
from tenants.models import ApiKey, Client
from tenants.services import api_key_find

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as Stripe's
MAX_REASON = 300  # characters of a delivery's error shown


def _error(status: int, message: str, **extra) -> HttpResponse:
    """A problem detail (core.problems) that keeps this API's first members: ``error`` (the
    detail) and ``fields`` ({field: what is wrong}, beside ``errors``)."""
    fields = extra.get("fields")
    errors = [{"field": name, "detail": text} for name, text in fields.items()] if fields else None
    return problem_response(
        Problem(SLUG_OF_STATUS[status], message, errors=errors, error=message, **extra)
    )


READ = ApiKey.Scope.CONVERSATIONS_READ
WRITE = ApiKey.Scope.CONVERSATIONS_WRITE


def _authorised(request: HttpRequest, scope: str) -> tuple[Client | None, HttpResponse | None]:
    """The client of the presented key when the key holds ``scope``, or the refusal: 401
    for no live key, 403 for a live key without the scope."""
    header = request.headers.get("Authorization", "")
    key = api_key_find(header.removeprefix("Bearer ").strip()) if header else None
    if key is None:
        return None, _error(401, "Missing, unknown or revoked API key.")
    if scope not in key.scopes:
        return None, _error(
            403, f"This API key lacks the scope {scope}; issue one that has it.", scope=scope
        )
    return key.client, None


@dataclass(frozen=True)
class _Create:
    """A create request that passed the edge: its client, JSON and idempotency key."""

    client: Client
    payload: dict[str, Any]
    key: str
    fingerprint: str


def _create_request(request: HttpRequest) -> tuple[_Create | None, HttpResponse | None]:
    """The key's client, the JSON object posted and the ``Idempotency-Key``, or the
    response refusing them."""
    client, refused = _authorised(request, WRITE)
    if refused:
        return None, refused
    assert client is not None  # not refused
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None, _error(413, f"The body is over {MAX_BODY_BYTES} bytes.")
    # Read past DATA_UPLOAD_MAX_MEMORY_SIZE (request.body would refuse a photo in base64):
    # the limit that holds here is MAX_BODY_BYTES. Read to it at most, whatever the length
    # said (Django reads a body without Content-Length, e.g. chunked, as empty).
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None, _error(413, f"The body is over {MAX_BODY_BYTES} bytes.")
    try:
        payload = payload_parse(body)
    except BadRequest as refusal:
        return None, _error(400, str(refusal))
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        return None, _error(
            400,
            "Invalid Idempotency-Key.",
            fields={"Idempotency-Key": "1 to 255 visible ASCII characters (a UUID is fine)."},
        )
    return _Create(client, payload, key or "", payload_fingerprint(request.path, payload)), None


def _attachment_json(conversation_id: int, attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        # The route is restapi's (django-ninja serves every /api/v1/ path).
        "url": f"/api/v1/conversations/{conversation_id}/attachments/{attachment.pk}",
    }


def _iso(moment: datetime | None) -> str | None:
    # In UTC: the same instant reads the same whether it was just computed or read back.
    return moment.astimezone(UTC).isoformat() if moment else None


def _delivery_json(delivery: Delivery | None) -> dict | None:
    """Where a message to the customer got: queued, sending, sent, failed, bounced or
    withdrawn, and why it did not arrive (for the last three)."""
    if delivery is None:
        return None
    undelivered = delivery.state in (
        Delivery.State.FAILED,
        Delivery.State.BOUNCED,
        Delivery.State.WITHDRAWN,
    )
    return {
        "state": delivery.state,
        "sent_at": _iso(delivery.sent_at),
        "reason": delivery.last_error[:MAX_REASON] if undelivered else None,
    }


def _conversation_json(client: Client, conversation: Conversation) -> dict:
    """The conversation and its messages (never internal notes); an agent's reply with its
    author's name and, as every message to the customer, its delivery."""
    messages = list(
        conversation.messages.exclude(direction=Message.Direction.NOTE)
        .defer("raw", "body_html")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    outbound = [m.pk for m in messages if m.direction == Message.Direction.OUTBOUND]
    deliveries = deliveries_of_messages(client=client, message_ids=outbound) if outbound else {}
    author_ids = {m.author_id for m in messages if m.author_id is not None}
    authors = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=author_ids)
    }
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "channel": conversation.channel,
        "language": conversation.language,
        "language_uncertain": conversation.language_uncertain,
        "first_response_due_at": _iso(conversation.first_response_due_at),
        "resolution_due_at": _iso(conversation.resolution_due_at),
        "messages": [
            {
                "direction": m.direction,
                "text": m.body_text,
                "created_at": _iso(m.created_at),
                "author": authors.get(m.author_id) if m.author_id is not None else None,
                "automatic": m.automatic,
                "delivery": (
                    _delivery_json(deliveries.get(m.pk))
                    if m.direction == Message.Direction.OUTBOUND
                    else None
                ),
                "attachments": [_attachment_json(conversation.pk, a) for a in m.attachments.all()],
            }
            for m in messages
        ],
    }


def _replayed(create: _Create) -> HttpResponse | None:
    """The first answer to this request's Idempotency-Key (in the open transaction), the
    refusal of a key reused for another request, or None for a new key."""
    if not create.key:
        return None
    try:
        answered = idempotent_request_find(
            client=create.client, key=create.key, request_sha256=create.fingerprint
        )
    except KeyReused:
        return _error(
            422,
            f"This Idempotency-Key was used for another request in the last {KEEP_HOURS} hours.",
            fields={"Idempotency-Key": "Already used."},
        )
    if answered is None:
        return None
    conversation = Conversation.objects.filter(pk=answered.object_id).first()
    if conversation is None:  # erased since
        return _error(410, "The conversation this request made no longer exists.")
    return JsonResponse(_conversation_json(create.client, conversation), status=answered.status)


def _answered(create: _Create, conversation: Conversation, created: bool) -> HttpResponse:
    status = 201 if created else 200
    if create.key:
        idempotent_request_record(
            client=create.client,
            key=create.key,
            status=status,
            request_sha256=create.fingerprint,
            object_id=conversation.pk,
        )
    # Read back: the answer a replay will give, not the objects as the services left them.
    conversation = Conversation.objects.get(pk=conversation.pk)
    return JsonResponse(_conversation_json(create.client, conversation), status=status)


@csrf_exempt
@require_http_methods(["POST"])
def messages_create(request: HttpRequest) -> HttpResponse:
    """A customer's message: opens a conversation (201), or finds the replayed one (200)."""
    create, refused = _create_request(request)
    if refused:
        return refused
    assert create is not None  # not refused
    try:
        contact = new_contact_read(create.payload)
    except ValidationError as error:
        return _error(400, "Invalid message.", fields=_fields(error))
    client = create.client
    with schema_context(client.schema_name):
        try:
            with transaction.atomic():
                if replayed := _replayed(create):
                    return replayed
                inbound = conversation_open_inbound(
                    client=client,
                    channel=contact.channel,
                    text=contact.text,
                    subject=contact.subject,
                    customer_email=contact.customer.email,
                    customer_phone=contact.customer.phone,
                    customer_name=contact.customer.name,
                    country=contact.customer.country,
                    external_id=contact.external_id,
                    files=contact.files,
                )
                # Only the request that made the conversation acknowledges it: once.
                if inbound.created and contact.acknowledge:
                    conversation_acknowledge(
                        client=client, conversation=inbound.conversation, calendar=inbound.calendar
                    )
                return _answered(create, inbound.conversation, inbound.created)
        except ValidationError as error:
            return _error(400, "Invalid message.", fields=_fields(error))


@csrf_exempt
@require_http_methods(["POST"])
def conversation_messages_create(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The customer's next message in a chat or API conversation (201), or the replayed one
    (200, same ``external_id``). A resolved conversation opens again."""
    create, refused = _create_request(request)
    if refused:
        return refused
    assert create is not None  # not refused
    try:
        message = next_message_read(create.payload)
    except ValidationError as error:
        return _error(400, "Invalid message.", fields=_fields(error))
    with schema_context(create.client.schema_name):
        channel = (
            Conversation.objects.filter(pk=conversation_id).values_list("channel", flat=True)
        ).first()
        if channel is None:
            return _error(404, "No such conversation.")
        if channel not in API_CHANNELS:
            return _error(
                409,
                f"A {channel} conversation: the customer's messages arrive on "
                f"that channel, not through the API.",
            )
        try:
            with transaction.atomic():
                if replayed := _replayed(create):
                    return replayed
                inbound = conversation_customer_message(
                    client=create.client,
                    conversation_id=conversation_id,
                    text=message.text,
                    external_id=message.external_id,
                    files=message.files,
                )
                # Its status as the message left it.
                return _answered(create, inbound.conversation, inbound.created)
        except ExternalIdUsedElsewhere as used:
            return _error(
                409,
                f"This external_id was already used in conversation {used.conversation_id}.",
                fields={"external_id": f"Used in conversation {used.conversation_id}."},
                conversation=used.conversation_id,
            )
        except ValidationError as error:
            return _error(400, "Invalid message.", fields=_fields(error))


def _fields(error: ValidationError) -> dict[str, str]:
    return {name: " ".join(messages) for name, messages in error.message_dict.items()}


@require_http_methods(["GET"])
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    client, refused = _authorised(request, READ)
    if refused:
        return refused
    assert client is not None  # not refused
    with schema_context(client.schema_name):
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            return _error(404, "No such conversation.")
        return JsonResponse(_conversation_json(client, conversation))


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, conversation_id: int, attachment_id: int):
    """A file of a customer's or agent's message (never of an internal note), as a
    download with a type a browser will not run (the desk's ``attachment_response``)."""
    client, refused = _authorised(request, READ)
    if refused:
        return refused
    assert client is not None  # not refused
    with schema_context(client.schema_name):
        attachment = (
            Attachment.objects.filter(pk=attachment_id, message__conversation_id=conversation_id)
            .exclude(message__direction=Message.Direction.NOTE)
            .first()
        )
        if attachment is None:
            return _error(404, "No such attachment.")
        try:
            # Opened in the client's schema (the blob's name carries it).
            return attachment_response(attachment)
        except FileNotFoundError:
            return _error(404, "The file is missing from storage.")
