"""The Content-Security-Policy in a real browser: the desk's home and an item page, a
client's portal dashboard and both admin sites load and work with no violation in the
console (Chromium reports each refused script or style as "Refused to ..."); the desk's
behaviours moved out of the HTML still run (client colour, select that sends its form)."""

import re

import pytest
from django_celery_beat.models import CrontabSchedule
from playwright.sync_api import Page, expect

from accounts.models import User
from conversations.models import Conversation
from desk.selectors.inbox import client_colour
from routing.models import AgentState, WorkItem
from tests.support.browser import second_step, served_and_browsed
from tests.support.desk import agent_with, held_by, inbound
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow

# Reported by the page itself too: a violation the console would word differently.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Refused by the policy: " + event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        admin = agent_with(
            [two_clients.a],
            {"cs": "native"},
            role=User.Role.ADMIN,
            is_staff=True,
            is_superuser=True,
            language="en",
        )
        portal_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="en")
        conversation, item = inbound(two_clients.a, "Dobrý den, kde jsou boty?", "csp@example.cz")
        held_by(item, admin)
        portal_host = host_of(two_clients.a)  # no ORM calls once Playwright runs
        crontab = CrontabSchedule.objects.create(minute="30", hour="4", timezone="UTC")
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "browser": browser,
                    "agency": f"http://localhost:{port}",
                    "portal": f"http://{portal_host}:{port}",
                    "admin": admin.username,
                    "portal_user": portal_user.username,
                    "item": item.pk,
                    "colour": client_colour(two_clients.a),
                    "crontab": crontab.pk,
                }
        finally:
            WorkItem.objects.filter(pk=item.pk).delete()
            with in_schema(two_clients.a):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=admin).delete()
            crontab.delete()
            User.objects.filter(pk__in=[admin.pk, portal_user.pk]).delete()


def watched_page(site) -> tuple[Page, list[str]]:
    """A new page whose console errors and policy violations are collected."""
    page = site["browser"].new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    return page, messages


def violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Refused" in m or "Content Security Policy" in m]


def sign_in(page: Page, base: str, username: str, login: str = "/accounts/login/") -> None:
    page.goto(base + login)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("[type=submit]").last.click()
    # Agency admins and supervisors enrol their second factor first; others see no code page.
    second_step(page, username)
    page.wait_for_load_state("load")


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "nonce-" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def test_the_desk_runs_under_the_policy(site):
    page, messages = watched_page(site)
    sign_in(page, site["agency"], site["admin"])
    visit(page, site["agency"] + "/")
    expect(page.locator("#inbox")).to_be_visible()
    visit(page, f"{site['agency']}/desk/items/{site['item']}")
    banner = page.locator("#client-banner")
    expect(banner).to_be_visible()
    # site.js ran: the client's colour, no longer a style attribute, is set from its data.
    painted = banner.evaluate("e => e.style.getPropertyValue('--client-colour')")
    assert painted == site["colour"]
    # desk.js ran: its keyboard shortcut opens the help.
    page.keyboard.press("?")
    expect(page.locator("#shortcuts-help")).to_be_visible()
    page.keyboard.press("Escape")
    # The language switch sends its form on a choice (it had an onchange= attribute).
    page.locator("select[name=language][data-auto-submit]").select_option("de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator("select[name=language][data-auto-submit]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations(messages) == [], messages
    page.close()


def test_the_portal_dashboard_runs_under_the_policy(site):
    page, messages = watched_page(site)
    sign_in(page, site["portal"], site["portal_user"])
    visit(page, site["portal"] + "/")
    months = page.locator("select[name=month]")
    expect(months).to_be_visible()
    chosen = months.locator("option").nth(1).get_attribute("value")
    months.select_option(chosen)
    expect(page).to_have_url(re.compile(rf"month={chosen}"))
    assert violations(messages) == [], messages
    page.close()


def test_both_admin_sites_run_under_the_policy(site):
    page, messages = watched_page(site)
    sign_in(page, site["agency"], site["admin"], login="/admin/login/")
    for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        visit(page, site["agency"] + path)
    # The admin's own scripts run: the navigation filter hides what does not match.
    visit(page, site["agency"] + "/admin/accounts/user/")
    page.locator("#nav-filter").fill("zzzz-nothing")
    expect(page.locator("#nav-sidebar tr.model-user")).to_be_hidden()
    # django-celery-beat's form: its script (given the nonce by our copy of the template)
    # reads the chosen crontab out in words.
    visit(page, site["agency"] + "/admin/django_celery_beat/periodictask/add/")
    page.locator("#id_crontab").select_option(str(site["crontab"]))
    expect(page.locator(".field-crontab .help")).to_contain_text("In words: At 04:30")
    sign_in(page, site["portal"], site["admin"], login="/admin/login/")
    for path in ("/admin/", "/admin/content/cannedreply/", "/admin/content/cannedreply/add/"):
        visit(page, site["portal"] + path)
    assert violations(messages) == [], messages
    page.close()


def test_an_inline_handler_is_refused_and_reported(site):
    """The watch above can see a violation: an injected handler is refused and noticed."""
    page, messages = watched_page(site)
    visit(page, site["agency"] + "/accounts/login/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="data:," onerror="document.title = 1">\')'
    )
    expect(page.locator("img[onerror]")).to_have_count(1)
    for _ in range(50):  # the console message arrives a moment later
        if violations(messages):
            break
        page.wait_for_timeout(100)
    assert violations(messages) != []
    assert page.title() != "1"
    page.close()
