import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from core.months import month_previous
from demo.seed import DEMO_CLIENTS, DEMO_PASSWORD
from reporting.models import Report
from tenants.models import Client
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_every_demo_portal_shows_last_months_report(demo_seeded):
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        month = month_previous(timezone.now(), zone=client.tz)
        with in_schema(client):
            report = Report.objects.get()
        assert report.month == month and report.language == client.default_language
        http = HttpClient(HTTP_HOST=host_of(client))
        assert http.login(username=f"{demo.slug}-manager", password=DEMO_PASSWORD)
        assert f"/reports/{month:%Y-%m}.pdf" in http.get("/reports/").text
