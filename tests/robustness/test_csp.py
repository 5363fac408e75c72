"""The Content-Security-Policy (config.settings SECURE_CSP, docs/decisions.md): on every
answer of both URL configurations, with a fresh nonce on every page and no inline script
or style the policy would refuse; and no template that would bring one back."""

import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from tests.robustness.test_url_walk import (
    ADMIN,
    ADMIN_SITE,
    AGENCY_ROUTES,
    AGENT,
    OBJECT,
    PORTAL,
    PORTAL_ROUTES,
    SUPERVISOR,
    objects,  # noqa: F401 (a fixture, used by name)
    path_of,
)
from tests.support.desk import agent_with
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "platform" / "templates"
# The admin's own pages beyond its index, on both sites.
ADMIN_PAGES = {
    "localhost": ["/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/password_change/"],
    "portal": ["/admin/content/cannedreply/", "/admin/content/cannedreply/add/"],
}


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for part in header.split(";")
        if part.strip()
        for name, *values in [part.split()]
    }


def nonce_of(header: str) -> str | None:
    found = [v for v in directives(header)["script-src"] if v.startswith("'nonce-")]
    return found[0][len("'nonce-") : -1] if found else None


def policy_problems(path: str, response) -> list[str]:
    """What is wrong with the policy of one answer, and with the page it came with."""
    header = response.get("Content-Security-Policy")
    if not header:
        return [f"{path}: no Content-Security-Policy ({response.status_code})"]
    policy = directives(header)
    problems = [
        f"{path}: {directive} is {policy.get(directive)}"
        for directive, expected in {
            "default-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
        }.items()
        if policy.get(directive) != expected
    ]
    script = policy.get("script-src", [])
    if "'self'" not in script or {"'unsafe-inline'", "'unsafe-eval'"} & set(script):
        problems.append(f"{path}: script-src is {script}")
    if "'unsafe-inline'" in policy.get("style-src", []):
        problems.append(f"{path}: style-src allows inline styles")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        problems += page_problems(path, response.content.decode(), nonce_of(header))
    return problems


def page_problems(path: str, html: str, nonce: str | None) -> list[str]:
    """A page's scripts and styles all carry the policy's nonce; no handler or style
    attribute (the policy refuses them)."""
    problems = []
    # A part the desk swaps into an open page (the wall's tables) is not a page.
    if nonce is None and "<html" in html:
        problems.append(f"{path}: no nonce in script-src")
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        executable = 'type="application/json"' not in tag
        if executable and f'nonce="{nonce}"' not in tag and "src=" not in tag:
            problems.append(f"{path}: {tag} without the nonce")
    for attribute in re.findall(r"<[a-zA-Z][^>]*?\s(on[a-z]+|style)\s*=", html):
        problems.append(f"{path}: an inline {attribute}= attribute")
    if "javascript:" in html:
        problems.append(f"{path}: a javascript: address")
    return problems


def walked(declared: dict, who: dict, ids: dict) -> list[str]:
    problems = []
    for route, check in declared.items():
        http = who[check]
        path = path_of(route, ids)
        responses = [http.get(path), http.get(path)]
        for response in responses:
            problems += policy_problems(path, response)
        first, second = (nonce_of(r.get("Content-Security-Policy", "")) for r in responses)
        if first is not None and first == second:
            problems.append(f"{path}: the same nonce twice")
    return problems


def test_every_page_of_the_agency_has_the_policy_with_a_fresh_nonce(two_clients, objects):  # noqa: F811
    admin = agent_with(
        [two_clients.a],
        {"cs": "native"},
        role=User.Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    signed_in = HttpClient(HTTP_HOST="localhost")
    signed_in.force_login(admin)
    anonymous = HttpClient(HTTP_HOST="localhost")
    who = {check: signed_in for check in (AGENT, SUPERVISOR, ADMIN, OBJECT, ADMIN_SITE)}
    problems = walked(AGENCY_ROUTES, who | {"open": anonymous, "keyed": anonymous}, objects)
    for path in ADMIN_PAGES["localhost"]:
        response = signed_in.get(path)
        assert response.status_code == 200, path
        problems += policy_problems(path, response)
    assert problems == [], "\n".join(problems)


def test_every_page_of_a_portal_has_the_policy_with_a_fresh_nonce(two_clients, objects):  # noqa: F811
    host = host_of(two_clients.a)
    portal_user = HttpClient(HTTP_HOST=host)
    portal_user.force_login(UserFactory(role=User.Role.CLIENT, client=two_clients.a))
    admin = HttpClient(HTTP_HOST=host)
    admin.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    anonymous = HttpClient(HTTP_HOST=host)
    who = {PORTAL: portal_user, ADMIN_SITE: admin, "open": anonymous, "keyed": anonymous}
    problems = walked(PORTAL_ROUTES, who, objects)
    for path in ADMIN_PAGES["portal"]:
        response = admin.get(path)
        assert response.status_code == 200, path
        problems += policy_problems(path, response)
    assert problems == [], "\n".join(problems)


def test_refusals_and_error_pages_carry_the_policy_too(two_clients):
    unknown_host = HttpClient(HTTP_HOST="nobody.localhost").get("/")
    missing = HttpClient(HTTP_HOST="localhost").get("/no-such-page/")
    bad = HttpClient(HTTP_HOST="localhost").get("/health/", HTTP_HOST="bad host!")
    for response in (unknown_host, missing, bad):
        assert response.status_code in (400, 404)
        assert "script-src 'self'" in response["Content-Security-Policy"]


def template_problems(name: str, text: str) -> list[str]:
    """An inline script, style block or attribute the policy would refuse."""
    # Template tags may hold anything ("{% with one=... %}"): they are not HTML.
    html = re.sub(r"\{[%{#].*?[%}#]\}", "", text, flags=re.S)
    problems = [
        f"{name}: {tag}"
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text)
        if 'nonce="{{ csp_nonce }}"' not in tag and 'type="application/json"' not in tag
    ]
    problems += [
        f"{name}: {attribute}="
        for attribute in re.findall(r"<[a-zA-Z][^>]*?\s(on[a-z]+|style)\s*=", html)
    ]
    if "javascript:" in html:
        problems.append(f"{name}: javascript:")
    return problems


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
