"""The staffing page and the what-if in a real browser: a supervisor reads this week's plan
of the Hungarian pool (both charts drawn, a gap's tooltip, the hour table behind its
summary) and estimates a new client in Hungary."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from staffing.models import ContactHour, PlanHour, PlanPool, PlanRun, Shift
from tests.support.browser import second_step, served_and_browsed
from tests.support.desk import agent_with
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.slow

PRAGUE = ZoneInfo("Europe/Prague")


def _this_week_plan(client) -> tuple[PlanRun, list[User]]:
    """A plan of this week (Prague), calls and e-mail of the Hungarian pool busy in the
    daytime; two Hungarian agents on shift 08:00-16:00 on weekdays; the past hours' actual."""
    today = timezone.now().astimezone(PRAGUE).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), PRAGUE)
    start = monday.astimezone(UTC)
    run = PlanRun.objects.create(
        started_at=start - timedelta(hours=2),
        finished_at=start - timedelta(hours=1),
        status=PlanRun.Status.DONE,
        horizon_start=start,
        horizon_hours=7 * 24,
        history_start=start - timedelta(weeks=104),
        settings_used={"shrinkage": 30},
    )
    calls = PlanPool.objects.create(
        run=run, language="hu", channel="call", handle_seconds=300, patience_seconds=90
    )
    email = PlanPool.objects.create(
        run=run, language="hu", channel="email", handle_seconds=360, promise_hours=8
    )
    hours, actual = [], []
    for index in range(7 * 24):
        at = start + timedelta(hours=index)
        local = at.astimezone(PRAGUE)
        open_now = local.weekday() < 5 and 8 <= local.hour < 16
        call = (10.0 + 2 * (local.hour % 4)) if open_now else 0.0
        mail = 6.0 if 7 <= local.hour < 22 else 1.0
        hours += [
            PlanHour(pool=calls, hour=at, forecast=call, baseline=call * 0.9, agents=call / 4),
            PlanHour(pool=email, hour=at, forecast=mail, baseline=mail, agents=mail / 10),
        ]
        if at < timezone.now() - timedelta(hours=1) and call:
            actual.append(
                ContactHour(
                    client=client,
                    language="hu",
                    channel="call",
                    hour=at,
                    contacts=int(call) + index % 3,
                )
            )
    PlanHour.objects.bulk_create(hours)
    ContactHour.objects.bulk_create(actual)
    agents = [agent_with([client], {"hu": "native"}) for _ in range(2)]
    for day in range(5):
        for agent in agents:
            begins = monday + timedelta(days=day, hours=8)
            Shift.objects.create(agent=agent, starts_at=begins, ends_at=begins + timedelta(hours=8))
    return run, agents


def test_a_supervisor_reads_the_plan_and_estimates_a_new_client(
    two_clients, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        supervisor = agent_with(
            [two_clients.a], {"hu": "native"}, is_staff=True, time_zone="Europe/Prague"
        )
        run, agents = _this_week_plan(two_clients.a)
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://localhost:{port}/desk/staffing/")
                page.get_by_label("User name").fill(supervisor.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                second_step(page, supervisor.username)  # supervisors enrol a second factor
                page.goto(f"http://localhost:{port}/desk/staffing/")

                expect(page.locator(".staffing-tabs a.current")).to_have_text("HU")
                contacts = page.locator("#contacts-chart")
                expect(contacts).to_be_visible()
                expect(contacts.locator("polyline.forecast")).to_have_count(1)
                expect(contacts.locator("polyline.baseline")).to_have_count(1)
                agents_chart = page.locator("#agents-chart")
                expect(agents_chart.locator("rect.scheduled").first).to_be_visible()
                # 10 + 2 calls and 6 e-mails an hour at 09:00: (3 + 0.6) / 0.7 -> 6 on shift, 2
                # scheduled: the hour is hatched and says so.
                expect(agents_chart.locator("rect.gap").first).to_be_visible()
                assert "Required: 6 · Scheduled: 2 · Missing: 4" in agents_chart.inner_html()
                box = contacts.bounding_box()
                assert box is not None and box["width"] > 1000
                _screenshots(page, tmp_path, "staffing")

                page.locator("#hours summary").click()
                expect(page.locator("#hour-table tbody tr")).to_have_count(7 * 24)

                page.get_by_role("link", name="What if: a new client").click()
                form = page.locator("#whatif-form")
                form.get_by_label("Country (ISO code, e.g. HU)").fill("HU")
                form.get_by_label("Language").select_option("hu")
                form.get_by_label("E-mails a month").fill("2000")
                form.get_by_label("Calls a month").fill("600")
                form.get_by_label("Currency of the prices").select_option("EUR")
                form.get_by_role("button", name="Estimate").click()
                expect(page.locator("#whatif-result")).to_contain_text("Europe/Budapest")
                expect(page.locator("#whatif-heat tbody tr")).to_have_count(7)
                expect(page.locator("#price-draft")).to_contain_text("A plan that covers them")
                _screenshots(page, tmp_path, "whatif")

                form = page.locator("#whatif-form")
                form.get_by_label("Opens").fill("17:00")
                form.get_by_role("button", name="Estimate").click()
                expect(page.locator("#whatif-form")).to_contain_text(
                    "Closing time must come after opening time."
                )
                page.close()
        finally:
            PlanRun.objects.filter(pk=run.pk).delete()
            ContactHour.objects.filter(client=two_clients.a).delete()
            Shift.objects.filter(agent__in=agents).delete()
            User.objects.filter(pk__in=[supervisor.pk, *(a.pk for a in agents)]).delete()


def _screenshots(page, tmp_path: Path, name: str) -> None:
    """At 1280 and 1920 px, into POLYDESK_SCREENSHOTS too when it is set (to look at)."""
    folders = [tmp_path] + (
        [Path(os.environ["POLYDESK_SCREENSHOTS"])] if os.environ.get("POLYDESK_SCREENSHOTS") else []
    )
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        for folder in folders:
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_czech_supervisor_sees_the_charts_drawn(two_clients, django_db_blocker, tmp_path):
    """Czech writes decimals with a comma: the charts' coordinates stay numbers, so the
    bars have their size, and the tooltips read 18,0 (12 calls and 6 e-mails at 09:00)."""
    with django_db_blocker.unblock():
        supervisor = agent_with(
            [two_clients.a],
            {"hu": "native"},
            is_staff=True,
            time_zone="Europe/Prague",
            language="cs",
        )
        run, agents = _this_week_plan(two_clients.a)
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://localhost:{port}/desk/staffing/")
                page.locator("input[name=username]").fill(supervisor.username)
                page.locator("input[name=password]").fill(PASSWORD)
                page.locator("main form button[type=submit]").click()
                second_step(page, supervisor.username)
                page.goto(f"http://localhost:{port}/desk/staffing/")

                expect(page.locator("html")).to_have_attribute("lang", "cs")
                bar = page.locator("#agents-chart rect.scheduled").first
                expect(bar).to_be_visible()
                box = bar.bounding_box()
                assert box is not None and box["width"] > 3 and box["height"] > 10
                line = page.locator("#contacts-chart polyline.forecast").bounding_box()
                assert line is not None and line["width"] > 1000
                assert "09:00 · Předpověď: 18,0" in page.locator("#contacts-chart").inner_html()
                _screenshots(page, tmp_path, "staffing-cs")
                page.close()
        finally:
            PlanRun.objects.filter(pk=run.pk).delete()
            ContactHour.objects.filter(client=two_clients.a).delete()
            Shift.objects.filter(agent__in=agents).delete()
            User.objects.filter(pk__in=[supervisor.pk, *(a.pk for a in agents)]).delete()
