"""The JSON API for clients' systems (chat widgets, shop back-ends), on the agency domain.

``Authorization: Bearer <key>``; the key names the client, and every read and write then
happens in that client's schema: another client's conversation cannot even be named.
"""

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from conversations.acknowledgements import conversation_acknowledge
from conversations.models import Conversation, Message
from conversations.services import conversation_customer_message, conversation_open_inbound
from tenants.services import api_key_client

API_CHANNELS = {"api", "chat"}
MAX_TEXT = 20_000


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _client(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    return api_key_client(header.removeprefix("Bearer ").strip()) if header else None


def _client_and_payload(request: HttpRequest):
    """The key's client and the JSON object posted, or the response refusing them."""
    client = _client(request)
    if client is None:
        return None, None, _error(401, "Missing, unknown or revoked API key.")
    try:
        payload = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return client, None, _error(400, "The body must be JSON.")
    if not isinstance(payload, dict):
        return client, None, _error(400, "The body must be a JSON object.")
    return client, payload, None


def _conversation_json(conversation: Conversation) -> dict:
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "channel": conversation.channel,
        "language": conversation.language,
        "language_uncertain": conversation.language_uncertain,
        "first_response_due_at": conversation.first_response_due_at.isoformat()
        if conversation.first_response_due_at else None,
        "resolution_due_at": conversation.resolution_due_at.isoformat()
        if conversation.resolution_due_at else None,
        "messages": [
            {"direction": m.direction, "text": m.body_text, "created_at": m.created_at.isoformat()}
            for m in conversation.messages.exclude(direction=Message.Direction.NOTE)
        ],
    }  # fmt: skip


@csrf_exempt
@require_http_methods(["POST"])
def messages_create(request: HttpRequest) -> JsonResponse:
    """A customer's message: opens a conversation (201), or finds the replayed one (200)."""
    client, payload, refused = _client_and_payload(request)
    if refused:
        return refused
    text, channel = payload.get("text"), payload.get("channel", "api")
    customer = payload.get("customer") or {}
    problems = {}
    if not isinstance(text, str) or not text.strip():
        problems["text"] = "Required: the customer's message."
    elif len(text) > MAX_TEXT:
        problems["text"] = f"At most {MAX_TEXT} characters."
    if channel not in API_CHANNELS:
        problems["channel"] = f"One of {sorted(API_CHANNELS)}."
    if not isinstance(customer, dict) or not any(
        isinstance(customer.get(k), str) and customer.get(k) for k in ("email", "phone")
    ):
        problems["customer"] = "An object with the customer's email or phone."
    else:
        for key, limit in (("email", 254), ("phone", 20), ("name", 200)):
            if len(str(customer.get(key, ""))) > limit:
                problems[f"customer.{key}"] = f"At most {limit} characters."
        country = customer.get("country", "")
        if country and not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            problems["customer.country"] = "An ISO 3166 country code of two letters, e.g. CZ."
    if problems:
        return _error(400, "Invalid message.", fields=problems)
    with schema_context(client.schema_name):
        try:
            inbound = conversation_open_inbound(
                client=client, channel=channel, text=text.replace("\x00", ""),
                subject=str(payload.get("subject", ""))[:300],
                customer_email=str(customer.get("email", "")),
                customer_phone=str(customer.get("phone", "")),
                customer_name=str(customer.get("name", "")),
                country=str(customer.get("country", "")).upper(),
                external_id=str(payload.get("external_id", ""))[:255],
            )  # fmt: skip
        except ValidationError as error:
            return _error(400, "Invalid message.", fields=error.message_dict)
        if inbound.created and payload.get("acknowledge", True) is not False:
            conversation_acknowledge(client=client, conversation=inbound.conversation)
        body = _conversation_json(inbound.conversation)
    return JsonResponse(body, status=201 if inbound.created else 200)


@csrf_exempt
@require_http_methods(["POST"])
def conversation_messages_create(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """The customer's next message in a chat or API conversation (201), or the replayed one
    (200, same ``external_id``). A resolved conversation opens again."""
    client, payload, refused = _client_and_payload(request)
    if refused:
        return refused
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error(400, "Invalid message.", fields={"text": "Required: the customer's message."})
    if len(text) > MAX_TEXT:
        return _error(400, "Invalid message.", fields={"text": f"At most {MAX_TEXT} characters."})
    with schema_context(client.schema_name):
        found = Conversation.objects.filter(pk=conversation_id)
        channel = found.values_list("channel", flat=True).first()
        if channel is None:
            return _error(404, "No such conversation.")
        if channel not in API_CHANNELS:
            return _error(409, f"A {channel} conversation: the customer's messages arrive on "
                          f"that channel, not through the API.")  # fmt: skip
        inbound = conversation_customer_message(
            client=client, conversation_id=conversation_id, text=text.replace("\x00", ""),
            external_id=str(payload.get("external_id", ""))[:255],
        )  # fmt: skip
        body = _conversation_json(inbound.conversation)  # its status as the message left it
    return JsonResponse(body, status=201 if inbound.created else 200)


@require_http_methods(["GET"])
def conversation_detail(request: HttpRequest, conversation_id: int) -> JsonResponse:
    client = _client(request)
    if client is None:
        return _error(401, "Missing, unknown or revoked API key.")
    with schema_context(client.schema_name):
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            return _error(404, "No such conversation.")
        return JsonResponse(_conversation_json(conversation))
