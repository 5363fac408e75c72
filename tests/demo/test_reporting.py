import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from conversations.models import Conversation
from core.months import month_previous
from demo.cast import DEMO_CLIENTS, DEMO_PASSWORD, HISTORY_REACH
from reporting.figures import Period
from reporting.models import Report
from reporting.selectors import sla_figures_for_period
from routing.models import WorkItem
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


def test_the_demos_history_records_its_answers_and_meets_most_promises(demo_seeded):
    met = []
    for demo in DEMO_CLIENTS:
        client = Client.objects.get(slug=demo.slug)
        done = WorkItem.objects.filter(client=client, source_kind="conversation", status="done")
        with in_schema(client):
            answered = dict(
                Conversation.objects.filter(pk__in=done.values("source_id")).values_list(
                    "pk", "first_response_at"
                )
            )
            # Each item's own first-response clock stopped at the answer (through the router);
            # a reopening's second item at the second answer.
            first_items = done.order_by("source_id", "waiting_since").distinct("source_id")
            assert dict(first_items.values_list("source_id", "responded_at")) == answered
            assert not done.filter(responded_at__isnull=True).exists()
            # The whole history, whatever day of the month the demo was seeded.
            now = timezone.now()
            period = Period(start=now - HISTORY_REACH, end=now)
            sla, _by = sla_figures_for_period(client=client, period=period)
        assert sla.due >= 40 and sla.met < sla.due
        met.append(sla.met / sla.due)
    # A believable month: most promises met, some missed, not the same everywhere.
    assert all(0.7 <= share < 1 for share in met) and len(set(met)) > 1
