"""The public help center's pages on the client's portal domain."""

import pytest
from django.test import Client as HttpClient

from content.models import FaqArticle, FaqCategory
from helpcenter import views as helpcenter_views
from helpcenter.models import ArticleVote, HelpCenterSettings, SearchMiss, SelfServiceAnswer
from helpcenter.services import self_service_chat_started, self_service_record
from helpcenter.views import VISITOR_COOKIE
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_a(two_clients):
    """Client A (cs, sk): a category with two articles, one of them Czech only."""
    with in_schema(two_clients.a):
        HelpCenterSettings.objects.create(enabled=True)
        orders = FaqCategory.objects.create(
            slug="orders", name_cs="Objednávky", name_sk="Objednávky SK"
        )
        FaqArticle.objects.create(
            slug="returns",
            category=orders,
            position=1,
            question_cs="Vrácení zboží",
            answer_cs="Zboží vraťte do 14 dnů.\n\nFormulář: https://shop.example/vraceni.\nDěkujeme.",
            question_sk="Vrátenie tovaru",
            answer_sk="Tovar vráťte do 14 dní.",
        )
        FaqArticle.objects.create(
            slug="delivery",
            category=orders,
            position=2,
            question_cs="Doručení <script>alert(1)</script>",
            answer_cs="<b>Do dvou dnů</b>",
        )
        FaqArticle.objects.create(
            slug="secret", question_cs="Interní pravidla", answer_cs="x", published=False
        )
    return HttpClient(HTTP_HOST=host_of(two_clients.a))


def test_help_goes_to_the_browsers_language_among_the_clients(help_a):
    assert help_a.get("/help/", HTTP_ACCEPT_LANGUAGE="sk-SK,cs;q=0.8")["Location"] == "/help/sk/"
    assert help_a.get("/help/", HTTP_ACCEPT_LANGUAGE="de,en;q=0.5")["Location"] == "/help/cs/"
    assert help_a.get("/help/")["Location"] == "/help/cs/"
    # A language the client does not serve: back to the choice.
    assert help_a.get("/help/pl/")["Location"] == "/help/"


def test_the_front_page_lists_categories_and_published_articles(help_a):
    page = help_a.get("/help/sk/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "sk" or 'lang="sk"' in html
    assert "Objednávky SK" in html
    assert "Vrátenie tovaru" in html
    assert "/help/sk/delivery/" in html  # shown in Czech, its fallback
    assert "Interní pravidla" not in html
    assert "<script>alert" not in html
    assert "Client A Obuv" in html
    assert VISITOR_COOKIE in page.cookies


def test_an_article_in_a_fallback_language_says_so_and_renders_text_safely(help_a):
    html = help_a.get("/help/sk/delivery/").content.decode()
    assert 'id="fallback-note"' in html
    assert "&lt;b&gt;Do dvou dnů&lt;/b&gt;" in html
    assert "<b>Do" not in html
    assert "&lt;script&gt;" in html

    html = help_a.get("/help/cs/returns/").content.decode()
    assert 'id="fallback-note"' not in html
    assert '<a href="https://shop.example/vraceni" rel="nofollow noopener">' in html
    assert html.count("<p>Zboží vraťte") == 1
    # The other articles of its category beside it.
    assert 'id="related-title">Objednávky</h2>' in html
    assert 'href="/help/cs/delivery/"' in html


def test_unpublished_and_unknown_articles_are_not_found(help_a):
    assert help_a.get("/help/cs/secret/").status_code == 404
    assert help_a.get("/help/cs/nothing/").status_code == 404


def test_another_clients_article_is_not_found(help_a, two_clients):
    other = HttpClient(HTTP_HOST=host_of(two_clients.b))
    assert other.get("/help/pl/returns/").status_code == 404
    assert "Vrácení" not in other.get("/help/pl/search", {"q": "vraceni"}).content.decode()


def test_a_vote_counts_once_per_visitor(help_a, two_clients):
    help_a.get("/help/cs/returns/")
    first = help_a.post("/help/cs/returns/vote", {"helpful": "yes"})
    assert first.status_code == 302
    assert first["Location"] == "/help/cs/returns/?voted=yes#vote"
    help_a.post("/help/cs/returns/vote", {"helpful": "no"})
    assert "vote-thanks" in help_a.get(first["Location"]).content.decode()
    HttpClient(HTTP_HOST=host_of(two_clients.a)).post("/help/cs/returns/vote", {"helpful": "no"})

    with in_schema(two_clients.a):
        votes = sorted(ArticleVote.objects.values_list("helpful", "language"))
    assert votes == [(False, "cs"), (True, "cs")]
    assert help_a.post("/help/cs/returns/vote", {"helpful": "maybe"}).status_code == 400


def test_a_read_article_is_a_self_service_answer_once_a_day(help_a, two_clients):
    help_a.get("/help/cs/returns/")
    assert help_a.post("/help/cs/returns/read").status_code == 204
    assert help_a.post("/help/cs/returns/read").status_code == 204
    assert help_a.post("/help/cs/secret/read").status_code == 404
    with in_schema(two_clients.a):
        answers = list(SelfServiceAnswer.objects.values_list("kind", "source", "language"))
        visitor = SelfServiceAnswer.objects.get().visitor
    assert answers == [("article", "help_center", "cs")]
    assert visitor == help_a.cookies[VISITOR_COOKIE].value
    with in_schema(two_clients.a):
        # The help center's own cookie: no chat of the widget's can ever follow it.
        assert SelfServiceAnswer.objects.get().chat_traceable is False


def test_a_page_opened_from_the_widget_records_the_read_under_the_widgets_visitor(
    help_a, two_clients
):
    widget_visitor = "0123456789abcdef0123456789abcdef"
    page = help_a.get("/help/cs/returns/", {"v": widget_visitor})
    assert f'data-read-url="/help/cs/returns/read?v={widget_visitor}"' in page.text
    assert help_a.post(f"/help/cs/returns/read?v={widget_visitor}").status_code == 204
    assert help_a.post(f"/help/cs/returns/read?v={widget_visitor}").status_code == 204
    # A malformed id is not taken: the read is the help center's own.
    assert (
        'data-read-url="/help/cs/returns/read"'
        in help_a.get("/help/cs/returns/", {"v": "<x>"}).text
    )
    with in_schema(two_clients.a):
        answers = list(SelfServiceAnswer.objects.values_list("visitor", "chat_traceable"))
    assert answers == [(widget_visitor, True)]
    with in_schema(two_clients.a):
        # The chat the widget starts next is seen: the read did not deflect it.
        assert self_service_chat_started(visitor=widget_visitor) == 1


def test_a_suggestion_opened_in_the_widget_and_read_is_one_answer(help_a, two_clients):
    widget_visitor = "fedcba9876543210fedcba9876543210"
    with in_schema(two_clients.a):
        article = FaqArticle.objects.get(slug="returns")
        self_service_record(
            kind="article",
            source="widget",
            visitor=widget_visitor,
            language="cs",
            article_id=article.pk,
        )
    help_a.post(f"/help/cs/returns/read?v={widget_visitor}")
    with in_schema(two_clients.a):
        assert SelfServiceAnswer.objects.filter(visitor=widget_visitor).count() == 1


def test_the_search_page_finds_without_accents_and_counts_misses(help_a, two_clients):
    html = help_a.get("/help/cs/search", {"q": "vraceni"}).content.decode()
    assert "/help/cs/returns/" in html
    assert "<mark>Vrácení</mark>" in html

    for _ in range(2):
        html = help_a.get("/help/cs/search", {"q": "Záruka  Účtenky"}).content.decode()
        assert 'id="no-results"' in html
    help_a.get("/help/cs/search", {"q": ""})
    with in_schema(two_clients.a):
        misses = list(SearchMiss.objects.values_list("language", "query", "count"))
    assert misses == [("cs", "zaruka uctenky", 2)]


def test_a_search_naming_a_person_or_an_order_is_not_kept(help_a, two_clients):
    for query in ("jana@example.cz", "objednávka 2026-12345", "+420 777 123 456", "obj 20261"):
        help_a.get("/help/cs/search", {"q": query})
    help_a.get("/help/cs/search", {"q": "velikost 42"})
    with in_schema(two_clients.a):
        assert list(SearchMiss.objects.values_list("query", flat=True)) == ["velikost 42"]


def test_reads_under_made_up_widget_ids_past_the_limit_count_apart(
    help_a, two_clients, monkeypatch
):
    """A script posting reads with a new ``?v=`` each time cannot raise the deflection
    figure: past the per-address limit a read counts, but as the help center's own."""
    monkeypatch.setattr(helpcenter_views, "WIDGET_READS_PER_MINUTE", 2)
    for number in range(4):
        assert help_a.post(f"/help/cs/returns/read?v={number:032x}").status_code == 204
    with in_schema(two_clients.a):
        traceable = list(
            SelfServiceAnswer.objects.order_by("pk").values_list("chat_traceable", flat=True)
        )
    assert traceable == [True, True, False]  # the 4th: the help center's cookie, once a day
