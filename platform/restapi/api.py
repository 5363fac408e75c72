"""``/api/v1/`` endpoints (django-ninja): the reads (customers, conversations, calls,
surveys, KPIs, invoices), a customer saved from the shop's records, the first endpoints
served through it; their OpenAPI document at ``/api/v1/openapi.json``, and the refusals as
problem details (core.problems).

``Authorization: Bearer <key>``: the key names the client (tenants.services.api_key_find), and
every read happens in that client's schema or on that client's rows: another client's object
is a 404, as one that does not exist. Each endpoint declares the scope it needs
(``x-scope`` in the document); a key without it is a 403 naming it. A key is held to
RATE_LIMIT requests a fixed window of RATE_WINDOW seconds (429 with ``Retry-After``).
"""

import base64
import binascii
import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.generic import RedirectView
from django_tenants.utils import schema_context
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from audit.models import AuditEvent
from audit.services import audit_record
from billing.document import invoice_pdf
from billing.selectors import invoice_document, invoice_einvoice_offered, invoices_of_client
from billing.selectors.receivables import invoices_with_open_amounts, status_of
from billing.ubl import UblNotAvailable, invoice_ubl, ubl_filename
from conversations import api as conversations_api
from conversations.api import IDEMPOTENCY_KEY
from conversations.api_input import BadRequest, payload_fingerprint, payload_parse
from conversations.models import Conversation
from core.channels import Channel
from core.months import month_of, month_parse
from core.problems import Problem, problem_response
from customers.models import Customer
from customers.selectors import customer_current, customer_search, identity_of
from idempotency.models import IdempotentRequest
from idempotency.services import (
    KEEP_HOURS,
    Answered,
    KeyReused,
    idempotent_request_find,
    idempotent_request_record,
)
from languages.catalog import CATALOG
from order_updates.models import OrderEvent
from order_updates.services import order_event_receive
from reporting.services import kpis_for_month, report_language
from reporting.snapshots import kpis_encode
from restapi.customer_input import MAX_BODY_BYTES as MAX_CUSTOMER_BODY
from restapi.customer_input import shop_customer_read
from restapi.services import IdentityTaken, customer_save_from_shop
from search.selectors import SearchFilters, conversation_documents
from surveys.models import Survey
from telephony.voice.models import Call
from tenants.models import ApiKey, Client
from tenants.services import api_key_find

# Requests a key may make in one window (docs/how-to.md, "use the API"). Counted in the
# default cache: shared by every web process when Redis is set.
RATE_LIMIT = 120
RATE_WINDOW = 60  # seconds
MAX_LIMIT = 100
DEFAULT_LIMIT = 25

Scope = ApiKey.Scope

logger = logging.getLogger(__name__)


class KeyAuth(HttpBearer):
    """The live key presented, held to the rate limit; None (a 401) for no live key."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_find(token)
        if key is not None:
            _rate_check(key)
            _parameters_check(request)
        return key


def _parameters_check(request: HttpRequest) -> None:
    """PostgreSQL refuses NUL characters in text: a parameter holding one is the sender's
    mistake (a 400 naming it), not the server's."""
    for name, values in request.GET.lists():
        if any("\x00" in value for value in values):
            raise Problem(
                "invalid-request",
                "A parameter holds a NUL character.",
                errors=[{"field": name, "detail": "NUL characters are not allowed."}],
            )


def _rate_check(key: ApiKey) -> None:
    now = time.time()
    window = int(now // RATE_WINDOW)
    name = f"restapi:rate:{key.pk}:{window}"
    cache.add(name, 0, RATE_WINDOW + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the add and the incr
        cache.set(name, 1, RATE_WINDOW + 5)
        count = 1
    if count > RATE_LIMIT:
        retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW - now))
        raise Problem(
            "rate-limited",
            f"At most {RATE_LIMIT} requests a key every {RATE_WINDOW} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


class PolydeskApi(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        """Ninja's routes, its root (a 404 naming a docs page we do not serve from it) sending
        to the reference page instead; the root keeps its name, which ninja reverses."""
        *routes, _root = super()._get_urls()
        return [*routes, path("", RedirectView.as_view(url="/api/v1/docs"), name="api-root")]

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's document, with the refusals typed as what they are:
        application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        return schema


api = PolydeskApi(
    title="Polydesk API",
    version="1",
    description=(
        "A client's conversations, customers, calls, surveys, KPIs and invoices. "
        "Authenticate with "
        "`Authorization: Bearer <key>` (a key issued on the portal's Team page); each "
        "operation names the scope it needs (`x-scope`). Lists are paged by an opaque "
        "cursor (`next`). Refusals are RFC 9457 problem details."
    ),
    auth=KeyAuth(),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        Problem(
            "unauthorized",
            "Send a live API key as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:]) or "body",
            "detail": str(error.get("msg", "Invalid.")),
        }
        for error in exc.errors
    ]
    return problem_response(Problem("invalid-request", "A parameter is invalid.", errors=errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(Problem("not-found", str(exc) or "Not found."))


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


def _responses(ok: Any, *refusals: int) -> dict[int, Any]:
    return {200: ok, **{status: ProblemOut for status in (401, 403, 429, *refusals)}}


def _client(request: HttpRequest, scope: str) -> Client:
    """The key's client when the key holds ``scope``; else a 403 naming it."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]  # set by KeyAuth
    if scope not in key.scopes:
        raise Problem(
            "missing-scope",
            f"This API key lacks the scope {scope}; issue one that has it.",
            scope=scope,
        )
    return key.client


_KEYED: list[dict[str, list[str]]] = [{"KeyAuth": []}]  # the document's scheme for the key


def _scoped(scope: str) -> dict[str, Any]:
    return {"openapi_extra": {"x-scope": scope}}


# Cursors: opaque to the caller, a base64 of the last row's sort key.


def _cursor_of(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _cursor_read(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, list) or not values:
        raise _bad_cursor()
    return values


def _bad_cursor() -> Problem:
    return Problem(
        "invalid-request",
        "The cursor is not one this API gave.",
        errors=[{"field": "cursor", "detail": "Pass the `next` link as given."}],
    )


def _next_link(request: HttpRequest, cursor: str) -> str:
    query = {name: value for name, value in request.GET.items() if name != "cursor"}
    return request.build_absolute_uri(f"{request.path}?{urlencode({**query, 'cursor': cursor})}")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


_TIME_HELP = "ISO 8601; UTC when no offset."


def _aware(moment: datetime | None) -> datetime | None:
    """A time as asked: one without an offset is UTC."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=UTC)
    return moment


def _choice_check(field: str, value: str, known: Iterable[str]) -> None:
    """A filter's value is one of ``known`` (or empty); else a 400 naming the field: an
    unknown value would quietly match nothing."""
    choices = list(known)
    if value and value not in choices:
        raise Problem(
            "invalid-request",
            f"Unknown {field}.",
            errors=[{"field": field, "detail": f"One of: {', '.join(choices)}."}],
        )


def _position(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) a cursor of a time-ordered list holds."""
    after = _cursor_read(cursor)
    if after is None:
        return None
    try:
        moment, pk = datetime.fromisoformat(after[0]), after[1]
    except (TypeError, ValueError, IndexError):
        raise _bad_cursor() from None
    if not isinstance(pk, int) or isinstance(pk, bool) or timezone.is_naive(moment):
        raise _bad_cursor()
    return moment, pk


def _page_of[T](
    request: HttpRequest, rows: list[T], limit: int, key: Callable[[T], tuple[datetime, int]]
) -> tuple[list[T], str | None]:
    """The page's rows (``limit`` + 1 were read) and the next page's link."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    moment, pk = key(rows[-1])
    return rows, _next_link(request, _cursor_of([moment.isoformat(), pk]))


# Customers


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    country: str
    shop_reference: str
    created_at: datetime


class CustomerPage(Schema):
    data: list[CustomerOut]
    next: str | None = Field(None, description="The next page's URL; null on the last page.")


class CustomerFilters(Schema):
    email: str = Field("", max_length=254, description="An e-mail address, case ignored.")
    phone: str = Field("", max_length=20, description="A phone number as stored (E.164).")
    q: str = Field("", max_length=200, description="Part of the name, e-mail or phone.")
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _customer_out(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "country": customer.country,
        "shop_reference": customer.shop_reference,
        "created_at": _utc(customer.created_at),
    }


@api.get(
    "/customers",
    response=_responses(CustomerPage, 400),
    summary="List customers",
    operation_id="customers_list",
    **_scoped(Scope.CUSTOMERS_READ),
)
def customers_list(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    """The client's customers, newest first (a customer merged into another is listed as
    the one it was merged into; erased ones not at all)."""
    client = _client(request, Scope.CUSTOMERS_READ)
    after = _cursor_read(filters.cursor)
    if after is not None and not (len(after) == 1 and isinstance(after[0], int)):
        raise _bad_cursor()
    with schema_context(client.schema_name):
        customers = customer_search(query=filters.q.strip()).filter(erased_at__isnull=True)
        if filters.email:
            customers = customers.filter(identity_of(email=filters.email.strip()))
        if filters.phone:
            customers = customers.filter(identity_of(phone=filters.phone.strip()))
        if after is not None:
            customers = customers.filter(pk__lt=after[0])
        rows = list(customers.distinct().order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "data": [_customer_out(row) for row in rows],
        "next": _next_link(request, _cursor_of([rows[-1].pk])) if more else None,
    }


@api.get(
    "/customers/{customer_id}",
    response=_responses(CustomerOut, 404),
    summary="Get a customer",
    operation_id="customers_get",
    **_scoped(Scope.CUSTOMERS_READ),
)
def customers_get(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """One customer; one merged into another answers as that other (its id differs)."""
    client = _client(request, Scope.CUSTOMERS_READ)
    with schema_context(client.schema_name):
        customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).first()
        if customer is None:
            raise Problem("not-found", "No such customer.")
        return _customer_out(customer_current(customer=customer))


# Conversations


class ConversationOut(Schema):
    id: int
    status: str
    channel: str
    language: str
    subject: str
    customer_id: int
    updated_at: datetime = Field(description="The latest activity (a message, a change).")
    url: str


class ConversationPage(Schema):
    data: list[ConversationOut]
    next: str | None = Field(None, description="The next page's URL; null on the last page.")


class ConversationFilters(Schema):
    status: str = Field("", max_length=10, description="new, open, pending, resolved, spam…")
    channel: str = Field("", max_length=8, description="email, chat, sms, voice, api…")
    language: str = Field("", max_length=8, description="A language code, e.g. cs.")
    updated_since: datetime | None = Field(None, description="ISO 8601; UTC when no offset.")
    q: str = Field("", max_length=200, description="Words, as the desk's search reads them.")
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@api.get(
    "/conversations",
    response=_responses(ConversationPage, 400),
    summary="List conversations",
    operation_id="conversations_list",
    **_scoped(Scope.CONVERSATIONS_READ),
)
def conversations_list(request: HttpRequest, filters: Query[ConversationFilters]) -> dict[str, Any]:
    """The client's conversations, latest activity first, from the search index (spam only
    when ``status=spam`` is asked for). ``q`` matches every word as the start of a word in
    the subject, the messages or the customer's name, e-mail and phone, accents and case
    ignored. Full conversations: ``GET /api/v1/conversations/{id}``."""
    client = _client(request, Scope.CONVERSATIONS_READ)
    _choice_check("status", filters.status, [*Conversation.Status.values, "spam"])
    _choice_check("channel", filters.channel, Channel.values)
    _choice_check("language", filters.language, CATALOG)
    position = _position(filters.cursor)
    since = _aware(filters.updated_since)
    documents = conversation_documents(
        client_id=client.pk,
        query=filters.q,
        filters=SearchFilters(
            status=filters.status, channel=filters.channel, language=filters.language
        ),
        updated_since=since,
        after=position,
        limit=filters.limit + 1,
    )
    documents, following = _page_of(
        request, documents, filters.limit, lambda d: (d.last_activity_at, d.pk)
    )
    return {
        "data": [
            {
                "id": document.conversation_id,
                "status": document.status,
                "channel": document.channel,
                "language": document.language,
                "subject": document.subject,
                "customer_id": document.customer_id,
                "updated_at": _utc(document.last_activity_at),
                "url": f"/api/v1/conversations/{document.conversation_id}",
            }
            for document in documents
        ],
        "next": following,
    }


# The first endpoints: conversations.api answers them (its own key check, validation and
# idempotency); served and documented here, held to the same rate limit.

_MESSAGE_FILES = {
    "type": "array",
    "maxItems": 10,
    "description": "Files, decoded at most 25 MB together.",
    "items": {
        "type": "object",
        "required": ["filename", "data"],
        "properties": {
            "filename": {"type": "string", "maxLength": 255},
            "content_type": {"type": "string", "maxLength": 127},
            "data": {"type": "string", "contentEncoding": "base64"},
        },
    },
}
_NEW_MESSAGE = {
    "type": "object",
    "required": ["customer"],
    "properties": {
        "text": {"type": "string", "maxLength": 20000, "description": "Required without files."},
        "channel": {"type": "string", "enum": ["api", "chat"], "default": "api"},
        "subject": {"type": "string", "maxLength": 300},
        "external_id": {
            "type": "string",
            "maxLength": 255,
            "description": "Your id of the message: sent again, it is filed once (200).",
        },
        "acknowledge": {"type": "boolean", "default": True},
        "customer": {
            "type": "object",
            "description": "An e-mail or a phone at least.",
            "properties": {
                "email": {"type": "string", "format": "email"},
                "phone": {"type": "string", "maxLength": 20},
                "name": {"type": "string", "maxLength": 200},
                "country": {"type": "string", "minLength": 2, "maxLength": 2},
            },
        },
        "attachments": _MESSAGE_FILES,
    },
}
_NEXT_MESSAGE = {
    "type": "object",
    "properties": {
        "text": _NEW_MESSAGE["properties"]["text"],  # type: ignore[index]
        "external_id": _NEW_MESSAGE["properties"]["external_id"],  # type: ignore[index]
        "attachments": _MESSAGE_FILES,
    },
}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "1 to 255 visible ASCII characters (a UUID). The same key and body again within 24 "
        "hours get the first answer's status and conversation; the same key with another "
        "body is a 422."
    ),
    "schema": {"type": "string", "maxLength": 255},
}


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class DeliveryOut(Schema):
    state: str = Field(description="queued, sending, sent, failed, bounced, or withdrawn")
    sent_at: datetime | None
    reason: str | None = Field(
        description="Why it did not reach the customer (failed, bounced, withdrawn)."
    )


class MessageOut(Schema):
    direction: str = Field(description="in: the customer's; out: to the customer")
    text: str
    created_at: datetime
    author: str | None = Field(
        description="The agent who wrote a reply; null for the customer's and automatic ones."
    )
    automatic: bool = Field(description="Written by Polydesk (an acknowledgement, a survey).")
    delivery: DeliveryOut | None = Field(description="A message to the customer: where it got.")
    attachments: list[AttachmentOut]


class ConversationDetail(Schema):
    id: int
    status: str
    channel: str
    language: str
    language_uncertain: bool
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    messages: list[MessageOut]


def _created(body: dict[str, Any], scope: str) -> dict[str, Any]:
    return {
        "x-scope": scope,
        "parameters": [_IDEMPOTENCY_KEY],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body}},
        },
    }


def _key_rate_check(request: HttpRequest) -> None:
    """The rate limit of the key presented, when it is a live one (conversations.api
    refuses the others)."""
    header = request.headers.get("Authorization", "")
    key = api_key_find(header.removeprefix("Bearer ").strip()) if header else None
    if key is not None:
        _rate_check(key)


_WRITE_ANSWERS = {
    200: ConversationDetail,
    201: ConversationDetail,
    **{status: ProblemOut for status in (400, 401, 403, 409, 410, 413, 422, 429)},
}


@api.post(
    "/messages",
    auth=None,
    response=_WRITE_ANSWERS,
    summary="Send a customer's first message",
    operation_id="messages_create",
    openapi_extra={**_created(_NEW_MESSAGE, Scope.CONVERSATIONS_WRITE), "security": _KEYED},
)
def messages_create(request: HttpRequest) -> HttpResponse:
    """Opens a conversation (201), or finds the one a replayed ``external_id`` opened
    (200)."""
    _key_rate_check(request)
    return conversations_api.messages_create(request)


@api.post(
    "/conversations/{conversation_id}/messages",
    auth=None,
    response=_WRITE_ANSWERS | {404: ProblemOut},
    summary="Send a customer's next message",
    operation_id="conversation_messages_create",
    openapi_extra={**_created(_NEXT_MESSAGE, Scope.CONVERSATIONS_WRITE), "security": _KEYED},
)
def conversation_messages_create(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The customer's next message in a chat or API conversation (201), or the replayed one
    (200, same ``external_id``); a resolved conversation opens again."""
    _key_rate_check(request)
    return conversations_api.conversation_messages_create(request, conversation_id)


@api.get(
    "/conversations/{conversation_id}",
    auth=None,
    response=_responses(ConversationDetail, 404),
    summary="Get a conversation",
    operation_id="conversation_get",
    openapi_extra={"x-scope": Scope.CONVERSATIONS_READ, "security": _KEYED},
)
def conversation_get(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A conversation and its messages (never internal notes), with their attachments."""
    _key_rate_check(request)
    return conversations_api.conversation_detail(request, conversation_id)


@api.get(
    "/conversations/{conversation_id}/attachments/{attachment_id}",
    auth=None,
    response=_responses(None, 404),
    summary="Download an attachment",
    operation_id="attachment_get",
    openapi_extra={
        "x-scope": Scope.CONVERSATIONS_READ,
        "security": _KEYED,
        "responses": {
            "200": {
                "description": "The file, as a download.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    },
)
def attachment_get(request: HttpRequest, conversation_id: int, attachment_id: int) -> HttpResponse:
    """A file of a customer's or agent's message (never of an internal note)."""
    _key_rate_check(request)
    return conversations_api.attachment_download(request, conversation_id, attachment_id)


# Calls


class CallOut(Schema):
    id: int
    from_number: str = Field(description="The caller's number (empty: withheld or erased).")
    to_number: str = Field(description="The client's number called.")
    country: str
    language: str
    topic: str
    outcome: str = Field(description=", ".join(Call.Outcome.values))
    ringing_at: datetime
    answered_at: datetime | None
    completed_at: datetime | None
    wait_seconds: int | None = Field(description="In the queue, before an agent answered.")
    talk_seconds: int | None
    customer_id: int | None
    conversation_id: int | None = Field(description="The conversation the call is filed in.")
    url: str


class CallStep(Schema):
    step: str = Field(description="ringing, menu_left, queued, answered, talk_ended, completed")
    at: datetime


class CallDetail(CallOut):
    ivr_seconds: int | None = Field(description="In the menus.")
    timeline: list[CallStep] = Field(description="The moments that happened, in order.")
    recording: bool = Field(description="The call was recorded (the recording is kept).")
    voicemail: bool = Field(description="The caller left a voicemail.")
    voicemail_seconds: int | None
    csat: int | None = Field(description="The phone survey's rating, 1-5.")
    nps: int | None = Field(description="The phone survey's Net Promoter answer, 0-10.")


class CallPage(Schema):
    data: list[CallOut]
    next: str | None = Field(None, description="The next page's URL; null on the last page.")


class CallFilters(Schema):
    from_: datetime | None = Field(
        None, alias="from", description=f"Rang at or after this time. {_TIME_HELP}"
    )
    to: datetime | None = Field(None, description=f"Rang before this time. {_TIME_HELP}")
    outcome: str = Field("", max_length=12, description=", ".join(Call.Outcome.values))
    language: str = Field("", max_length=8, description="A language code, e.g. cs.")
    number: str = Field(
        "", max_length=32, description="The caller's or the called number, as E.164."
    )
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "country": call.country,
        "language": call.language,
        "topic": call.topic,
        "outcome": call.outcome,
        "ringing_at": _utc(call.ringing_at),
        "answered_at": call.answered_at and _utc(call.answered_at),
        "completed_at": call.completed_at and _utc(call.completed_at),
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "customer_id": call.customer_id,
        "conversation_id": call.conversation_id,
        "url": f"/api/v1/calls/{call.pk}",
    }


def _call_timeline(call: Call) -> list[dict[str, Any]]:
    moments = [
        ("ringing", call.ringing_at),
        ("menu_left", call.menu_left_at),
        ("queued", call.queued_at),
        ("answered", call.answered_at),
        ("talk_ended", call.talk_ended_at),
        ("completed", call.completed_at),
    ]
    steps = [{"step": step, "at": _utc(at)} for step, at in moments if at is not None]
    return sorted(steps, key=lambda step: step["at"])


@api.get(
    "/calls",
    response=_responses(CallPage, 400),
    summary="List calls",
    operation_id="calls_list",
    **_scoped(Scope.CALLS_READ),
)
def calls_list(request: HttpRequest, filters: Query[CallFilters]) -> dict[str, Any]:
    """The client's inbound calls, the latest first, filtered by when they rang
    (``from`` inclusive, ``to`` exclusive), outcome, language and number."""
    client = _client(request, Scope.CALLS_READ)
    _choice_check("outcome", filters.outcome, Call.Outcome.values)
    _choice_check("language", filters.language, CATALOG)
    after = _position(filters.cursor)
    with schema_context(client.schema_name):
        calls = Call.objects.all()
        if (start := _aware(filters.from_)) is not None:
            calls = calls.filter(ringing_at__gte=start)
        if (end := _aware(filters.to)) is not None:
            calls = calls.filter(ringing_at__lt=end)
        if filters.outcome:
            calls = calls.filter(outcome=filters.outcome)
        if filters.language:
            calls = calls.filter(language=filters.language)
        if number := filters.number.strip():
            calls = calls.filter(Q(from_number=number) | Q(to_number=number))
        if after is not None:
            calls = calls.filter(
                Q(ringing_at__lt=after[0]) | Q(ringing_at=after[0], pk__lt=after[1])
            )
        rows = list(calls.order_by("-ringing_at", "-id")[: filters.limit + 1])
    rows, following = _page_of(request, rows, filters.limit, lambda c: (c.ringing_at, c.pk))
    return {"data": [_call_out(call) for call in rows], "next": following}


@api.get(
    "/calls/{call_id}",
    response=_responses(CallDetail, 404),
    summary="Get a call",
    operation_id="calls_get",
    **_scoped(Scope.CALLS_READ),
)
def calls_get(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """One call: its timeline, its durations, its outcome, whether a recording or a
    voicemail is kept (the audio itself stays on the desk), its conversation."""
    client = _client(request, Scope.CALLS_READ)
    with schema_context(client.schema_name):
        call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Problem("not-found", "No such call.")
    return {
        **_call_out(call),
        "ivr_seconds": call.ivr_seconds,
        "timeline": _call_timeline(call),
        "recording": bool(call.recording_url),
        "voicemail": bool(call.voicemail_url),
        "voicemail_seconds": call.voicemail_seconds,
        "csat": call.csat,
        "nps": call.nps,
    }


# Surveys


class SurveyOut(Schema):
    id: int
    conversation_id: int
    channel: str
    language: str
    state: str = Field(description="sent, or skipped (not sent: see skipped_reason)")
    skipped_reason: str
    sent_at: datetime
    rating: int | None = Field(description="1-5; null while unanswered.")
    nps: int | None = Field(description="0-10, asked after the rating; null if not answered.")
    comment: str
    answered_at: datetime | None = Field(description="When the rating came.")
    answered_via: str = Field(description="link (the e-mail's page), reply (a digit); empty")


class SurveyPage(Schema):
    data: list[SurveyOut]
    next: str | None = Field(None, description="The next page's URL; null on the last page.")


class SurveyFilters(Schema):
    since: datetime | None = Field(
        None,
        description=(
            f"Sent, rated or commented at or after this time (poll for new answers). {_TIME_HELP}"
        ),
    )
    answered: bool | None = Field(None, description="true: rated ones only; false: unrated.")
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _survey_out(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "conversation_id": survey.conversation_id,
        "channel": survey.channel,
        "language": survey.language,
        "state": survey.state,
        "skipped_reason": survey.skipped_reason,
        "sent_at": _utc(survey.created_at),
        "rating": survey.rating,
        "nps": survey.nps,
        "comment": survey.comment,
        "answered_at": survey.rated_at and _utc(survey.rated_at),
        "answered_via": survey.answered_via,
    }


@api.get(
    "/surveys",
    response=_responses(SurveyPage, 400),
    summary="List satisfaction surveys",
    operation_id="surveys_list",
    **_scoped(Scope.SURVEYS_READ),
)
def surveys_list(request: HttpRequest, filters: Query[SurveyFilters]) -> dict[str, Any]:
    """The satisfaction surveys of the client's conversations (one a conversation at most),
    the latest sent first, with their answers: rating, Net Promoter answer, comment."""
    client = _client(request, Scope.SURVEYS_READ)
    after = _position(filters.cursor)
    with schema_context(client.schema_name):
        surveys = Survey.objects.all()
        if (since := _aware(filters.since)) is not None:
            surveys = surveys.filter(
                Q(created_at__gte=since) | Q(rated_at__gte=since) | Q(commented_at__gte=since)
            )
        if filters.answered is not None:
            surveys = surveys.filter(rating__isnull=not filters.answered)
        if after is not None:
            surveys = surveys.filter(
                Q(created_at__lt=after[0]) | Q(created_at=after[0], pk__lt=after[1])
            )
        rows = list(surveys.order_by("-created_at", "-id")[: filters.limit + 1])
    rows, following = _page_of(request, rows, filters.limit, lambda s: (s.created_at, s.pk))
    return {"data": [_survey_out(survey) for survey in rows], "next": following}


# Customers from the shop's records

_SHOP_CUSTOMER = {
    "type": "object",
    "description": (
        "An e-mail or a phone at least. Omitted, null or empty fields leave what is stored."
    ),
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "phone": {"type": "string", "maxLength": 20, "description": "E.164, e.g. +420601234567."},
        "name": {"type": "string", "maxLength": 200},
        "language": {"type": "string", "enum": list(CATALOG)},
        "country": {"type": "string", "description": "ISO 3166-1 alpha-2, e.g. CZ."},
        "shop_reference": {
            "type": "string",
            "maxLength": 100,
            "description": "Your customer number: matched first.",
        },
    },
}


def _posted(request: HttpRequest, max_bytes: int) -> tuple[dict[str, Any], str]:
    """The JSON object posted and the ``Idempotency-Key`` sent ("" for none), or a problem.
    At most one byte past ``max_bytes`` is read, whatever Content-Length said."""
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise Problem("too-large", f"The body is over {max_bytes} bytes.")
    try:
        payload = payload_parse(body)
    except BadRequest as refusal:
        raise Problem(
            "invalid-request", str(refusal), errors=[{"field": "body", "detail": str(refusal)}]
        ) from None
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise Problem(
            "invalid-request",
            "Invalid Idempotency-Key.",
            errors=[{"field": "Idempotency-Key", "detail": "1 to 255 visible ASCII characters."}],
        )
    return payload, key or ""


def _replayed(*, client: Client, key: str, fingerprint: str) -> Answered | None:
    """In the creating transaction: the first answer to this ``Idempotency-Key``, None for a
    new (or no) key, or a 422 problem for a key used with another request."""
    if not key:
        return None
    try:
        return idempotent_request_find(client=client, key=key, request_sha256=fingerprint)
    except KeyReused:
        raise Problem(
            "idempotency-key-reused",
            f"This Idempotency-Key was used for another request in the last {KEEP_HOURS} hours.",
            errors=[{"field": "Idempotency-Key", "detail": "Already used."}],
        ) from None


@api.post(
    "/customers",
    response={
        200: CustomerOut,
        201: CustomerOut,
        **{status: ProblemOut for status in (400, 401, 403, 409, 410, 413, 422, 429)},
    },
    summary="Create or update a customer",
    operation_id="customers_save",
    openapi_extra={**_created(_SHOP_CUSTOMER, Scope.CUSTOMERS_WRITE)},
)
def customers_save(request: HttpRequest) -> Status[dict[str, Any]]:
    """A customer from the shop's records: the one with this ``shop_reference``, else this
    e-mail, else this phone, updated (200); else a new one (201). An erased customer is never
    matched (never brought back). An e-mail or phone that is another customer's is a 409:
    merging two customers is done on the desk."""
    client = _client(request, Scope.CUSTOMERS_WRITE)
    payload, key = _posted(request, MAX_CUSTOMER_BODY)
    sent, problems = shop_customer_read(payload)
    if problems:
        raise Problem(
            "invalid-request",
            "Invalid customer.",
            errors=[{"field": name, "detail": text} for name, text in problems.items()],
        )
    fingerprint = payload_fingerprint(request.path, payload)
    with schema_context(client.schema_name), transaction.atomic():
        answered = _replayed(client=client, key=key, fingerprint=fingerprint)
        if answered is not None:
            first = Customer.objects.filter(pk=answered.object_id, erased_at__isnull=True).first()
            if first is None:
                raise Problem("gone", "The customer this request saved was erased since.")
            return Status(answered.status, _customer_out(customer_current(customer=first)))
        try:
            saved = customer_save_from_shop(sent=sent)
        except IdentityTaken as taken:
            raise Problem(
                "conflict",
                f"This {taken.field} is customer {taken.customer_id}'s; merge the two on the "
                "desk if they are one person.",
                errors=[{"field": taken.field, "detail": f"Customer {taken.customer_id}'s."}],
                customer=taken.customer_id,
            ) from None
        status = 201 if saved.created else 200
        if key:
            idempotent_request_record(
                client=client,
                key=key,
                request_sha256=fingerprint,
                status=status,
                made=IdempotentRequest.Made.CUSTOMER,
                object_id=saved.customer.pk,
            )
        return Status(status, _customer_out(saved.customer))


# KPIs


class KpisOut(Schema):
    month: str
    period_start: datetime
    period_end: datetime = Field(description="The month's end, or now for the month so far.")
    figures: dict[str, Any] = Field(
        description="Every KPI of the month as the portal shows them (docs/kpis.md)."
    )


@api.get(
    "/kpis/{month}",
    response=_responses(KpisOut, 400, 404),
    summary="Get a month's KPIs",
    operation_id="kpis_get",
    **_scoped(Scope.REPORTS_READ),
)
def kpis_get(request: HttpRequest, month: str) -> dict[str, Any]:
    """The month's KPIs (``YYYY-MM``, in the client's time zone), so far for the current
    month, as the portal's dashboard and the monthly report show them."""
    client = _client(request, Scope.REPORTS_READ)
    try:
        first_day = month_parse(month)
    except ValueError:
        raise Problem(
            "invalid-request",
            "The month is YYYY-MM.",
            errors=[{"field": "month", "detail": "A month as YYYY-MM, e.g. 2026-10."}],
        ) from None
    if first_day > month_of(timezone.now(), zone=client.tz):
        raise Problem("not-found", "That month has not started.")
    with schema_context(client.schema_name):
        kpis = kpis_for_month(client=client, month=first_day)
    return {
        "month": first_day.strftime("%Y-%m"),
        "period_start": _utc(kpis.period.start),
        "period_end": _utc(kpis.period.end),
        "figures": kpis_encode(kpis),
    }


# Invoices


class InvoiceVatOut(Schema):
    category: str = Field(description="EN 16931 VAT category: S, AE or O.")
    rate: Decimal = Field(description="Percent.")
    taxable_amount: Decimal
    vat_amount: Decimal


class InvoiceOut(Schema):
    number: str
    kind: str = Field(description="invoice or credit_note")
    month: date = Field(description="The first day of the month billed.")
    revision: int
    issued_at: datetime
    currency: str
    total: Decimal = Field(description="The sum of the lines, without VAT.")
    vat_treatment: str = Field(
        description="domestic, reverse_charge or outside_scope; empty: issued before VAT."
    )
    vat_total: Decimal
    total_with_vat: Decimal | None = Field(
        None, description="What is due (negative: a credit note); null: issued before VAT."
    )
    vat_totals: list[InvoiceVatOut] = Field(description="The VAT per category and rate.")
    due_on: date | None = Field(None, description="The client's local date; null: a credit note.")
    payment_reference: str = Field(description="Variable symbol (CZ, SK) or ISO 11649 RF.")
    corrects: str | None = Field(None, description="The number of the invoice credited.")
    pdf: str
    xml: str | None = Field(
        None,
        description="The UBL 2.1 e-invoice (Peppol BIS Billing 3.0); none for one issued "
        "before VAT was applied.",
    )
    status: str = Field(
        description="open, partly_paid, paid, overdue (open after its due date, the client's "
        "local date) or credited; empty for a credit note or an invoice issued before "
        "payment terms."
    )
    amount_open: Decimal = Field(description="What is still to pay (0: paid or credited).")


class InvoiceList(Schema):
    data: list[InvoiceOut]


@api.get(
    "/invoices",
    response=_responses(InvoiceList),
    summary="List invoices",
    operation_id="invoices_list",
    **_scoped(Scope.INVOICES_READ),
)
def invoices_list(request: HttpRequest) -> dict[str, Any]:
    """The client's invoices and credit notes, as its portal lists them."""
    client = _client(request, Scope.INVOICES_READ)
    # With what was paid and what is open, in the same query (billing's receivables).
    invoices = invoices_with_open_amounts(
        invoices_of_client(client=client).select_related("corrects").prefetch_related("vat_totals")
    )
    today = timezone.localtime(timezone.now(), client.tz).date()
    return {
        "data": [
            {
                "number": invoice.number,
                "kind": invoice.kind,
                "month": invoice.period,
                "revision": invoice.revision,
                "issued_at": _utc(invoice.issued_at),
                "currency": invoice.currency,
                "total": invoice.total,
                "vat_treatment": invoice.vat_treatment,
                "vat_total": invoice.vat_total,
                "total_with_vat": invoice.total_with_vat,
                "vat_totals": [
                    {
                        "category": row.category,
                        "rate": row.rate,
                        "taxable_amount": row.taxable_amount,
                        "vat_amount": row.vat_amount,
                    }
                    for row in invoice.vat_totals.all()
                ],
                "due_on": invoice.due_on,
                "payment_reference": invoice.payment_reference,
                "corrects": invoice.corrects.number if invoice.corrects else None,
                "pdf": f"/api/v1/invoices/{invoice.number}/pdf",
                "xml": (
                    f"/api/v1/invoices/{invoice.number}/xml"
                    if invoice_einvoice_offered(invoice=invoice)
                    else None
                ),
                "status": status_of(
                    kind=invoice.kind,
                    credited=invoice.credited,
                    open_amount=invoice.open_amount,
                    paid=invoice.paid,
                    due=invoice.due_date,
                    today=today,
                ),
                "amount_open": invoice.open_amount,
            }
            for invoice in invoices
        ]
    }


@api.get(
    "/invoices/{number}/pdf",
    response=_responses(None, 404),
    summary="Download an invoice's PDF",
    operation_id="invoices_pdf",
    openapi_extra={
        "x-scope": Scope.INVOICES_READ,
        "responses": {
            "200": {
                "description": "The PDF, in the client's document language.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    },
)
def invoices_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The issued invoice or credit note as a PDF, in the client's document language (its
    reports' language, else its default); audited as the portal's download is."""
    client = _client(request, Scope.INVOICES_READ)
    invoice = invoices_of_client(client=client).filter(number=number).first()
    if invoice is None:
        raise Problem("not-found", "No such invoice.")
    with schema_context(client.schema_name):
        language = report_language(client=client)
    pdf = invoice_pdf(invoice_document(invoice=invoice, language=language))
    audit_record(
        action=AuditEvent.Action.INVOICE_DOWNLOADED,
        request=request,
        client=client,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={"language": language, "api_key": request.auth.prefix},  # type: ignore[attr-defined]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


@api.get(
    "/invoices/{number}/xml",
    response=_responses(None, 404),
    summary="Download an invoice's e-invoice (UBL)",
    operation_id="invoices_xml",
    openapi_extra={
        "x-scope": Scope.INVOICES_READ,
        "responses": {
            "200": {
                "description": "The UBL 2.1 invoice or credit note (Peppol BIS Billing 3.0), "
                "its texts in the client's document language.",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        },
    },
)
def invoices_xml(request: HttpRequest, number: str) -> HttpResponse:
    """The issued invoice or credit note as a UBL e-invoice; a 404 saying why for one issued
    before VAT was applied. Audited as the portal's download is."""
    client = _client(request, Scope.INVOICES_READ)
    invoice = invoices_of_client(client=client).filter(number=number).first()
    if invoice is None:
        raise Problem("not-found", "No such invoice.")
    with schema_context(client.schema_name):
        language = report_language(client=client)
    try:
        xml = invoice_ubl(invoice_document(invoice=invoice, language=language))
    except UblNotAvailable as error:
        # The reason for the agency's operators is in the log; the client is told plainly.
        logger.warning("e-invoice of %s refused: %s", invoice.number, error)
        raise Problem(
            "not-found",
            "This invoice was issued before VAT was applied: it has no e-invoice."
            if error.before_vat
            else "The e-invoice of this invoice cannot be made yet: details it needs are "
            "missing. Please contact the agency.",
        ) from None
    audit_record(
        action=AuditEvent.Action.INVOICE_DOWNLOADED,
        request=request,
        client=client,
        object_type="invoice",
        object_id=invoice.pk,
        label=invoice.number,
        details={"language": language, "format": "ubl", "api_key": request.auth.prefix},  # type: ignore[attr-defined]
    )
    response = HttpResponse(xml, content_type="application/xml")
    filename = ubl_filename(kind=invoice.kind, number=invoice.number)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Order events
#
# A shop that is no Shopify or WooCommerce store (whose webhooks the connector reads) sends
# its order events here: each tells the customer once (order_updates.services). The event's
# own ``event_id`` makes a retry a no-op (200); an ``Idempotency-Key`` is honoured as on the
# other creates, its row naming the event (``made`` order_event; a replay's answer is read
# from the event).

# The largest order event body read (an event is a few hundred bytes).
_ORDER_EVENT_MAX_BYTES = 64 * 1024
_ORDER_EVENT = {
    "type": "object",
    "required": ["event_id", "kind", "order_number"],
    "properties": {
        "event_id": {
            "type": "string",
            "maxLength": 200,
            "description": "Your id of the event: sent again, it is received once (200).",
        },
        "kind": {"type": "string", "enum": list(OrderEvent.Kind.values)},
        "order_number": {"type": "string", "maxLength": 100},
        "customer": {
            "type": "object",
            "description": "An e-mail or a phone to tell the customer (else nobody is told).",
            "properties": {
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "phone": {"type": "string", "maxLength": 40},
                "name": {"type": "string", "maxLength": 200},
                "language": {
                    "type": "string",
                    "maxLength": 8,
                    "description": "The customer's language (e.g. cs) when the shop knows it.",
                },
            },
        },
        "tracking": {
            "type": "object",
            "properties": {
                "number": {"type": "string", "maxLength": 100},
                "url": {"type": "string", "format": "uri", "maxLength": 500},
                "carrier": {"type": "string", "maxLength": 100},
            },
        },
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "description": "When it happened at the shop, with its offset (default: now).",
        },
    },
}
# The service's field names as the body names them.
_ORDER_EVENT_FIELDS = {
    "email": "customer.email",
    "phone": "customer.phone",
    "name": "customer.name",
    "language": "customer.language",
    "tracking_number": "tracking.number",
    "tracking_url": "tracking.url",
    "carrier": "tracking.carrier",
}


class OrderEventOut(Schema):
    id: int
    event_id: str
    kind: str
    order_number: str
    state: str = Field(description="sent, queued (quiet hours), no_contact, disabled or held.")
    channel: str
    language: str
    conversation_id: int | None
    received_at: datetime


def _order_event_json(event: OrderEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "event_id": event.event_id,
        "kind": event.kind,
        "order_number": event.order_number,
        "state": event.state,
        "channel": event.channel,
        "language": event.language,
        "conversation_id": event.conversation_id,
        "received_at": _utc(event.received_at),
    }


def _order_event_read(payload: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments from the body; a Problem naming every bad field. Text is
    refused, never changed: a NUL character is a 400 (the API's rule, conversations.api_input)."""
    errors: dict[str, str] = {}

    def text(container: Any, name: str, label: str) -> str:
        value = container.get(name) if isinstance(container, dict) else None
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool) and name == "order_number":
            value = str(value)
        if not isinstance(value, str):
            errors[label] = "A string."
            return ""
        if "\x00" in value:
            errors[label] = "NUL characters are not allowed."
            return ""
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                errors[label] = f"Contains a lone surrogate at character {error.start}."
                return ""
        return value

    for name in ("customer", "tracking"):
        if payload.get(name) is not None and not isinstance(payload.get(name), dict):
            errors[name] = "An object."
    customer, tracking = payload.get("customer") or {}, payload.get("tracking") or {}
    values = {
        "event_id": text(payload, "event_id", "event_id"),
        "kind": text(payload, "kind", "kind"),
        "order_number": text(payload, "order_number", "order_number"),
        "email": text(customer, "email", "customer.email"),
        "phone": text(customer, "phone", "customer.phone"),
        "name": text(customer, "name", "customer.name"),
        "language": text(customer, "language", "customer.language"),
        "tracking_number": text(tracking, "number", "tracking.number"),
        "tracking_url": text(tracking, "url", "tracking.url"),
        "carrier": text(tracking, "carrier", "tracking.carrier"),
    }
    occurred = text(payload, "occurred_at", "occurred_at")
    occurred_at: datetime | None = None
    if occurred:
        try:
            occurred_at = datetime.fromisoformat(occurred)
        except ValueError:
            occurred_at = None
        if occurred_at is None or timezone.is_naive(occurred_at):
            errors["occurred_at"] = "A date and time in ISO 8601 with its offset."
    if errors:
        raise _order_event_problem(errors)
    return {**values, "occurred_at": occurred_at}


def _order_event_problem(errors: dict[str, str]) -> Problem:
    return Problem(
        "invalid-request",
        "Invalid order event.",
        errors=[{"field": name, "detail": detail} for name, detail in errors.items()],
    )


@api.post(
    "/order-events",
    response={
        200: OrderEventOut,
        201: OrderEventOut,
        **{status: ProblemOut for status in (400, 401, 403, 410, 413, 422, 429)},
    },
    summary="Send an order event (the customer is told once)",
    operation_id="order_events_create",
    openapi_extra=_created(_ORDER_EVENT, Scope.ORDERS_WRITE),
)
def order_events_create(request: HttpRequest) -> Status[dict[str, Any]]:
    """An order event of the client's shop (shipped, delayed, out for delivery, delivered,
    return received, refund sent): stored, and the customer told in their language by
    e-mail or SMS as the client chose (201); the same ``event_id`` again changes nothing
    (200)."""
    client = _client(request, Scope.ORDERS_WRITE)
    payload, key = _posted(request, _ORDER_EVENT_MAX_BYTES)
    values = _order_event_read(payload)
    fingerprint = payload_fingerprint(request.path, payload)
    with schema_context(client.schema_name), transaction.atomic():
        answered = _replayed(client=client, key=key, fingerprint=fingerprint)
        if answered is not None:
            event = OrderEvent.objects.filter(pk=answered.object_id).first()
            if event is None:
                raise Problem("gone", "The order event this request made no longer exists.")
            return Status(answered.status, _order_event_json(event))
        try:
            receipt = order_event_receive(client=client, source="api", **values)
        except ValidationError as error:
            raise _order_event_problem(
                {
                    _ORDER_EVENT_FIELDS.get(name, name): " ".join(messages)
                    for name, messages in error.message_dict.items()
                }
            ) from None
        status = 201 if receipt.created else 200
        if key:
            idempotent_request_record(
                client=client,
                key=key,
                request_sha256=fingerprint,
                status=status,
                made=IdempotentRequest.Made.ORDER_EVENT,
                object_id=receipt.event_id,
            )
        event = OrderEvent.objects.get(pk=receipt.event_id)
        return Status(status, _order_event_json(event))


__all__ = ["api"]
