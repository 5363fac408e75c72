"""The Content-Security-Policy (config.settings SECURE_CSP, docs/decisions.md) on refusals
and error pages, and no template that would bring back an inline script, handler or style.
Every route of both URL configurations is checked in tests/robustness/test_url_walk.py."""

from pathlib import Path

import pytest
from django.test import Client as HttpClient

from tests.support.csp import template_problems

TEMPLATES = Path(__file__).resolve().parents[2] / "platform" / "templates"


@pytest.mark.django_db
def test_refusals_and_error_pages_carry_the_policy_too(two_clients):
    unknown_host = HttpClient(HTTP_HOST="nobody.localhost").get("/")
    missing = HttpClient(HTTP_HOST="localhost").get("/no-such-page/")
    bad = HttpClient(HTTP_HOST="localhost").get("/health/", HTTP_HOST="bad host!")
    for response in (unknown_host, missing, bad):
        assert response.status_code in (400, 404)
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_has_an_inline_script_handler_or_style():
    names = sorted(TEMPLATES.rglob("*.html"))
    assert len(names) > 50
    problems = [
        problem
        for path in names
        for problem in template_problems(str(path.relative_to(TEMPLATES)), path.read_text())
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="/static/x.js"></script>',
        '<select name="x" onchange="this.form.submit()">',
        '<a href="javascript:void(0)">',
        '<p class="x" style="color:red">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_template_guard_catches_each_kind(html):
    assert template_problems("t.html", html) != []


def test_the_template_guard_lets_the_allowed_kinds_pass():
    allowed = (
        '<script src="/static/x.js" nonce="{{ csp_nonce }}" defer></script>'
        '<script id="d" type="application/json">{"a": 1}</script>'
        '<p data-client-colour="{{ colour }}">{% include "x.html" with one=two %}</p>'
    )
    assert template_problems("t.html", allowed) == []
