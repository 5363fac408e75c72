"""The demo's help centers: three categories and eight articles in each client's languages,
found without accents, and a month of visitors so that deflection is not zero."""

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from demo.cast import DEMO_CLIENTS, DEMO_PASSWORD
from demo.content_texts import FAQ_ARTICLES
from demo.helpcenter_texts import HELP_ARTICLE_CATEGORIES, HELP_ARTICLES, HELP_CATEGORIES
from helpcenter.selectors import deflection_figures, help_categories
from tenants.models import Client
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_every_demo_clients_languages_have_the_help_centers_texts():
    for client in DEMO_CLIENTS:
        for code in client.languages:
            for slug, texts in HELP_ARTICLES.items():
                assert code in texts, (client.slug, slug, code)
            for slug, names in HELP_CATEGORIES.items():
                assert code in names, (client.slug, slug, code)
    assert set(HELP_ARTICLE_CATEGORIES) == set(FAQ_ARTICLES) | set(HELP_ARTICLES)
    assert set(HELP_ARTICLE_CATEGORIES.values()) == set(HELP_CATEGORIES)


def test_each_demo_client_has_a_help_center_with_figures(demo_seeded):
    now = timezone.now()
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        assert f"help center of {demo.slug}: 3 categories, 8 articles" in demo_seeded.output
        address = rf"help center: https?://{re.escape(host_of(client))}(:\d+)?/help/"
        assert re.search(address, demo_seeded.output), demo.slug
        with in_schema(client):
            for code in demo.languages:
                categories = help_categories(language=code)
                assert [len(c.articles) for c in categories] == [3, 3, 2], (demo.slug, code)
            figures = deflection_figures(start=now - timedelta(days=40), end=now, now=now)
        assert figures.answers == 60
        assert 0 < figures.deflected < 60
        assert figures.followed_by_chat > 0

        http = HttpClient(HTTP_HOST=host_of(client))
        home = http.get(f"/help/{demo.languages[0]}/")
        assert home.status_code == 200
        assert http.login(username=f"{demo.slug}-manager", password=DEMO_PASSWORD)
        page = http.get("/help-center/")
        shown = re.search(r'id="help-deflected">(\d+)<', page.text)
        assert shown and int(shown[1]) >= 1, demo.slug


def test_the_czech_demo_finds_returns_without_accents(demo_seeded):
    client = Client.objects.get(slug="bohemia-shoes")
    http = HttpClient(HTTP_HOST=host_of(client))
    page = http.get("/help/cs/search", {"q": "vratit zbozi"})
    assert "/help/cs/return-policy/" in page.text
    page = http.get("/help/cs/search", {"q": "reklam"})
    assert "/help/cs/warranty-claim/" in page.text
