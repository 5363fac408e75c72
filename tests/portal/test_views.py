"""The client portal's pages: KPIs, CSV exports, conversations, reports, and every page
refused to another client's user. (Sign-in and password reset: tests/accounts.)"""

import re
from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from conversations.models import Conversation, Message
from portal.charts import _legend
from reporting.models import KpiSnapshot, Report
from reporting.services import report_generate
from tests.support.portal import rows_of, signed_in
from tests.support.reporting import local, october_at_client_a
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(two_clients):
    return october_at_client_a(two_clients.a)


def test_csv_cells_that_look_like_formulas_are_quoted(two_clients, user_a):
    with in_schema(two_clients.a):
        from customers.models import Customer

        Customer.objects.create(name="=HYPERLINK(evil)", email="x@example.cz", country="CZ")
    rows = rows_of(signed_in(two_clients.a, user_a).get("/customers/export.csv"))
    assert ["'=HYPERLINK(evil)", "x@example.cz", "", "", "CZ"] in rows


def test_the_dashboard_shows_the_months_kpis_and_charts(two_clients, october, user_a):
    page = signed_in(two_clients.a, user_a).get("/?month=2026-10")
    assert page.status_code == 200
    html = page.text
    assert "October 2026" in html and "Contacts received" in html
    assert re.search(
        r'kpi-label">Contacts received</span><span class="kpi-value">5</span>'
        r'<span class="kpi-before">Previous month: 1<',
        html,
    )
    assert re.search(r'kpi-label">SLA met</span><span class="kpi-value">[^<]*40.0', html)
    assert html.count('<svg class="chart"') == 4 and "cdn" not in html.lower()


def test_each_table_exports_as_csv(two_clients, october, user_a):
    http = signed_in(two_clients.a, user_a)
    channel = rows_of(http.get("/export/channel.csv?month=2026-10"))
    assert channel[0][:3] == ["By channel", "Received", "Handled"]
    assert channel[1][:3] == ["E-mail", "3", "2"]
    summary = {row[0]: row[1:] for row in rows_of(http.get("/export/summary.csv?month=2026-10"))}
    assert summary[""] == ["This month", "Previous month"]
    assert summary["Contacts received"] == ["5", "1"]  # September: #0 only
    assert summary["Contacts handled"] == ["4", "0"]
    summary = {key: values[0] for key, values in summary.items()}
    assert summary["First response, median"] == "30.00"  # 108000 s in hours
    assert summary["SLA met"] == "40.0"
    heatmap = rows_of(http.get("/export/heatmap.csv?month=2026-10"))
    assert len(heatmap) == 8 and heatmap[4][1 + 9] == "1"  # Thursday 09:00
    daily = rows_of(http.get("/export/daily.csv?month=2026-10"))
    assert len(daily) == 32 and daily[1][0] == "2026-10-01"
    assert http.get("/export/secrets.csv").status_code == 404
    assert http.get("/?month=2026-13").status_code == 400
    assert http.get("/?month=2099-01").status_code == 400


def test_conversations_are_searchable_read_only_and_exported(two_clients, october, user_a):
    with in_schema(two_clients.a):
        conversation = october.conversations[1]
        Message.objects.create(
            conversation=conversation,
            direction="in",
            channel="email",
            body_text="Kde je moje zásilka?",
            created_at=local(10, 1, 9),
        )
        Message.objects.create(
            conversation=conversation,
            direction="note",
            channel="email",
            body_text="INTERNAL: customer is grumpy",
            created_at=local(10, 1, 9),
        )
    http = signed_in(two_clients.a, user_a)
    found = http.get("/conversations/", {"q": "zásilka"})
    assert found.status_code == 200 and f"/conversations/{conversation.pk}/" in found.text
    assert "Růžena" not in found.text
    # Notes are the agency's: never searchable or shown.
    assert (
        f"/conversations/{conversation.pk}/"
        not in http.get("/conversations/", {"q": "grumpy"}).text
    )
    detail = http.get(f"/conversations/{conversation.pk}/")
    assert "Kde je moje zásilka?" in detail.text and "INTERNAL" not in detail.text
    assert "<form" not in detail.text.split("</header>")[1]  # read-only: nothing to submit
    exported = rows_of(http.get("/conversations/export.csv", {"channel": "sms"}))
    assert len(exported) == 2 and exported[1][2] == "sms"
    assert http.get("/conversations/999999/").status_code == 404
    customers = rows_of(http.get("/customers/export.csv", {"q": "Růžena"}))
    assert customers == [
        ["Name", "E-mail", "Phone", "Language", "Country"],
        ["Růžena", "c3@example.cz", "", "", "CZ"],
    ]


def test_reports_are_listed_downloaded_and_prepared_on_demand(
    two_clients, october, user_a, django_capture_on_commit_callbacks
):
    with in_schema(two_clients.a):
        report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12))
    http = signed_in(two_clients.a, user_a)
    listing = http.get("/reports/")
    assert "/reports/2026-10.pdf" in listing.text
    download = http.get("/reports/2026-10.pdf")
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert 'filename="report-2026-10.pdf"' in download["Content-Disposition"]
    assert http.get("/reports/2026-09.pdf").status_code == 404
    assert http.get("/reports/anything.pdf").status_code == 404
    assert rows_of(http.get("/reports/export.csv"))[1][0] == "2026-10"

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/reports/request/", {"month": "2026-09"})
    assert response.status_code == 302
    with in_schema(two_clients.a):
        assert Report.objects.filter(month=date(2026, 9, 1)).exists()
    refused = http.post("/reports/request/", {"month": "1999-01"}, follow=True)
    assert "Choose one of the months offered." in refused.text


ENDPOINTS = [
    "/",
    "/export/summary.csv",
    "/customers/",
    "/customers/export.csv",
    "/conversations/",
    "/conversations/export.csv",
    "/reports/",
    "/reports/export.csv",
    "/reports/2026-10.pdf",
    "/calls/",
    "/calls/export.csv",
    "/export/calls.csv",
    "/export/calls-topic.csv",
]


@pytest.mark.parametrize("path", [*ENDPOINTS, "conversation"])
def test_a_user_of_another_client_gets_404_everywhere(two_clients, october, user_b, path):
    with in_schema(two_clients.a):
        report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12))
    if path == "conversation":
        path = f"/conversations/{october.conversations[1].pk}/"
    http = signed_in(two_clients.b, user_b)
    http.defaults["HTTP_HOST"] = host_of(two_clients.a)
    assert http.get(path).status_code == 404
    assert http.post("/reports/request/", {"month": "2026-10"}).status_code == 404


@pytest.mark.parametrize("path", ENDPOINTS)
def test_strangers_are_sent_to_sign_in(two_clients, path):
    response = HttpClient(HTTP_HOST=host_of(two_clients.a)).get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_closed_months_dashboard_and_csv_read_its_stored_figures(two_clients, october, user_a):
    http = signed_in(two_clients.a, user_a)
    assert rows_of(http.get("/export/channel.csv?month=2026-10"))[1][:2] == ["E-mail", "3"]
    with in_schema(two_clients.a):
        assert set(KpiSnapshot.objects.values_list("month", flat=True)) == {
            date(2026, 9, 1),  # the previous month's totals, stored on the way
            date(2026, 10, 1),
        }
        customer = october.conversations[1].customer
        Conversation.objects.create(
            customer=customer, channel="email", language="cs", created_at=local(10, 20, 10)
        )

    assert rows_of(http.get("/export/channel.csv?month=2026-10"))[1][:2] == ["E-mail", "3"]
    assert "Contacts received" in http.get("/?month=2026-10").content.decode()
    call_command(
        "kpi_snapshots_clear", "--client", "client-a", "--month", "2026-10", stdout=StringIO()
    )
    assert rows_of(http.get("/export/channel.csv?month=2026-10"))[1][:2] == ["E-mail", "4"]


def test_the_month_so_far_says_how_old_its_figures_are_and_a_closed_month_does_not(
    two_clients, user_a
):
    http = signed_in(two_clients.a, user_a)
    with in_schema(two_clients.a):
        KpiSnapshot.objects.all().delete()

    so_far = http.get("/").text
    with in_schema(two_clients.a):
        computed_at = KpiSnapshot.objects.order_by("-month").values_list("computed_at", flat=True)[
            0
        ]
    closed = http.get("/?month=2026-10").text

    local_time = computed_at.astimezone(two_clients.a.tz)
    # Minutes and seconds: the same in a 12- and a 24-hour clock.
    assert re.search(r'id="figures-as-of">Figures as of [^<]*' + f"{local_time:%M:%S}", so_far)
    assert "figures-as-of" not in closed


def test_the_chart_legend_leaves_room_for_long_channel_names():
    names = {"call": "Połączenie telefoniczne", "chat": "Chat", "email": "Correo electrónico"}
    places = _legend(["call", "chat", "email"], names, left=34, width=720)
    for (x, _y, channel), (after, _y2, _next) in pairwise(places):
        assert after - x >= 16 + 7 * len(names[channel]), channel
    # Too long for one row: the rest goes on a second one, inside the chart.
    wide = {code: name * 3 for code, name in names.items()}
    places = _legend(["call", "chat", "email"], wide, left=34, width=720)
    assert {y for _x, y, _c in places} == {4, 22}
