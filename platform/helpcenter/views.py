"""The client's public help center on its portal domain (no sign-in): its FAQ articles by
category, an article, a search, in each of the client's languages.

A visitor is a random id in a first-party cookie of the help center's own domain (no
personal data): a vote counts once per visitor and article, and an article read counts as a
self-service answer once per visitor, article and day. The read is sent by the page's
script once shown (help.js), so that crawlers and link previews, which run no scripts, are
not counted as customers who found their answer.

A page opened from the chat widget's suggestion carries the widget's visitor id (``?v=``): the
read is then recorded under it, so that a chat the customer starts next is seen
(docs/kpis.md); without it the read is counted apart, as no chat can be matched to a cookie
of this domain.
"""

import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_GET, require_POST

from audit.services import request_address
from helpcenter.paragraphs import paragraphs
from helpcenter.selectors import (
    article_snippet,
    articles_found,
    help_article,
    help_article_neighbours,
    help_categories,
    help_center_enabled,
)
from helpcenter.services import article_vote, help_article_read, search_miss_record
from languages.catalog import CATALOG
from search.snippets import highlighted, query_words

VISITOR_COOKIE = "polydesk_help_visitor"
VISITOR_MAX_AGE = 365 * 24 * 3600
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The widget's visitor id as its suggestion links carry it (32 hex digits today).
_WIDGET_VISITOR = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SEARCH_RESULTS = 20
QUERY_CHARACTERS = 200


def _visitor_of(request: HttpRequest) -> str:
    found = request.COOKIES.get(VISITOR_COOKIE, "")
    return found if _VISITOR.match(found) else ""


# Reads tied to a widget visitor (``?v=``) counted from one address a minute; past it a read
# still counts, apart (not as deflected): a script posting made-up ids cannot raise the KPI.
WIDGET_READS_PER_MINUTE = 20


def _widget_visitor_of(request: HttpRequest) -> str:
    """The widget's visitor id of a page opened from its suggestions (``?v=``), else ""."""
    found = request.GET.get("v", "")
    return found if _WIDGET_VISITOR.match(found) else ""


def _widget_read_allowed(request: HttpRequest) -> bool:
    """Whether one more read tied to a widget visitor is taken from this address this minute
    (the default cache: shared by the web processes when Redis is set)."""
    client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    minute = int(time.time() // 60)
    key = f"helpcenter:reads:{client.schema_name}:{request_address(request)}:{minute}"
    cache.add(key, 0, timeout=120)
    return cache.incr(key) <= WIDGET_READS_PER_MINUTE


def _language_name(code: str) -> str:
    return CATALOG[code].native_name if code in CATALOG else code


def _client_languages(request: HttpRequest) -> list[str]:
    client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    return list(client.languages) or [client.default_language]


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answered only while the client's help center is public (helpcenter.HelpCenterSettings),
    else the 404 page: the FAQ is the agents' until a manager publishes it."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not help_center_enabled():
            raise Http404("The help center is not public.")  # the 404 page says no more
        return view(request, *args, **kwargs)

    return checked


def help_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the help center in ``language``: one of the client's languages (else to
    /help/, which picks one), rendered in it, and the visitor's cookie set when missing;
    none while the help center is not public (``public``)."""

    @public
    @wraps(view)
    def page(request: HttpRequest, language: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if language not in _client_languages(request):
            return redirect("help-root")
        visitor = _visitor_of(request)
        if not visitor:
            visitor = secrets.token_urlsafe(24)
        request.help_visitor = visitor  # type: ignore[attr-defined]  # read by the views
        with translation.override(language):
            response = view(request, language, *args, **kwargs)
        if _visitor_of(request) != visitor:
            response.set_cookie(
                VISITOR_COOKIE,
                visitor,
                max_age=VISITOR_MAX_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    return page


def _render(
    request: HttpRequest,
    language: str,
    template: str,
    context: dict[str, Any],
    *,
    here: Callable[[str], str],
    status: int = 200,
) -> HttpResponse:
    """A help center page with its frame: the client's name, the search box, and the
    same page in each of the client's languages (``here(code)`` is its path)."""
    client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    frame = {
        "client": client,
        "language": language,
        "home_url": reverse("help-home", args=[language]),
        "search_url": reverse("help-search", args=[language]),
        "switch": [
            {"code": code, "name": _language_name(code), "url": here(code)}
            for code in _client_languages(request)
        ],
    }
    return render(request, template, {**frame, **context}, status=status)


@require_GET
@public
def help_root(request: HttpRequest) -> HttpResponse:
    """/help/: the help center in the first of the browser's languages the client serves,
    else in the client's default language."""
    client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    served = _client_languages(request)
    chosen = client.default_language if client.default_language in served else served[0]
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = accepted.split("-")[0].lower()
        if code in served:
            chosen = code
            break
    response = redirect("help-home", language=chosen)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_GET
@help_page
def help_home(request: HttpRequest, language: str) -> HttpResponse:
    categories = help_categories(language=language)
    return _render(
        request,
        language,
        "helpcenter/home.html",
        {"categories": categories},
        here=lambda code: reverse("help-home", args=[code]),
    )


@require_GET
@help_page
def help_article_page(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    article = help_article(slug=slug, language=language)

    def here(code: str) -> str:
        return reverse("help-article", args=[code, slug])

    if article is None:
        return _render(request, language, "helpcenter/missing.html", {}, here=here, status=404)
    category, neighbours = help_article_neighbours(slug=slug, language=language)
    context: dict[str, Any] = {
        "article": article,
        "category": category,
        "neighbours": neighbours,
        "paragraphs": paragraphs(article.answer),
        "shown_in": _language_name(article.language),
        "voted": request.GET.get("voted") in ("yes", "no"),
        "vote_url": reverse("help-vote", args=[language, slug]),
        "read_url": _with_widget_visitor(reverse("help-read", args=[language, slug]), request),
    }
    return _render(request, language, "helpcenter/article.html", context, here=here)


def _with_widget_visitor(path: str, request: HttpRequest) -> str:
    widget_visitor = _widget_visitor_of(request)
    return f"{path}?{urlencode({'v': widget_visitor})}" if widget_visitor else path


@require_POST
@help_page
def help_vote(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """ "Was this helpful?" answered: recorded once per visitor and article."""
    helpful = request.POST.get("helpful", "")
    if helpful not in ("yes", "no"):
        return HttpResponseBadRequest(_("Answer yes or no."))
    article = help_article(slug=slug, language=language)
    if article is None:
        return redirect("help-article", language=language, slug=slug)  # its 404 page
    article_vote(
        article_id=article.id,
        language=language,
        visitor=request.help_visitor,  # type: ignore[attr-defined]  # set by help_page
        helpful=helpful == "yes",
    )
    path = reverse("help-article", args=[language, slug])
    return redirect(f"{path}?voted={helpful}#vote")


@require_POST
@help_page
def help_read(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """The article page was shown in a browser (its script says so): a self-service answer."""
    article = help_article(slug=slug, language=language)
    if article is None:
        return HttpResponse(status=404)
    widget_visitor = _widget_visitor_of(request)
    if widget_visitor and not _widget_read_allowed(request):
        widget_visitor = ""
    help_article_read(
        visitor=request.help_visitor,  # type: ignore[attr-defined]  # set by help_page
        article_id=article.id,
        language=language,
        widget_visitor=widget_visitor,
    )
    return HttpResponse(status=204)


@require_GET
@help_page
def help_search(request: HttpRequest, language: str) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:QUERY_CHARACTERS]
    found = articles_found(query=query, language=language, limit=SEARCH_RESULTS)
    if query and not found:
        client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
        search_miss_record(query=query, language=language, zone=client.tz)
    words = query_words(query)
    results = [
        {
            "title": highlighted(article["title"], words),
            "snippet": highlighted(article_snippet(article["body"], query), words),
            "url": reverse("help-article", args=[language, article["slug"]]),
            "fallback": _language_name(article["language"]) if article["fallback"] else "",
        }
        for article in found
    ]

    def here(code: str) -> str:
        path = reverse("help-search", args=[code])
        return f"{path}?{urlencode({'q': query})}" if query else path

    context: dict[str, Any] = {"query": query, "results": results}
    return _render(request, language, "helpcenter/search.html", context, here=here)
