"""Every URL pattern of both URL configurations (the agency's site and a client's portal),
asked for by everyone who must be refused (issue #18, "Done means"). Each route declares
its check below; a new route that declares none fails the first test, and a view that
forgets the check it declares fails the others."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient
from django.urls import URLResolver, get_resolver

from accounts.models import User
from outbox.models import Delivery
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.support.csp import ADMIN_PAGES, nonce_of, policy_problems
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db

# The checks a route may declare.
OPEN = "open"  # anyone: sign-in, sign-out, health, language, password reset, survey page
KEYED = "keyed"  # an API key, a webhook signature or the intake token; no session counts
AGENT = "agent"  # the agency's people, signed in
SUPERVISOR = "supervisor"
ADMIN = "admin"  # agency admins only
OBJECT = "object"  # an agent's page about one client's object: 404 for other clients' agents
ADMIN_SITE = "admin-site"  # Django's admin (its own sign-in)
PORTAL = "portal"  # the client's own users (and agency admins)
MANAGER = "manager"  # the client's portal managers (and agency admins): 403 for its viewers

AGENCY_ROUTES = {
    "": AGENT,
    "accounts/login/": OPEN,
    "accounts/logout/": OPEN,
    "health/": OPEN,
    "language/": OPEN,
    "favicon.ico": OPEN,  # a redirect to the static icon
    "admin/": ADMIN_SITE,
    "accounts/two-factor/": AGENT,
    "accounts/two-factor/code/": OPEN,
    "accounts/two-factor/enrol/": OPEN,
    "accounts/two-factor/recovery-codes/": AGENT,
    "accounts/two-factor/recovery-codes/new": AGENT,
    "accounts/two-factor/remove": AGENT,
    "accounts/two-factor/browsers/<int:browser_id>/forget": AGENT,
    "admin/login/": OPEN,
    "desk/presence": AGENT,
    "desk/next": AGENT,
    "desk/heartbeat": AGENT,
    "desk/live": AGENT,
    "desk/compose": AGENT,
    "desk/figures": AGENT,
    "desk/settings": AGENT,
    "desk/mine": AGENT,
    "desk/pulse": AGENT,
    "desk/search": AGENT,
    "desk/wall": SUPERVISOR,
    "desk/wall/live": SUPERVISOR,
    "desk/wall/items": SUPERVISOR,
    "desk/staffing/": SUPERVISOR,
    "desk/staffing/plan.csv": SUPERVISOR,
    "desk/staffing/plan": SUPERVISOR,
    "desk/staffing/shifts/": SUPERVISOR,
    "desk/staffing/shifts/add": SUPERVISOR,
    "desk/staffing/shifts/<int:shift_id>/remove": SUPERVISOR,
    "desk/staffing/absences/add": SUPERVISOR,
    "desk/staffing/absences/<int:absence_id>/remove": SUPERVISOR,
    "desk/staffing/shifts/upload": SUPERVISOR,
    "desk/staffing/shifts.csv": SUPERVISOR,
    "desk/staffing/what-if/": SUPERVISOR,
    "desk/staffing/shifts/accept": SUPERVISOR,
    "billing/": ADMIN,
    "billing/receivables/": ADMIN,
    "billing/receivables/statements": ADMIN,
    "billing/receivables/payments": ADMIN,
    "billing/payments/<int:payment_id>/allocate": ADMIN,
    "billing/allocations/<int:allocation_id>/remove": ADMIN,
    "desk/items/<int:item_id>": OBJECT,
    "desk/items/<int:item_id>/language": OBJECT,
    "desk/items/<int:item_id>/reply": OBJECT,
    "desk/items/<int:item_id>/done": OBJECT,
    "desk/items/<int:item_id>/resolve": OBJECT,
    "desk/items/<int:item_id>/note": OBJECT,
    "desk/items/<int:item_id>/triage": OBJECT,
    "desk/items/<int:item_id>/queue": OBJECT,
    "desk/items/<int:item_id>/transfer": OBJECT,
    "desk/items/<int:item_id>/attachments/<int:attachment_id>": OBJECT,
    "desk/items/<int:item_id>/messages/<int:message_id>/original": OBJECT,
    "desk/items/<int:item_id>/call-outcome": OBJECT,
    "desk/items/<int:item_id>/call-back": OBJECT,
    "desk/items/<int:item_id>/recording": OBJECT,
    "desk/items/<int:item_id>/forward": OBJECT,
    "desk/items/<int:item_id>/claim": OBJECT,
    "desk/items/<int:item_id>/orders": OBJECT,
    "desk/items/<int:item_id>/assign": OBJECT,
    "desk/items/<int:item_id>/viewers": OBJECT,
    "desk/items/<int:item_id>/chat": OBJECT,
    "desk/items/<int:item_id>/typing": OBJECT,
    "desk/deliveries/<int:delivery_id>/retry": OBJECT,
    "desk/clients/<int:client_id>/conversations/<int:conversation_id>": OBJECT,
    "desk/items/<int:item_id>/spam": OBJECT,
    "desk/spam": AGENT,
    "desk/clients/<int:client_id>/spam/<int:conversation_id>/not-spam": OBJECT,
    "desk/items/<int:item_id>/merge": OBJECT,
    "desk/clients/<int:client_id>/customers/<int:customer_id>": OBJECT,
    "desk/clients/<int:client_id>/customers/<int:customer_id>/merge": OBJECT,
    # Supervisors only (an agent's 403: tests/customers/test_views.py).
    "desk/clients/<int:client_id>/customers/<int:customer_id>/export": OBJECT,
    "desk/clients/<int:client_id>/customers/<int:customer_id>/erase": OBJECT,
    "desk/audit": SUPERVISOR,
    "desk/audit.csv": SUPERVISOR,
    "api/v1/messages": KEYED,
    "api/v1/conversations/<conversation_id>": KEYED,
    "api/v1/conversations/<conversation_id>/messages": KEYED,
    "api/v1/conversations/<conversation_id>/attachments/<attachment_id>": KEYED,
    "api/v1/docs": OPEN,
    "api/v1/openapi.json": OPEN,
    "api/v1/customers": KEYED,
    "api/v1/customers/<customer_id>": KEYED,
    "api/v1/": OPEN,  # django-ninja's root: a redirect to the reference
    "api/v1/conversations": KEYED,
    "api/v1/order-events": KEYED,
    "api/v1/kpis/<month>": KEYED,
    "api/v1/invoices": KEYED,
    "api/v1/invoices/<number>/pdf": KEYED,
    "api/v1/invoices/<number>/xml": KEYED,
    "api/v1/calls": KEYED,
    "api/v1/calls/<call_id>": KEYED,
    "api/v1/surveys": KEYED,
    "mail/inbound": KEYED,
    "twilio/messaging": KEYED,
    "twilio/voice/incoming": KEYED,
    "twilio/voice/status": KEYED,
    **{
        f"twilio/voice/c/<int:client_id>/{step}": KEYED
        for step in (
            "gather",
            "wait",
            "hold-choice",
            "queue-exit",
            "voicemail-done",
            "recording",
            "survey",
            "nps",
            "agent",
            "callback-status",
        )
    },
}
PORTAL_ROUTES = {
    "accounts/login/": OPEN,
    "accounts/logout/": OPEN,
    "language/": OPEN,
    "health/": OPEN,
    "accounts/password-reset/": OPEN,
    "accounts/password-reset/sent/": OPEN,
    "accounts/reset/<uidb64>/<token>/": OPEN,
    "accounts/reset/done/": OPEN,
    "accounts/invitation/<uidb64>/<token>/": OPEN,
    "survey/<str:token>/": OPEN,
    # The chat widget's API (widget.views): public, a chat's signed token is its key.
    **{
        f"widget/v1/{route}": OPEN
        for route in (
            "config",
            "articles",
            "articles/<int:article_id>/opened",
            "order-status",
            "chats",
            "chats/<str:token>",
            "chats/<str:token>/messages",
            "chats/<str:token>/attachments/<int:attachment_id>",
            "chats/<str:token>/typing",
            "chats/<str:token>/rating",
            "chats/<str:token>/transcript",
            "chats/<str:token>/end",
        )
    },
    # The public help center (helpcenter.views).
    "help/": OPEN,
    "help/<str:language>/": OPEN,
    "help/<str:language>/search": OPEN,
    "help/<str:language>/<slug:slug>/": OPEN,
    "help/<str:language>/<slug:slug>/vote": OPEN,
    "help/<str:language>/<slug:slug>/read": OPEN,
    "order-events/shopify/": KEYED,
    "order-events/woocommerce/": KEYED,
    "admin/": ADMIN_SITE,
    "admin/login/": OPEN,
    "accounts/two-factor/code/": OPEN,
    "accounts/two-factor/enrol/": OPEN,
    **{
        route: PORTAL
        for route in (
            "",
            "customers/",
            "customers/export.csv",
            "customers/<int:customer_id>/",
            "invoices/",
            "invoices/usage.csv",
            "invoices/<int:invoice_id>/",
            "invoices/<int:invoice_id>/lines.csv",
            "invoices/<int:invoice_id>/invoice.pdf",
            "invoices/<int:invoice_id>/invoice.xml",
            "export/<slug:table>.csv",
            "conversations/",
            "conversations/export.csv",
            "conversations/<int:conversation_id>/",
            "conversations/<int:conversation_id>/attachments/<int:attachment_id>",
            "calls/",
            "calls/export.csv",
            "reports/",
            "reports/request/",
            "reports/export.csv",
            "reports/<str:month>.pdf",
            "privacy/retention/",
            "order-updates/",
            "help-center/",
            "security/",
            "webhooks/",
            "accounts/two-factor/",
            "accounts/two-factor/recovery-codes/",
            "accounts/two-factor/recovery-codes/new",
            "accounts/two-factor/remove",
            "accounts/two-factor/browsers/<int:browser_id>/forget",
        )
    },
    **{
        route: MANAGER
        for route in (
            "customers/<int:customer_id>/export",
            "customers/<int:customer_id>/erase",
            "audit/",
            "audit/export.csv",
            "team/",
            "team/invite/",
            "team/<int:user_id>/resend/",
            "team/<int:user_id>/role/",
            "team/<int:user_id>/remove/",
            "team/recipients/",
            "team/recipients/remove/",
            "team/api-keys/",
            "team/api-keys/<int:key_id>/revoke/",
            "team/api-keys/<int:key_id>/scopes/",
            "shop/",
            "shop/test/",
            "chat-widget/",
            "order-updates/settings/",
            "help-center/settings/",
            "webhooks/<int:endpoint_id>/resume/",
            "webhooks/<int:endpoint_id>/remove/",
            "webhooks/<int:endpoint_id>/rotate/",
            "webhooks/deliveries/<int:webhook_delivery_id>/replay/",
        )
    },
}


def routes(patterns, prefix: str = "") -> Iterator[str]:
    """Every route, includes walked; an admin site counts as one route (its own sign-in)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver) and not route.endswith("admin/"):
            yield from routes(pattern.url_patterns, route)
        else:
            yield route


@pytest.mark.parametrize(
    ("urlconf", "declared"),
    [("config.urls_public", AGENCY_ROUTES), ("config.urls_tenant", PORTAL_ROUTES)],
)
def test_every_route_declares_its_check(urlconf, declared):
    found = list(routes(get_resolver(urlconf).url_patterns))
    assert sorted(set(found) - set(declared)) == [], "a new route: declare its check above"
    assert sorted(set(declared) - set(found)) == [], "a route is gone: remove it above"


@pytest.fixture
def objects(two_clients):
    """Client A's objects the paths name: a held work item with a reply in the outbox, a
    portal user and an API key."""
    owner = agent_with([two_clients.a], {"cs": "native"})
    portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    key, _raw = api_key_issue(client=two_clients.a, name="shop")
    conversation, item = inbound(two_clients.a, "Dobrý den, kde jsou boty?", "x@example.cz")
    held_by(item, owner)
    reply = signed_in(owner).post(f"/desk/items/{item.pk}/reply", {"text": "Hned."})
    assert reply.status_code == 302
    delivery = Delivery.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    return {
        "item_id": item.pk,
        "delivery_id": delivery.pk,
        "client_id": two_clients.a.pk,
        "conversation_id": conversation.pk,
        "customer_id": conversation.customer_id,
        "attachment_id": 1,
        "article_id": 1,
        "message_id": 1,
        "invoice_id": 1,
        "payment_id": 1,
        "allocation_id": 1,
        "number": "x",
        "month": "2026-10",
        "table": "queue",
        "token": "x",
        "uidb64": "x",
        "user_id": portal_user.pk,
        "key_id": key.pk,
        "browser_id": 1,
        "endpoint_id": 1,
        "webhook_delivery_id": 1,
        "call_id": 1,
        "shift_id": 1,
        "absence_id": 1,
        "language": "cs",
        "slug": "x",
    }


def path_of(route: str, objects: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(objects[match[1]]), route)


def answers(http: HttpClient, path: str) -> list:
    """The answers to GET and POST; one of them is usually 405 (the view takes the other)."""
    return [http.get(path), http.post(path)]


def refused(responses: list, status: int, login: str | None = None) -> bool:
    """Both answers refuse: the expected status (a redirect to ``login``) or 405, and not
    both 405 (the check itself must have answered one of them)."""
    expected = [
        response
        for response in responses
        if response.status_code == status
        and (login is None or response["Location"].startswith(login))
    ]
    others = [response for response in responses if response not in expected]
    return bool(expected) and all(response.status_code == 405 for response in others)


def walk(declared: dict, checks: set[str], objects: dict, http: HttpClient, **expect) -> list:
    """The routes with one of ``checks`` whose answers are not the refusal expected."""
    return [
        (route, [response.status_code for response in responses])
        for route, check in declared.items()
        if check in checks
        for responses in [answers(http, path_of(route, objects))]
        if not refused(responses, **expect)
    ]


SIGNED_IN_ONLY = {AGENT, SUPERVISOR, ADMIN, OBJECT}
PORTAL_PAGES = {PORTAL, MANAGER}


def test_someone_not_signed_in_is_sent_to_sign_in_everywhere(two_clients, objects):
    agency = HttpClient(HTTP_HOST="localhost")
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    login, admin_login = "/accounts/login/?next=", "/admin/login/?next="
    assert walk(AGENCY_ROUTES, SIGNED_IN_ONLY, objects, agency, status=302, login=login) == []
    assert walk(PORTAL_ROUTES, PORTAL_PAGES, objects, portal, status=302, login=login) == []
    for declared, http in ((AGENCY_ROUTES, agency), (PORTAL_ROUTES, portal)):
        assert walk(declared, {ADMIN_SITE}, objects, http, status=302, login=admin_login) == []


def test_keys_and_signatures_are_asked_for_whoever_is_signed_in(two_clients, objects):
    agent = signed_in(agent_with([two_clients.a], {"cs": "native"}, role=User.Role.ADMIN))
    failures = [
        (route, status)
        for route, check in AGENCY_ROUTES.items()
        if check == KEYED
        for status in [
            answer.status_code
            for answer in answers(agent, path_of(route, objects))
            if answer.status_code != 405
        ]
        if status not in (400, 401, 403)
    ]
    assert failures == []


def test_a_portal_user_of_another_client_is_refused_on_both_sites(two_clients, objects):
    user_b = UserFactory(role=User.Role.CLIENT, client=two_clients.b)
    agency = signed_in(user_b)
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(user_b)
    assert walk(AGENCY_ROUTES, SIGNED_IN_ONLY, objects, agency, status=403) == []
    assert walk(PORTAL_ROUTES, PORTAL_PAGES | {OPEN}, objects, portal, status=404) == []


def test_an_agent_of_another_client_is_refused_client_a_everywhere(two_clients, objects):
    outsider = agent_with([two_clients.b], {"cs": "native"}, is_staff=True)
    assert walk(AGENCY_ROUTES, {OBJECT}, objects, signed_in(outsider), status=404) == []
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(outsider)
    assert walk(PORTAL_ROUTES, PORTAL_PAGES | {OPEN}, objects, portal, status=404) == []


def test_a_viewer_gets_the_refusal_page_above_their_role(two_clients, objects):
    """The least an agency user can be: an agent (no supervisor pages), a staff supervisor
    (no admin pages)."""
    agent = signed_in(agent_with([two_clients.a], {"cs": "native"}))
    supervisor = signed_in(agent_with([two_clients.a], {"cs": "native"}, is_staff=True))
    assert walk(AGENCY_ROUTES, {SUPERVISOR, ADMIN}, objects, agent, status=403) == []
    assert walk(AGENCY_ROUTES, {ADMIN}, objects, supervisor, status=403) == []


def test_a_portal_viewer_gets_the_refusal_page_on_every_managers_page(two_clients, objects):
    """A portal user of the same client with the viewer role: the managers' pages (the audit
    log, users, report recipients, API keys) answer 403, and nothing they name changes."""
    viewer = UserFactory(
        role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.VIEWER
    )
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(viewer)
    assert walk(PORTAL_ROUTES, {MANAGER}, objects, portal, status=403) == []
    assert User.objects.get(pk=objects["user_id"]).is_active
    assert ApiKey.objects.get(pk=objects["key_id"]).revoked_at is None


def test_a_portal_viewer_may_use_the_portal_pages(two_clients, objects):
    """The viewer test above refuses because of the role, not because the viewer is refused
    everything: the portal's own pages answer them (a 400 for a made-up parameter at most)."""
    viewer = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    portal = HttpClient(HTTP_HOST=host_of(two_clients.a))
    portal.force_login(viewer)
    for route in ("", "conversations/", "reports/"):
        assert portal.get(path_of(route, objects)).status_code == 200, route


# --- the Content-Security-Policy of every route, for whom may see it (tests/support/csp.py) ---


def policy_walk(declared: dict, who: dict, ids: dict) -> list[str]:
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


def test_every_page_of_the_agency_has_the_policy_with_a_fresh_nonce(two_clients, objects):
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
    problems = policy_walk(AGENCY_ROUTES, who | {OPEN: anonymous, KEYED: anonymous}, objects)
    for path in ADMIN_PAGES["agency"]:
        response = signed_in.get(path)
        assert response.status_code == 200, path
        problems += policy_problems(path, response)
    assert problems == [], "\n".join(problems)


def test_every_page_of_a_portal_has_the_policy_with_a_fresh_nonce(two_clients, objects):
    host = host_of(two_clients.a)
    portal_user = HttpClient(HTTP_HOST=host)
    portal_user.force_login(
        UserFactory(
            role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.MANAGER
        )
    )
    admin = HttpClient(HTTP_HOST=host)
    admin.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    anonymous = HttpClient(HTTP_HOST=host)
    who = {
        PORTAL: portal_user,
        MANAGER: portal_user,
        ADMIN_SITE: admin,
        OPEN: anonymous,
        KEYED: anonymous,
    }
    problems = policy_walk(PORTAL_ROUTES, who, objects)
    for path in ADMIN_PAGES["portal"]:
        response = admin.get(path)
        assert response.status_code == 200, path
        problems += policy_problems(path, response)
    assert problems == [], "\n".join(problems)
