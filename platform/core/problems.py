"""Every refusal of the JSON API (``/api/v1/``) in one shape: RFC 9457 problem details
(``application/problem+json``: type, title, status, detail, and ``errors`` naming the field
for a validation error). ``type`` is a link to the problem's section of the API's reference
page (restapi.views). Here, in the kernel, because both conversations.api (the first
endpoints) and restapi answer with it."""

import json
from typing import Any

from django.http import HttpResponse

# slug -> (status, title), one slug a status; the reference page lists them.
PROBLEMS: dict[str, tuple[int, str]] = {
    "invalid-request": (400, "Invalid request"),
    "unauthorized": (401, "Missing, unknown or revoked API key"),
    "missing-scope": (403, "The API key lacks the scope"),
    "not-found": (404, "Not found"),
    "conflict": (409, "Conflict"),
    "gone": (410, "Gone"),
    "too-large": (413, "Request body too large"),
    "idempotency-key-reused": (422, "Idempotency-Key used for another request"),
    "rate-limited": (429, "Too many requests"),
}
SLUG_OF_STATUS = {status: slug for slug, (status, _title) in PROBLEMS.items()}
PROBLEM_TYPE = "/api/v1/docs#problem-{slug}"


class Problem(Exception):
    """A refusal; the API's exception handler answers it."""

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def problem_response(problem: Problem) -> HttpResponse:
    status, title = PROBLEMS[problem.slug]
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(slug=problem.slug),
        "title": title,
        "status": status,
        "detail": problem.detail,
        **problem.extra,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/problem+json"
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response
