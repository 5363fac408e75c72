"""A customer answers the survey from the e-mail they received, in a real browser, and the
client sees the answer on the portal's dashboard."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from reporting.models import KpiSnapshot
from surveys.models import Survey
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.outbox import delivery_of
from tests.support.surveys import RATING_LINK, committed_resolution, sweep
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow


def test_a_customer_rates_and_comments_from_the_mail_and_the_portal_shows_it(
    two_clients, django_db_blocker, tmp_path
):
    now = timezone.now()
    with (
        committed_resolution(
            two_clients, django_db_blocker, at=now - timedelta(hours=2), email="hodnotim@example.cz"
        ) as conversation,
        django_db_blocker.unblock(),
    ):
        assert sweep(two_clients.a, now=now) == 1
        with in_schema(two_clients.a):
            survey = Survey.objects.get(conversation=conversation)
        # Committed, the outbox's task ran at the commit (eager in tests): the mail is sent.
        assert delivery_of(two_clients.a, survey.message_id).state == "sent"
        [sent] = [m for m in mail.outbox if m.to == ["hodnotim@example.cz"]]
        links = {int(rating): url for url, rating in RATING_LINK.findall(sent.body)}
        boss = UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="en")

        with served_and_browsed() as (port, browser):
            # The mail names the site's configured port; this test server listens on its own.
            link = urlsplit(links[4])
            base = f"http://{link.hostname}:{port}"
            page = browser.new_page()
            page.goto(f"{base}{link.path}?rating=4")
            # Recorded at once (the page sends the click), in the customer's language.
            expect(page.locator("#survey-thanks")).to_contain_text("Děkujeme")
            expect(page.locator("#survey-rating")).to_have_text("4")
            page.get_by_label("Chcete něco dodat? (nepovinné)").fill("Rychlá a ochotná pomoc.")
            page.get_by_role("button", name="Odeslat komentář").click()
            expect(page.locator("#comment-saved")).to_be_visible()
            page.screenshot(path=tmp_path / "survey-page.png", full_page=True)
            # The same link opened again (a second click): still one answer, the same rating.
            page.goto(f"{base}{link.path}?rating=4")
            expect(page.locator("#survey-rating")).to_have_text("4")
            page.close()

            portal = browser.new_page()
            portal.goto(f"{base}/accounts/login/")
            portal.get_by_label("Uživatelské jméno").fill(boss.username)
            portal.get_by_label("Heslo").fill(PASSWORD)
            portal.get_by_role("button", name="Přihlásit").click()
            table = portal.locator("#satisfaction-channel")
            expect(table).to_be_visible()
            row = table.get_by_role("row").filter(has_text="E-mail")
            expect(row).to_contain_text("4.00")
            expect(row.get_by_role("cell").nth(1)).to_have_text("1")
            portal.locator("#satisfaction").screenshot(path=tmp_path / "portal-satisfaction.png")
            portal.screenshot(path=tmp_path / "portal-dashboard.png", full_page=True)
            portal.close()

        # A mail scanner that fetches every link without running the page's script records
        # nothing: only the customer's own click counted.
        scanner = HttpClient(HTTP_HOST=link.hostname)
        assert all(scanner.get(url).status_code == 200 for url in links.values())
        with in_schema(two_clients.a):
            survey.refresh_from_db()
        assert (survey.rating, survey.comment) == (4, "Rychlá a ochotná pomoc.")
        User.objects.filter(pk=boss.pk).delete()
        with in_schema(two_clients.a):  # the previous month's, stored by the dashboard
            KpiSnapshot.objects.all().delete()
