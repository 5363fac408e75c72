"""The portal's "Help center" page: the month's deflection, the articles read and how
helpful, the searches with no result; the client's own only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import FaqArticle
from helpcenter.services import article_vote, search_miss_record, self_service_record
from tests.support.desk import table_rows
from tests.support.portal import signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_the_page_shows_this_months_figures(two_clients, user_a):
    earlier = timezone.now() - timedelta(hours=2)
    with in_schema(two_clients.a):
        article = FaqArticle.objects.create(slug="returns", question_cs="Vrácení zboží")
        for visitor in ("v1", "v2", "v3"):
            self_service_record(
                kind="article",
                source="help_center",
                visitor=visitor,
                language="cs",
                article_id=article.pk,
                now=earlier,
            )
        article_vote(article_id=article.pk, language="cs", visitor="v1", helpful=True)
        article_vote(article_id=article.pk, language="cs", visitor="v2", helpful=False)
        article_vote(article_id=article.pk, language="cs", visitor="v3", helpful=True)
        search_miss_record(query="Záruka", language="cs", zone=two_clients.a.tz)
        for reader in ("r1", "r2"):  # read in the help center, not from the widget
            self_service_record(
                kind="article",
                source="help_center",
                visitor=reader,
                language="cs",
                article_id=article.pk,
                now=earlier,
                chat_traceable=False,
            )
    with in_schema(two_clients.b):
        self_service_record(kind="order_status", source="widget", visitor="b", language="pl")

    page = signed_in(two_clients.a, user_a).get("/help-center/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="help-answers">3<' in html
    assert 'id="help-deflected">3<' in html
    assert 'id="help-center-reads">2<' in html
    assert table_rows(html, "help-trend")[-1][-1] == "2"
    rows = table_rows(html, "help-articles")
    assert rows[0][:4] == ["Vrácení zboží", "5", "2", "1"]
    assert rows[0][4].startswith("66")
    assert table_rows(html, "help-misses") == [["zaruka", "cs", "1"]]


def test_a_month_not_started_is_refused(two_clients, user_a):
    http = signed_in(two_clients.a, user_a)
    assert http.get("/help-center/", {"month": "2999-01"}).status_code == 400
    assert http.get("/help-center/", {"month": "x"}).status_code == 400
