"""A customer answers the survey (CSAT, NPS, a comment) from the e-mail they received, in a
real browser, and the client sees the answers on the portal's dashboard, by channel and by
the team of the agent who handled the conversation."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Team, User
from reporting.models import KpiSnapshot
from surveys.models import Survey
from tests.support.browser import in_another_thread, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.outbox import delivery_of
from tests.support.surveys import RATING_LINK, committed_resolution, sweep
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow


def _figures_forget(client) -> None:
    with in_schema(client):
        KpiSnapshot.objects.all().delete()


def test_a_customer_rates_recommends_and_comments_and_the_portal_shows_it_by_team(
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
        # The agent who resolved it is in a team (deleted with the test's users afterwards).
        team = Team.objects.create(name="Morava")
        User.objects.filter(pk=conversation.assignee_id).update(team=team)
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
            # The second question, after the rating: 0-10, in Czech, with the shop's name.
            question = page.get_by_role("group", name="Jak pravděpodobně byste")
            expect(question).to_contain_text(two_clients.a.name)
            question.get_by_label("9", exact=True).check()
            page.get_by_label("Chcete něco dodat? (nepovinné)").fill("Rychlá a ochotná pomoc.")
            page.get_by_role("button", name="Odeslat odpovědi").click()
            expect(page.locator("#comment-saved")).to_have_text("Děkujeme za vaše odpovědi.")
            expect(
                page.get_by_role("group", name="Jak pravděpodobně byste").get_by_label(
                    "9", exact=True
                )
            ).to_be_checked()
            for width in (1280, 1920):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=tmp_path / f"survey-page-{width}.png", full_page=True)
            # The same link opened again (a second click): still one answer, the same rating.
            page.goto(f"{base}{link.path}?rating=4")
            expect(page.locator("#survey-rating")).to_have_text("4")
            page.close()

            # The month so far is stored for two minutes (reporting.snapshots): another
            # test's dashboard visit may have stored it before this answer.
            in_another_thread(lambda: _figures_forget(two_clients.a))
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
            # By team: the resolving agent's team, one answer of each question; NPS +100.
            by_team = portal.locator("#satisfaction-team")
            team_row = by_team.get_by_role("row").filter(has_text="Morava")
            expect(team_row.get_by_role("cell").nth(2)).to_have_text("4.00")
            expect(team_row.get_by_role("cell").nth(-2)).to_have_text("100.0")
            expect(team_row.get_by_role("cell").nth(-1)).to_have_text("1")
            for width in (1280, 1920):
                portal.set_viewport_size({"width": width, "height": 900})
                portal.locator("#satisfaction").screenshot(
                    path=tmp_path / f"portal-satisfaction-{width}.png"
                )
                portal.screenshot(path=tmp_path / f"portal-dashboard-{width}.png", full_page=True)
            portal.close()

        # A mail scanner that fetches every link without running the page's script records
        # nothing: only the customer's own click counted.
        scanner = HttpClient(HTTP_HOST=link.hostname)
        assert all(scanner.get(url).status_code == 200 for url in links.values())
        with in_schema(two_clients.a):
            survey.refresh_from_db()
        assert (survey.rating, survey.nps, survey.comment) == (4, 9, "Rychlá a ochotná pomoc.")
        User.objects.filter(pk=boss.pk).delete()
        team.delete()
        with in_schema(two_clients.a):  # the previous month's, stored by the dashboard
            KpiSnapshot.objects.all().delete()
