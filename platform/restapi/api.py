"""``/api/v1/`` read endpoints (django-ninja), their OpenAPI document at
``/api/v1/openapi.json``, and the refusals as problem details (restapi.problems).

``Authorization: Bearer <key>``: the key names the client (tenants.services.api_key_find), and
every read happens in that client's schema or on that client's rows: another client's object
is a 404, as one that does not exist. Each endpoint declares the scope it needs
(``x-scope`` in the document); a key without it is a 403 naming it. A key is held to
RATE_LIMIT requests a fixed window of RATE_WINDOW seconds (429 with ``Retry-After``).
"""

import base64
import binascii
import json
import math
import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.generic import RedirectView
from django_tenants.utils import schema_context
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from audit.models import AuditEvent
from audit.services import audit_record
from billing.document import invoice_pdf
from billing.selectors import invoice_document, invoices_of_client
from conversations import api as conversations_api
from conversations.api_input import BadRequest, payload_fingerprint, payload_parse
from core.months import month_of, month_parse
from core.problems import PROBLEMS, Problem, problem_response
from customers.models import Customer
from customers.selectors import customer_current, customer_search, identity_of
from idempotency.services import (
    KEEP_HOURS,
    KeyReused,
    idempotent_request_find,
    idempotent_request_record,
)
from order_updates.models import OrderEvent
from order_updates.services import order_event_receive
from reporting.services import kpis_for_month, report_language
from reporting.snapshots import kpis_encode
from search.selectors import SearchFilters, conversation_documents
from tenants.models import ApiKey, Client
from tenants.services import api_key_find

# Requests a key may make in one window (docs/how-to.md, "use the API"). Counted in the
# default cache: shared by every web process when Redis is set.
RATE_LIMIT = 120
RATE_WINDOW = 60  # seconds
MAX_LIMIT = 100
DEFAULT_LIMIT = 25

Scope = ApiKey.Scope


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
        "A client's conversations, customers, KPIs and invoices. Authenticate with "
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
    except (binascii.Error, ValueError, UnicodeDecodeError):
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
    after = _cursor_read(filters.cursor)
    position: tuple[datetime, int] | None = None
    if after is not None:
        try:
            position = (datetime.fromisoformat(after[0]), int(after[1]))
        except (TypeError, ValueError, IndexError):
            raise _bad_cursor() from None
    since = filters.updated_since
    if since is not None and timezone.is_naive(since):
        since = since.replace(tzinfo=UTC)
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
    more = len(documents) > filters.limit
    documents = documents[: filters.limit]
    last = documents[-1] if documents else None
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
        "next": (
            _next_link(request, _cursor_of([last.last_activity_at.isoformat(), last.pk]))
            if more and last is not None
            else None
        ),
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


class MessageOut(Schema):
    direction: str
    text: str
    created_at: datetime
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


class InvoiceOut(Schema):
    number: str
    kind: str = Field(description="invoice or credit_note")
    month: date = Field(description="The first day of the month billed.")
    revision: int
    issued_at: datetime
    currency: str
    total: Decimal
    corrects: str | None = Field(None, description="The number of the invoice credited.")
    pdf: str


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
    invoices = invoices_of_client(client=client).select_related("corrects")
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
                "corrects": invoice.corrects.number if invoice.corrects else None,
                "pdf": f"/api/v1/invoices/{invoice.number}/pdf",
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


# Order events
#
# A shop that is no Shopify or WooCommerce store (whose webhooks the connector reads) sends
# its order events here: each tells the customer once (order_updates.services). The event's
# own ``event_id`` makes a retry a no-op (200); an ``Idempotency-Key`` is honoured as on the
# other creates, its row's ``conversation_id`` holding the event's id (the answer of a
# replay is read from the event).

_ORDER_EVENT_TEXT = {"type": "string"}
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
        "received_at": _utc(event.received_at).isoformat(),
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
def order_events_create(request: HttpRequest) -> HttpResponse:
    """An order event of the client's shop (shipped, delayed, out for delivery, delivered,
    return received, refund sent): stored, and the customer told in their language by
    e-mail or SMS as the client chose (201); the same ``event_id`` again changes nothing
    (200)."""
    client = _client(request, Scope.ORDERS_WRITE)
    # At most one byte past the limit is read, whatever Content-Length said.
    body = request.read(_ORDER_EVENT_MAX_BYTES + 1)
    if len(body) > _ORDER_EVENT_MAX_BYTES:
        raise Problem("too-large", f"The body is over {_ORDER_EVENT_MAX_BYTES} bytes.")
    try:
        payload = payload_parse(body)
    except BadRequest as refusal:
        raise Problem("invalid-request", str(refusal)) from None
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise _order_event_problem(
            {"Idempotency-Key": "1 to 255 visible ASCII characters (a UUID is fine)."}
        )
    values = _order_event_read(payload)
    fingerprint = payload_fingerprint(request.path, payload)
    with schema_context(client.schema_name), transaction.atomic():
        if key:
            try:
                answered = idempotent_request_find(
                    client=client, key=key, request_sha256=fingerprint
                )
            except KeyReused:
                raise Problem(
                    "idempotency-key-reused",
                    f"This Idempotency-Key was used for another request in the last "
                    f"{KEEP_HOURS} hours.",
                    errors=[{"field": "Idempotency-Key", "detail": "Already used."}],
                ) from None
            if answered is not None:
                event = OrderEvent.objects.filter(pk=answered.conversation_id).first()
                if event is None:
                    raise Problem("gone", "The order event this request made no longer exists.")
                return _json(_order_event_json(event), answered.status)
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
                conversation_id=receipt.event_id,
            )
        event = OrderEvent.objects.get(pk=receipt.event_id)
        return _json(_order_event_json(event), status)


_ORDER_EVENT_MAX_BYTES = 64 * 1024
_IDEMPOTENCY_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # as conversations.api's


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


__all__ = ["PROBLEMS", "api"]
