"""Checks of the Content-Security-Policy (config.settings SECURE_CSP) on an answer, a page
and a template, for tests/robustness/test_url_walk.py and tests/robustness/test_csp.py."""

import re

# The admin's own pages beyond its index, on the agency's site and on a portal.
ADMIN_PAGES = {
    "agency": [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/password_change/",
        # django-celery-beat's form brings an inline script of its own (the crontab's words).
        "/admin/django_celery_beat/periodictask/add/",
    ],
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
