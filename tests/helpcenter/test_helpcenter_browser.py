"""The help center in a real browser: the visitor's language chosen, an article found
without accents, read (its script reports it) and voted on; the same page in Slovak falls
back to Czech and says so."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from content.models import FaqArticle, FaqCategory
from helpcenter.models import ArticleVote, HelpCenterSettings, SearchMiss, SelfServiceAnswer
from tests.support.browser import served_and_browsed
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def help_site(two_clients, django_db_blocker) -> Iterator[dict]:
    # Committed rows: the server thread has its own connection.
    with django_db_blocker.unblock():
        with in_schema(two_clients.a):
            HelpCenterSettings.objects.create(enabled=True)
            category = FaqCategory.objects.create(slug="browser-returns", name_cs="Vrácení")
            article = FaqArticle.objects.create(
                slug="browser-returns-howto",
                category=category,
                question_cs="Vrácení zboží do 14 dnů",
                answer_cs="Zboží vraťte do 14 dnů.\n\nFormulář najdete na https://shop.example/form.",
            )
        host = host_of(two_clients.a)
        with served_and_browsed() as (port, browser):
            yield {"url": f"http://{host}:{port}", "browser": browser}
        with in_schema(two_clients.a):
            for model in (SelfServiceAnswer, ArticleVote, SearchMiss, HelpCenterSettings):
                model.objects.all().delete()
            article.delete()
            category.delete()


def test_an_article_is_found_without_accents_read_and_voted_on(help_site):
    context = help_site["browser"].new_context(locale="cs-CZ")
    page = context.new_page()
    page.goto(help_site["url"] + "/help/")
    expect(page).to_have_url(help_site["url"] + "/help/cs/")
    expect(page.get_by_role("heading", name="Vrácení")).to_be_visible()

    page.get_by_label("Hledat v centru nápovědy").fill("vraceni zbozi")
    page.keyboard.press("Enter")
    result = page.locator("#results a").first
    expect(result).to_have_text("Vrácení zboží do 14 dnů")
    expect(page.locator("#results mark").first).to_have_text("Vrácení")

    with page.expect_response(lambda response: response.url.endswith("/read")) as read:
        result.click()
    assert read.value.status == 204
    expect(page.get_by_role("heading", level=1)).to_have_text("Vrácení zboží do 14 dnů")
    expect(page.get_by_role("link", name="https://shop.example/form")).to_be_visible()

    page.get_by_role("button", name="Ano").click()
    expect(page.locator("#vote-thanks")).to_have_text("Děkujeme za zpětnou vazbu.")
    context.close()


def test_the_slovak_page_falls_back_to_czech_and_says_so(help_site):
    page = help_site["browser"].new_page()
    page.goto(help_site["url"] + "/help/sk/browser-returns-howto/")
    expect(page.locator("#fallback-note")).to_contain_text("Zobrazený jazyk: čeština")
    page.get_by_role("link", name="čeština").click()
    expect(page).to_have_url(help_site["url"] + "/help/cs/browser-returns-howto/")
    expect(page.locator("#fallback-note")).to_have_count(0)
    page.close()
