"""The content admin edits the help center's categories, in the client's languages, and
puts an article in one; the help center's search follows at once."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from content.models import FaqArticle, FaqCategory
from helpcenter.selectors import articles_found, help_categories
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


def test_a_category_and_its_article_are_added_in_the_clients_languages(admin_site, two_clients):
    form = admin_site.get("/admin/content/faqcategory/add/")
    assert form.status_code == 200
    assert "name_cs" in form.text and "name_sk" in form.text and "name_pl" not in form.text
    refused = admin_site.post("/admin/content/faqcategory/add/", {"slug": "x", "position": 1})
    assert "Required in the client" in refused.text  # the default language's name
    added = admin_site.post(
        "/admin/content/faqcategory/add/",
        {"slug": "payment", "position": "1", "name_cs": "Platba", "name_sk": "Platba"},
    )
    assert added.status_code == 302
    with in_schema(two_clients.a):
        category = FaqCategory.objects.get(slug="payment")

    added = admin_site.post(
        "/admin/content/faqarticle/add/",
        {
            "slug": "card",
            "category": str(category.pk),
            "position": "1",
            "published": "on",
            "question_cs": "Platba kartou",
            "answer_cs": "Přijímáme všechny karty.",
        },
    )
    assert added.status_code == 302
    assert "payment" in admin_site.get("/admin/content/faqarticle/").text
    with in_schema(two_clients.a):
        assert FaqArticle.objects.get(slug="card").category == category
        assert [c.name for c in help_categories(language="cs")] == ["Platba"]
        assert [a["slug"] for a in articles_found(query="karty", language="cs")] == ["card"]
