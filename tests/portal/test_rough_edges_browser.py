"""The portal as a client's user meets it, in a real browser (Debian's chromium driven by
Playwright): the language switch, accent-free search, the invoice page's navigation, and
tables whose every column can be seen."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from billing.services import invoice_issue
from conversations.models import Conversation, Message
from customers.models import Customer
from hours.models import SlaEvent
from reporting.models import KpiSnapshot
from routing.models import WorkItem
from telephony.voice.models import Call
from tests.support.billing import billing_tables_truncate, plan_for, record, utc
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.reporting import local, october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow

# Every column of a table: its title's box ends inside the table's own box and the window
# (the box may scroll sideways, which a phone needs; on a screen nothing may be hidden).
COLUMNS_OUT_OF_SIGHT = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = [];
  for (const table of document.querySelectorAll('main table')) {
    const box = table.parentElement.getBoundingClientRect();
    for (const th of table.querySelectorAll('thead th')) {
      const r = th.getBoundingClientRect();
      if (r.right > Math.min(width, box.right) + 1 || r.left < box.left - 1) {
        hidden.push(`${table.closest('section').id}: ${th.textContent.trim()}`);
      }
    }
  }
  return hidden;
}"""
TABLES_THAT_DO_NOT_SCROLL_IN_THEIR_BOX = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1
               && getComputedStyle(t.parentElement).overflowX !== 'auto')
  .map(t => t.closest('section').id)"""


@dataclass(frozen=True)
class Site:
    browser: Browser
    url: str
    chooser: str  # a user who never chose a language
    reader: str  # a user who reads English
    conversation_id: int
    invoice_id: int


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    # Committed rows: the server thread has its own connection.
    with django_db_blocker.unblock():
        chooser = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="")
        reader = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="en")
        with in_schema(two_clients.a):
            october_at_client_a(two_clients.a)
            october_calls_at_client_a(two_clients.a)
            customer = Customer.objects.create(name="Ľubica Žilinská", email="l@example.sk")
            conversation = Conversation.objects.create(
                customer=customer,
                channel="email",
                language="sk",
                subject="Vyzdvihnutie v Žiline",
                created_at=local(10, 7, 9),
            )
            Message.objects.create(
                conversation=conversation,
                direction="in",
                channel="email",
                body_text="Prosím o výmenu sedačky.",
                created_at=local(10, 7, 9),
            )
        plan_for(two_clients.a, date(2026, 1, 1), base_monthly_fee=Decimal("1500"))
        record(two_clients.a, "email_answered", 1, utc(2026, 10, 5, 9), language="cs")
        invoice = invoice_issue(
            client=two_clients.a, month=date(2026, 10, 1), now=utc(2026, 11, 2, 8)
        ).invoice
        host = host_of(two_clients.a)  # no ORM call once Playwright runs
        try:
            with served_and_browsed() as (port, browser):
                yield Site(
                    browser=browser,
                    url=f"http://{host}:{port}",
                    chooser=chooser.username,
                    reader=reader.username,
                    conversation_id=conversation.pk,
                    invoice_id=invoice.pk,
                )
        finally:
            billing_tables_truncate()
            # The work queue is shared (public): the October items, one still waiting, would
            # be routed to another test's agents.
            SlaEvent.objects.filter(client=two_clients.a).delete()
            WorkItem.objects.filter(client=two_clients.a).delete()
            with in_schema(two_clients.a):
                Message.objects.all().delete()
                Call.objects.all().delete()
                Conversation.objects.all().delete()
                Customer.objects.all().delete()
                KpiSnapshot.objects.all().delete()  # stored by the dashboards of closed months
            User.objects.filter(pk__in=[chooser.pk, reader.pk]).delete()


def sign_in(page: Page, site: Site, username: str) -> None:
    page.goto(f"{site.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).to_have_url(f"{site.url}/")


def test_a_user_switches_to_czech_and_keeps_it_after_signing_out_and_in(site, tmp_path):
    page = site.browser.new_page(locale="en-US")  # the browser asks for English
    sign_in(page, site, site.chooser)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    switch = page.get_by_label("Interface language")
    # Every interface language, each in its own name.
    expect(switch.locator("option")).to_have_text([name for _code, name in settings.LANGUAGES])

    page.goto(f"{site.url}/customers/")
    switch.select_option("cs")

    expect(page).to_have_url(f"{site.url}/customers/")  # back on the same page
    expect(page.get_by_role("heading", name="Zákazníci")).to_be_visible()
    expect(page.get_by_label("Jazyk rozhraní")).to_have_value("cs")
    page.screenshot(path=tmp_path / "customers-czech.png", full_page=True)
    page.get_by_role("button", name="Odhlásit").click()
    sign_in(page, site, site.chooser)
    expect(page.get_by_role("link", name="Přehled")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cs")
    page.close()


def test_a_search_without_accents_finds_the_accented_customer_and_conversation(site):
    page = site.browser.new_page()
    sign_in(page, site, site.reader)

    page.get_by_role("link", name="Customers").click()
    page.get_by_placeholder("Name, e-mail or phone").fill("zilinska")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Ľubica Žilinská")).to_be_visible()

    page.get_by_role("link", name="Conversations").click()
    page.locator("input[name=q]").fill("ZILINE")
    page.get_by_role("button", name="Search").click()
    found = page.locator(f'a[href="/conversations/{site.conversation_id}/"]')
    expect(found).to_have_count(1)
    page.locator("input[name=q]").fill("sedacky")
    page.get_by_role("button", name="Search").click()
    expect(found).to_have_count(1)
    found.click()
    expect(page.get_by_text("Prosím o výmenu sedačky.")).to_be_visible()
    page.close()


def test_the_invoice_page_has_the_navigation_and_leads_back_to_the_dashboard(site):
    page = site.browser.new_page()
    sign_in(page, site, site.reader)
    page.goto(f"{site.url}/invoices/{site.invoice_id}/")
    nav = page.get_by_role("navigation", name="Portal")

    expect(nav.get_by_role("link", name="Invoices")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Dashboard").click()

    expect(page).to_have_url(f"{site.url}/")
    expect(page.locator(".kpi").first).to_be_visible()
    page.close()


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_every_column_of_every_table_is_in_sight_on_a_screen(site, width, tmp_path):
    page = site.browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, site, site.reader)
    for path in ("/?month=2026-10", "/conversations/", "/customers/", "/calls/", "/invoices/"):
        page.goto(f"{site.url}{path}")
        assert page.locator("main table").count() > 0, path
        assert page.evaluate(COLUMNS_OUT_OF_SIGHT) == [], (width, path)
    # The calls tables are the widest: CSAT and NPS were the columns cut at 1440 px.
    page.goto(f"{site.url}/?month=2026-10")
    for column in ("CSAT", "NPS"):
        expect(
            page.locator("#table-calls-topic th").get_by_text(column, exact=True)
        ).to_be_visible()
    page.screenshot(path=tmp_path / f"dashboard-{width}.png", full_page=True)
    page.close()


def test_on_a_phone_wide_tables_scroll_inside_their_box(site, tmp_path):
    page = site.browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, site, site.reader)
    for path in ("/?month=2026-10", "/conversations/", "/calls/", "/invoices/"):
        page.goto(f"{site.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        assert page.evaluate(TABLES_THAT_DO_NOT_SCROLL_IN_THEIR_BOX) == [], path
    nav = page.get_by_role("navigation", name="Portal")
    for link in nav.get_by_role("link").all():  # every section stays in sight
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=tmp_path / "invoices-phone.png", full_page=True)
    page.close()
