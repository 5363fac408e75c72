"""The widget's HTTP API, ``/widget/v1/`` on the client's portal domain (the client from the
host): JSON in and out, refusals ``{"detail": "<reason in the request's language>"}``.

No session and no CSRF: the shop's page holds no credential of ours but the chat's signed
token (widget.tokens), sent in the path. Cross-origin calls are allowed for the client's own
shop origins only (widget.cors). Every request counts against the limits of widget.limits.

Chat statuses the widget shows (``status``): "open" (a live chat), "email" (a message left
outside hours: the answer comes by e-mail), "ended" (ended by the customer, or resolved).
"""

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.signin import client_address
from content.models import FaqArticle
from conversations.attachments import (
    MAX_UPLOAD_FILE_BYTES,
    PROGRAM_EXTENSIONS,
    UPLOAD_EXTENSIONS,
    IncomingFile,
    attachment_response,
    safe_filename,
    upload_files_check,
)
from conversations.models import Attachment, Message
from helpcenter.models import SelfServiceAnswer
from helpcenter.selectors import articles_suggest, help_center_enabled
from helpcenter.services import self_service_record
from orders.selectors import shop_connection
from tenants.models import Client
from widget import limits
from widget.models import ChatSession, WidgetSettings
from widget.selectors import (
    NoShop,
    ShopUnavailable,
    agent_typing,
    chat_messages,
    chat_session_find,
    chat_status,
    chat_thread,
    iso,
    language_choose,
    message_json,
    moment_text,
    opening_now,
    order_of_customer,
    order_status_json,
    widget_settings,
)
from widget.services import (
    AlreadyRated,
    RatingRefused,
    TranscriptsUsedUp,
    article_opened_record,
    chat_end,
    chat_message_add,
    chat_rate,
    chat_seen,
    chat_start,
    chat_transcript_send,
    chat_typing,
)
from widget.texts import widget_texts
from widget.tokens import chat_token_make, chat_token_read

# A JSON body larger than this is refused (413) before it is read.
MAX_JSON_BYTES = 64 * 1024
# A message with a file: the file's limit and room for the form's fields.
MAX_UPLOAD_BYTES = MAX_UPLOAD_FILE_BYTES + 64 * 1024
MAX_VISITOR = 64
# A visitor id as the script makes it (32 hex digits; the help center's cookie's form).
VISITOR = re.compile(r"[A-Za-z0-9_-]{16,64}")

type View = Callable[..., HttpResponseBase]


class Refused(Exception):
    """A refusal: its status, its reason (already in the request's language) and extras."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _no_content(status: int = 204) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    return response


def _client(request: HttpRequest) -> Client:
    return request.tenant  # type: ignore[attr-defined]  # django-tenants sets it


def _address(request: HttpRequest) -> str:
    """The address the per-address limits count: an IPv6 address's /64 (limits.address_key)."""
    return limits.address_key(client_address(request) or "unknown")


def _page_language(request: HttpRequest, asked: object = "") -> str:
    """The language to answer in: the one asked (the page's), else the browser's, else the
    client's default (only languages the client serves)."""
    return language_choose(
        client=_client(request),
        page=asked if isinstance(asked, str) else "",
        accept=request.headers.get("Accept-Language", ""),
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    """The JSON object posted ({} for an empty body); Refused for anything else (415 for a
    body that is not sent as application/json)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_JSON_BYTES:
        raise Refused(413, _("The request is too large."))
    raw = request.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise Refused(413, _("The request is too large."))
    if not raw.strip():
        return {}
    if request.content_type != "application/json":
        raise Refused(415, _("Send the request as JSON (Content-Type: application/json)."))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, _("The request is not valid JSON.")) from None
    except RecursionError:  # nested deeper than the parser goes ("[" x 5000)
        raise Refused(400, _("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refused(400, _("The request is not a JSON object."))
    return data


def _text(data: dict[str, Any], name: str, *, limit: int = 500) -> str:
    """A text field of the request ("" when absent); Refused when it is not a text."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(400, _("The field %(field)s must be a text.") % {"field": name})
    value = value.replace("\x00", "")
    if len(value) > limit:
        raise Refused(
            400,
            _("The field %(field)s is at most %(count)s characters.")
            % {"field": name, "count": limit},
        )
    return value


def _refusal_of(error: ValidationError) -> Refused:
    if hasattr(error, "error_dict"):
        name, messages = next(iter(error.message_dict.items()))
        return Refused(400, " ".join(messages), field=name)
    return Refused(400, " ".join(error.messages))


def _origin_check(request: HttpRequest, widget: WidgetSettings) -> None:
    """A browser's request from a page that is not one of the client's shop origins (nor
    the portal itself) is refused (403): CORS keeps such a page from reading our answers,
    not from sending. A request without Origin is let through: browsers send Origin with
    every cross-origin request and every POST, so it comes from no browser page of another
    site (docs/decisions.md, "The widget's API and CORS")."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    origin = origin.strip().lower()
    own = f"{request.scheme}://{request.get_host()}".lower()
    if origin == own or origin in {o.lower() for o in widget.allowed_origins}:
        return
    raise Refused(403, _("This site may not use this chat."))


def widget_endpoint(*methods: str) -> Callable[[View], View]:
    """The widget's checks around a view: the method, the client's widget switched on (404
    when off), the page's origin (403, _origin_check), the per-address rate limit (429),
    refusals as ``{"detail"}``, in the request's language (the browser's until the view
    knows better)."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with translation.override(_page_language(request, request.GET.get("language", ""))):
                if request.method not in methods:
                    response = _json({"detail": _("This method is not allowed here.")}, 405)
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    widget = widget_settings()
                    if not widget.enabled:
                        raise Refused(404, _("The chat is not available on this site."))
                    _origin_check(request, widget)
                    client = _client(request)
                    limits.rate_check(limits.REQUESTS, f"{client.schema_name}:{_address(request)}")
                    return view(request, widget, *args, **kwargs)
                except limits.RateLimited as limited:
                    return _json(
                        {"detail": _("Too many requests. Please wait a moment.")},
                        429,
                        {"Retry-After": str(limited.retry_after)},
                    )
                except Refused as refusal:
                    return _json({"detail": refusal.detail, **refusal.extra}, refusal.status)

        return wrapped

    return decorate


@widget_endpoint("GET")
def config(request: HttpRequest, widget: WidgetSettings) -> HttpResponse:
    """The widget's set-up: language, hours now, colours, every text."""
    client = _client(request)
    language = language_choose(
        client=client,
        page=request.GET.get("language", ""),
        accept=request.GET.get("accept", "") or request.headers.get("Accept-Language", ""),
    )
    opening = opening_now(client=client, language=language)
    opens_at_text = moment_text(opening.opens_at, client=client, language=language)
    answer_by_text = moment_text(opening.answer_by, client=client, language=language)
    with translation.override(language):
        texts = widget_texts(
            client_name=client.name, opens_at=opens_at_text, answer_by=answer_by_text
        )
    return _json(
        {
            "client": client.name,
            "language": language,
            "languages": list(client.languages),
            "colour": widget.colour,
            "open": opening.open,
            "opens_at": iso(opening.opens_at),
            "opens_at_text": opens_at_text,
            "closes_at": iso(opening.closes_at),
            "answer_by": iso(opening.answer_by),
            "answer_by_text": answer_by_text,
            "texts": texts,
            "live_url": live_url(request),
            "suggest_articles": widget.suggest_articles,
            # Offered only with a shop to ask (orders' connection in use).
            "order_status": widget.order_status and shop_connection() is not None,
            "help_url": "/help/" if help_center_enabled() else None,
            # The script refuses a larger file before sending it (texts' file_too_large).
            "max_file_bytes": MAX_UPLOAD_FILE_BYTES,
        }
    )


def live_url(request: HttpRequest) -> str:
    """Where the widget waits for changes (the live process, widget.live): the setting, else
    this portal's own origin."""
    return settings.WIDGET_LIVE_URL or request.build_absolute_uri("/widget/v1/live")


def _origin(request: HttpRequest) -> str:
    return request.headers.get("Origin", "")[:200]


def _challenge_needed(data: dict[str, Any], limit: limits.Limit, who: str) -> None:
    """Past a send limit the request must carry a solved challenge: 428 with a new one."""
    if not limits.reached(limit, who):
        return
    if "challenge" in data and limits.challenge_solved(data["challenge"]):
        return
    raise Refused(
        428,
        _("Please wait a moment: your browser is checking that you are not a robot."),
        challenge=limits.challenge_new(),
    )


def _chat_json(request: HttpRequest, session: ChatSession, token: str, after: int = 0) -> dict:
    session.refresh_from_db()
    messages = chat_messages(session=session, token=token, after=after)
    if messages:  # read: an e-mail copy of these replies is no longer needed
        chat_seen(session=session, message_id=max(message["id"] for message in messages))
    return {
        "status": chat_status(session),
        "seq": session.seq,
        "agent_typing": agent_typing(session),
        "messages": messages,
    }


@widget_endpoint("POST")
def chats(request: HttpRequest, widget: WidgetSettings) -> HttpResponse:
    """A customer's first message: a chat (in hours) or a message answered by e-mail."""
    client = _client(request)
    data = _body(request)
    language = _page_language(request, data.get("language"))
    with translation.override(language):
        sender = f"{client.schema_name}:{_address(request)}"
        _challenge_needed(data, limits.CHATS_BEFORE_CHALLENGE, sender)
        try:
            started = chat_start(
                client=client,
                text=_text(data, "text", limit=10_000),
                name=_text(data, "name", limit=200),
                email=_text(data, "email", limit=254),
                language=language,
                visitor=_text(data, "visitor", limit=MAX_VISITOR),
                origin=_origin(request),
                page_url=_text(data, "page_url", limit=2000)[:500],
                order_number=_text(data, "order_number", limit=64),
            )
        except ValidationError as error:
            raise _refusal_of(error) from None
        limits.counted(limits.CHATS_BEFORE_CHALLENGE, sender)
        session = started.session
        token = chat_token_make(
            schema_name=client.schema_name,
            conversation_id=session.conversation_id,
            key=session.key,
        )
        conversation = session.conversation
        answer_by = conversation.first_response_due_at or started.opening.answer_by
        return _json(
            {
                "token": token,
                "conversation_id": session.conversation_id,
                **_chat_json(request, session, token),
                "open": started.opening.open,
                "answer_by": iso(answer_by),
                "answer_by_text": moment_text(answer_by, client=client, language=language),
            },
            201,
        )


def _session(request: HttpRequest, token: str) -> ChatSession:
    """The chat the token names in this client's schema; Refused 403 for a forged, damaged,
    withdrawn (erased) or another client's token."""
    read = chat_token_read(token)
    session = None
    if read is not None and read.schema_name == _client(request).schema_name:
        session = chat_session_find(conversation_id=read.conversation_id, key=read.key)
    if session is None:
        raise Refused(403, _("This chat is no longer available. Please start a new one."))
    limits.rate_check(limits.CHAT_REQUESTS, f"{_client(request).schema_name}:{session.pk}")
    return session


def chat_endpoint(*methods: str) -> Callable[[View], View]:
    """A view about one chat: its session found from the token, and the chat's language."""

    def decorate(view: View) -> View:
        @widget_endpoint(*methods)
        @wraps(view)
        def wrapped(
            request: HttpRequest, widget: WidgetSettings, token: str, **kwargs: Any
        ) -> HttpResponseBase:
            session = _session(request, token)
            with translation.override(session.conversation.language):
                try:
                    return view(request, session, token, **kwargs)
                except ValidationError as error:
                    raise _refusal_of(error) from None

        return wrapped

    return decorate


@chat_endpoint("GET")
def chat(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    """The chat: its status, seq, the agent typing, messages after ``after``."""
    try:
        after = max(0, int(request.GET.get("after") or 0))
    except ValueError:
        raise Refused(400, _("The parameter after must be a message id.")) from None
    return _json(_chat_json(request, session, token, after))


def _upload(request: HttpRequest) -> tuple[str, list[IncomingFile]]:
    """A multipart message: its text and at most one file, checked as an agent's files are
    (conversations.attachments): 413 too large, 415 a type not accepted, 400 empty."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES:
        raise Refused(413, _("The file is too large."))
    files = request.FILES.getlist("file")
    if len(files) > 1 or len(request.FILES) > 1:
        raise Refused(400, _("Send one file per message."))
    text = request.POST.get("text", "")
    if not files:
        return text, []
    file = files[0]
    extension = safe_filename(file.name or "").rpartition(".")[2].lower()
    if extension in PROGRAM_EXTENSIONS or extension not in UPLOAD_EXTENSIONS:
        raise Refused(
            415, _("This type of file cannot be sent (pictures, PDF, documents and text can).")
        )
    if (file.size or 0) > MAX_UPLOAD_FILE_BYTES:
        raise Refused(413, _("The file is too large."))
    if not file.size:
        raise Refused(400, _("The file is empty."))
    try:
        return text, upload_files_check([file])
    except ValidationError as error:
        raise Refused(415, " ".join(error.messages)) from None


@chat_endpoint("POST")
def chat_messages_create(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    """The customer's next message, with one photo or file at most."""
    if request.content_type == "multipart/form-data":
        text, files = _upload(request)
        data: dict[str, Any] = {"challenge": _challenge_from_form(request)}
    else:
        data = _body(request)
        text, files = _text(data, "text", limit=10_000), []
    sender = f"{_client(request).schema_name}:{session.conversation_id}"
    _challenge_needed(data, limits.MESSAGES_BEFORE_CHALLENGE, sender)
    message = chat_message_add(client=_client(request), session=session, text=text, files=files)
    limits.counted(limits.MESSAGES_BEFORE_CHALLENGE, sender)
    message = Message.objects.prefetch_related("attachments").get(pk=message.pk)
    return _json(message_json(message, token=token, authors={}), 201)


def _challenge_from_form(request: HttpRequest) -> object:
    """A challenge answer in a multipart form: ``challenge_id`` and ``challenge_nonce``."""
    if "challenge_id" not in request.POST:
        return None
    return {"id": request.POST["challenge_id"], "nonce": request.POST.get("challenge_nonce", "")}


@chat_endpoint("GET")
def chat_attachment(
    request: HttpRequest, session: ChatSession, token: str, attachment_id: int
) -> HttpResponseBase:
    """A file of the chat (never of an internal note), for the token's holder only."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id)
        .filter(message__in=Message.objects.filter(chat_thread(session)))
        .exclude(message__direction=Message.Direction.NOTE)
        .first()
    )
    if attachment is None:
        raise Refused(404, _("No such file."))
    try:
        response = attachment_response(attachment, inline=True)
    except FileNotFoundError:
        raise Refused(404, _("No such file.")) from None
    response["Cache-Control"] = "private, no-store"
    return response


@chat_endpoint("POST")
def chat_typing_view(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    chat_typing(session=session)
    return _no_content()


@chat_endpoint("POST")
def chat_rating(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    """The customer's rating (1-5) and comment, once per chat."""
    data = _body(request)
    score = data.get("score")
    if not isinstance(score, int) or isinstance(score, bool):
        raise Refused(400, _("A rating is a whole number from 1 to 5."), field="score")
    try:
        survey = chat_rate(session=session, score=score, comment=_text(data, "comment", limit=5000))
    except AlreadyRated:
        raise Refused(409, _("This chat was rated already. Thank you!")) from None
    except RatingRefused as refused:
        raise Refused(409, str(refused)) from None
    return _json({"score": survey.rating, "comment": survey.comment}, 201)


@chat_endpoint("POST")
def chat_transcript(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    """The chat by e-mail to the address given, once per address an hour and twice in all."""
    data = _body(request)
    email = _text(data, "email", limit=254).strip()
    client = _client(request)
    with transaction.atomic():
        try:
            chat_transcript_send(client=client, session=session, email=email)
        except TranscriptsUsedUp:
            raise Refused(
                409,
                _("This chat was sent by e-mail twice already: no more copies can be sent."),
            ) from None
        sent_to = f"{client.schema_name}:{session.conversation_id}:{email.lower()}"
        if limits.reached(limits.TRANSCRIPTS, sent_to):
            raise Refused(
                429,
                _("This chat was sent to this address already. Please check your mailbox."),
            )
        limits.counted(limits.TRANSCRIPTS, sent_to)
    return _json({"email": email}, 202)


@chat_endpoint("POST")
def chat_end_view(request: HttpRequest, session: ChatSession, token: str) -> HttpResponse:
    session = chat_end(session=session)
    return _json({"status": "ended", "seq": session.seq, "ended_at": iso(session.ended_at)})


@widget_endpoint("GET")
def articles(request: HttpRequest, widget: WidgetSettings) -> HttpResponse:
    """Help articles matching what the customer types (none when the client turned the
    suggestions off)."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    if not widget.suggest_articles or not query:
        return _json({"articles": []})
    language = _page_language(request, request.GET.get("language", ""))
    return _json({"articles": articles_suggest(query=query, language=language, limit=5)})


@widget_endpoint("POST")
def article_opened(request: HttpRequest, widget: WidgetSettings, article_id: int) -> HttpResponse:
    """The customer opened a suggested article: a self-service answer (deflection), once per
    visitor, article and day; the visitor id must be one the script makes (VISITOR), and an
    address counts at most ARTICLES_OPENED a minute."""
    data = _body(request)
    visitor = _text(data, "visitor", limit=MAX_VISITOR)
    if not VISITOR.fullmatch(visitor):
        raise Refused(400, _("The visitor id is not valid."), field="visitor")
    limits.rate_check(limits.ARTICLES_OPENED, f"{_client(request).schema_name}:{_address(request)}")
    # No public help center, no article to open (the suggestions are off too).
    if not help_center_enabled() or not (
        FaqArticle.objects.filter(pk=article_id, published=True).exists()
    ):
        raise Refused(404, _("No such article."))
    article_opened_record(
        visitor=visitor,
        article_id=article_id,
        language=_page_language(request, data.get("language")),
    )
    return _no_content()


@widget_endpoint("POST")
def order_status(request: HttpRequest, widget: WidgetSettings) -> HttpResponse:
    """An order's status from the client's shop, for its number and the e-mail address used
    for it; an unknown number and another customer's order get the same 404. Held to
    ORDER_LOOKUPS per address and per e-mail address (against guessing numbers)."""
    if not widget.order_status:
        raise Refused(404, _("Order status is not available on this site."))
    data = _body(request)
    language = _page_language(request, data.get("language"))
    client = _client(request)
    with translation.override(language):
        number = _text(data, "order_number", limit=64).strip()
        email = _text(data, "email", limit=254).strip()
        visitor = _text(data, "visitor", limit=MAX_VISITOR)
        if not number:
            raise Refused(400, _("Give the order number."), field="order_number")
        try:
            validate_email(email)
        except ValidationError:
            raise Refused(400, _("This is not an e-mail address."), field="email") from None
        # Never keyed on the visitor id: the caller chooses it. Both counted before either
        # refuses, so that a flood against one address also uses up the sender's own.
        by_address = f"{client.schema_name}:address:{_address(request)}"
        by_email = f"{client.schema_name}:email:{email.lower()}"
        limited = None
        for who in (by_address, by_email):
            try:
                limits.rate_check(limits.ORDER_LOOKUPS, who)
            except limits.RateLimited as refused:
                limited = limited or refused
        if limited is not None:
            raise limited
        try:
            order = order_of_customer(schema=client.schema_name, number=number, email=email)
        except NoShop:
            raise Refused(404, _("Order status is not available on this site.")) from None
        except ShopUnavailable:
            raise Refused(
                503, _("The shop's order system does not answer now. Please try again later.")
            ) from None
        if order is None:
            raise Refused(404, _("We found no order with this number and e-mail address."))
        self_service_record(
            kind=SelfServiceAnswer.Kind.ORDER_STATUS,
            source=SelfServiceAnswer.Source.WIDGET,
            visitor=visitor,
            language=language,
        )
        return _json(order_status_json(order))
