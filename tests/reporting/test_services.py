"""Generating, storing and e-mailing a client's monthly report; the command and the tasks."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from pypdf import PdfReader

from accounts.models import User
from content.models import Category
from reporting.layout import report_pdf
from reporting.models import Report
from reporting.services import (
    recipients_set,
    report_content_build,
    report_generate,
    report_send,
    report_settings_get,
)
from reporting.tasks import monthly_reports_task
from tenants.models import Client
from tests.support.factories import UserFactory
from tests.support.pdf import text_by_page as text_of
from tests.support.reporting import local, october_at_client_a, october_calls_at_client_a
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_a_report_is_stored_in_the_clients_language_and_replaced_when_regenerated(two_clients):
    october_at_client_a(two_clients.a)
    with in_schema(two_clients.a):
        first = report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12))
        again = report_generate(client=two_clients.a, month=date(2026, 10, 1), now=local(11, 6, 12))
        assert Report.objects.count() == 1 and again.pk == first.pk
        text = text_of(bytes(Report.objects.get().pdf))
    assert first.language == "cs"
    assert "Client A Obuv" in text and "říjen 2026" in text and "Přijaté kontakty" in text
    with in_schema(two_clients.b):
        assert not Report.objects.exists()


def test_a_month_not_started_is_refused(two_clients):
    with in_schema(two_clients.a), pytest.raises(ValidationError, match="not started"):
        report_generate(client=two_clients.a, month=date(2026, 12, 1), now=local(11, 5, 12))


def test_the_report_is_mailed_once_to_the_recipients(two_clients):
    with in_schema(two_clients.a):
        report = report_generate(
            client=two_clients.a, month=date(2026, 10, 1), now=local(11, 5, 12)
        )
        assert report_send(client=two_clients.a, report_id=report.pk) is False  # nobody yet
        recipients_set(recipients=["Boss@shop.example", " ops@shop.example", ""])
        assert report_send(client=two_clients.a, report_id=report.pk) is True
        assert report_send(client=two_clients.a, report_id=report.pk) is False
    [message] = mail.outbox
    assert message.to == ["boss@shop.example", "ops@shop.example"]
    assert "říjen 2026" in message.subject
    [(name, content, kind)] = message.attachments
    assert (name, kind) == ("report-2026-10.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_bad_recipients_are_refused_and_nothing_changes(two_clients):
    with in_schema(two_clients.a):
        recipients_set(recipients=["boss@shop.example"])
        with pytest.raises(ValidationError):
            recipients_set(recipients=["ok@shop.example", "not an address"])
        with pytest.raises(ValidationError, match="Reports are written in"):
            recipients_set(recipients=["ok@shop.example"], language="xx")

        assert report_settings_get().recipients == ["boss@shop.example"]


def test_beat_generates_and_mails_last_months_report_of_every_client(
    two_clients, django_capture_on_commit_callbacks
):
    Client.objects.filter(pk__in=[two_clients.a.pk, two_clients.b.pk]).update(status="active")
    for client in (two_clients.a, two_clients.b):
        with in_schema(client):
            recipients_set(recipients=[f"boss@{client.slug}.example"])
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_task.delay().get() == 2
    for client in (two_clients.a, two_clients.b):
        with in_schema(client):
            report = Report.objects.get()
            assert report.sent_at is not None
            assert report.language == client.default_language
    assert sorted(m.to[0] for m in mail.outbox) == [
        "boss@client-a.example",
        "boss@client-b.example",
    ]


def test_the_command_writes_the_pdf(two_clients, tmp_path):
    october_at_client_a(two_clients.a)
    out = tmp_path / "report.pdf"
    call_command("client_report", "--client", "client-a", "--month", "2026-10", "--out", str(out))
    assert "Client A Obuv" in text_of(out.read_bytes())
    with pytest.raises(CommandError, match="No client 'nobody'"):
        call_command("client_report", "--client", "nobody", "--month", "2026-10", "--out", str(out))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command(
            "client_report", "--client", "client-a", "--month", "10.2026", "--out", str(out)
        )


def test_agency_admins_edit_the_report_recipients_on_the_clients_domain(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(admin)
    response = http.post(
        "/admin/reporting/reportsettings/add/",
        {"recipients": "boss@shop.example,ops@shop.example", "language": "sk"},
    )
    assert response.status_code == 302
    with in_schema(two_clients.a):
        settings = report_settings_get()
    assert settings.recipients == ["boss@shop.example", "ops@shop.example"]
    assert settings.language == "sk"
    client_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http.force_login(client_user)
    assert http.get("/admin/reporting/reportsettings/").status_code == 302  # not for clients


def test_a_czech_report_names_categories_and_topics_in_czech_next_to_september(two_clients):
    october_at_client_a(two_clients.a)
    october_calls_at_client_a(two_clients.a)
    with in_schema(two_clients.a):
        for code, czech, english in (
            ("delivery", "Doručení", "Delivery"),
            ("returns", "Vrácení a reklamace", "Returns"),
            ("orders", "Objednávky a doručení", "Orders"),
        ):
            Category.objects.create(code=code, name_cs=czech, name_en=english)
        content = report_content_build(
            client=two_clients.a, month=date(2026, 10, 1), language="cs", now=local(11, 5, 12)
        )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(content))).pages]
    text = " ".join(" ".join(pages).split())
    assert "Doručení" in text and "Vrácení a reklamace" in text
    assert "Objednávky a doručení" in text  # the calls' topic
    for english in ("delivery", "returns", "orders", "Delivery", "Returns", "Orders"):
        assert english not in text, english
    # September's one answered call (CSAT 1) next to October's three (5, 4, 2: 3.67).
    first_page = " ".join(pages[0].split())
    assert "CSAT, průměrné hodnocení (1\u20135) 3,67 1,00 \u25b2 +2,67" in first_page
