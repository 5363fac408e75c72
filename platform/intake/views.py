"""The raw RFC 822 intake for the agency's MTA: ``POST /mail/inbound`` with the intake token."""

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from conversations.email_in import MAX_BYTES
from intake.services import mail_receive

# What each outcome answers: the sender's MTA bounces on a 4xx it cannot retry.
_STATUS = {
    "filed": 201,
    "duplicate": 200,
    "unreadable": 202,
    "accepted": 202,
    "no_recipient": 422,
    "unparseable": 400,
    "too_large": 413,
}


def _error(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt
@require_http_methods(["POST"])
def email_intake(request: HttpRequest) -> JsonResponse:
    """Keep the message with a receipt, then file it; answer what became of it."""
    token = settings.MAIL_INTAKE_TOKEN
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(presented.encode(), token.encode()):
        return _error(401, "Missing or wrong intake token.")
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        return _error(413, f"At most {MAX_BYTES} bytes.")
    body = request.body
    try:
        outcome = mail_receive(raw=body, source="http")
    except DatabaseError:  # the receipt could not be written: nothing was kept
        response = _error(503, "Cannot store the message now; try again later.")
        response["Retry-After"] = "60"
        return response
    if not outcome.accepted:
        return _error(_STATUS[outcome.status], outcome.reason)
    answer = {"receipt": outcome.receipt_id, "status": outcome.status}
    if outcome.filed is not None:
        answer |= {
            "client": outcome.filed.client_slug,
            "conversation": outcome.filed.conversation_id,
            "threaded": outcome.filed.threaded,
        }
    if outcome.reason:
        answer["reason"] = outcome.reason
    return JsonResponse(answer, status=_STATUS[outcome.status])
