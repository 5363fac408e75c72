"""A desk form sent twice sends once: a double click on "Send", a page sent again after a
timeout, two tabs of one form. Each reply, compose and forward form carries a key made when
the page was drawn (``submission``); the first request with a key and a text records it in
the sending transaction (``idempotency.IdempotentRequest``, the JSON API's table, under a
``desk:`` key), and a later one with the same key and text answers as the first did without
sending again. A parallel second request waits for the first one's transaction."""

import hashlib
import uuid

from django.http import HttpRequest

from accounts.models import User
from idempotency.services import idempotent_request_find, idempotent_request_record
from tenants.models import Client

FIELD = "submission"


def submission_key_new() -> str:
    return uuid.uuid4().hex


def _key_and_digest(request: HttpRequest, agent: User, content: str) -> tuple[str, str] | None:
    raw = request.POST.get(FIELD, "")
    try:
        key = uuid.UUID(hex=raw).hex
    except ValueError:
        return None  # a page drawn before the key existed, or a hand-made request: sent
    digest = hashlib.sha256(f"{request.path}\n{content}".encode()).hexdigest()
    # Another text with the same key (the page edited after a refusal) is another message.
    return f"desk:{agent.pk}:{key}:{digest[:16]}", digest


def submission_sent_before(
    *, request: HttpRequest, client: Client, agent: User, content: str
) -> int | None:
    """In the sending transaction: the conversation the same form with the same ``content``
    made or answered before (send nothing then), else None (send, then
    ``submission_record``)."""
    found = _key_and_digest(request, agent, content)
    if found is None:
        return None
    key, digest = found
    answered = idempotent_request_find(client=client, key=key, request_sha256=digest)
    return answered.object_id if answered is not None else None


def submission_record(
    *, request: HttpRequest, client: Client, agent: User, content: str, conversation_id: int
) -> None:
    """Remember that the form was sent (in the sending transaction)."""
    found = _key_and_digest(request, agent, content)
    if found is None:
        return
    key, digest = found
    idempotent_request_record(
        client=client,
        key=key,
        request_sha256=digest,
        status=303,
        object_id=conversation_id,
    )
