"""Size limits and unreadable payloads of the mail intake paths, answered as JSON 4xx."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from conversations.email_in import MAX_BYTES
from intake.services import MailTooLarge, receipt_write

logger = logging.getLogger(__name__)


def _is_mail_path(path: str) -> bool:
    return path == "/mail/inbound" or path.startswith("/anymail/")


class MailIntakeMiddleware:
    """``/mail/inbound`` takes at most ``MAX_BYTES``; a provider's webhook at most Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the message grown by base64 and the provider's fields).
    Over that: 413 with the reason, before the body is read. A webhook payload the provider's
    parser cannot read is answered 400 with the reason, its body kept as a refused receipt,
    not a 500 (the provider would retry the same bytes for ever)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_mail_path(request.path):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = (
                MAX_BYTES
                if request.path == "/mail/inbound"
                else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            )
            if limit is not None and length > limit:
                return JsonResponse(
                    {"error": f"Request of {length} bytes; at most {limit}."}, status=413
                )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_mail_path(request.path):
            return None

        if isinstance(exception, MailTooLarge):  # its receipt is written, refused
            return JsonResponse({"error": str(exception)}, status=413)
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(
                {"error": f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."}, status=413
            )
        if isinstance(exception, DatabaseError):
            return None  # not the sender's doing: the provider retries on a 5xx
        if isinstance(exception, (SuspiciousOperation, PermissionDenied, Http404)):
            # Django's own answers (a failed webhook authentication is a 400): nothing from
            # an unauthenticated request is kept.
            return None
        reason = f"request unreadable: {type(exception).__name__}: {exception}"
        logger.exception("inbound webhook %s refused", request.path)
        try:
            body = request.body
            receipt_write(
                raw=body,
                source=f"payload:{request.path}",
                size=len(body),
                state="refused",
                reason=reason,
            )
        except Exception:
            logger.exception("inbound webhook %s could not be kept", request.path)
        return JsonResponse({"error": reason[:500]}, status=400)
