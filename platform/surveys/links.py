"""The e-mail survey's rating links: signed tokens naming one survey of one client.

A token is ``django.core.signing`` over the survey's id, salted with the client's schema
(a token of one client is refused on another's domain) and time-stamped: it works for the
client's ``link_valid_days``. A tampered token is invalid, an old one expired; the page says
which, never an error.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from surveys.models import Survey
from tenants.models import Client

_SALT = "surveys.rating"


class LinkInvalid(Exception):
    """The token was not made by us (tampered, truncated, another client's)."""


class LinkExpired(Exception):
    """The token is ours but older than the client's link validity."""


def survey_token(*, client: Client, survey: Survey) -> str:
    return signing.dumps(survey.pk, salt=f"{_SALT}:{client.schema_name}", compress=False)


def survey_token_read(*, client: Client, token: str, max_age_days: int) -> int:
    """The survey id a token names; raises LinkInvalid or LinkExpired."""
    salt = f"{_SALT}:{client.schema_name}"
    try:
        survey_id = signing.loads(token, salt=salt, max_age=max_age_days * 86400)
    except signing.SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except signing.BadSignature as error:
        raise LinkInvalid(str(error)) from error
    if not isinstance(survey_id, int):
        raise LinkInvalid("not a survey")
    return survey_id


def survey_url(*, client: Client, survey: Survey, rating: int | None = None) -> str:
    """The rating page on the client's own domain; ``rating``: a one-click link."""
    domain = client.get_primary_domain()
    host = domain.domain if domain is not None else settings.AGENCY_DOMAIN
    port = settings.SITE_URL_PORT
    suffix = "" if port in ("", "80", "443") else f":{port}"
    path = reverse(
        "survey-rate",
        urlconf="config.urls_tenant",
        args=[survey_token(client=client, survey=survey)],
    )
    query = f"?rating={rating}" if rating is not None else ""
    return f"{settings.SITE_URL_SCHEME}://{host}{suffix}{path}{query}"
