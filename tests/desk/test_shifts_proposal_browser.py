"""The shift proposal in a real browser: a supervisor asks for it, accepts one shift, sees
the rest proposed again, and accepts all of them."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from staffing.models import PlanRun, Shift
from tests.support.browser import second_step, served_and_browsed
from tests.support.desk import agent_with
from tests.support.factories import PASSWORD
from tests.support.staffing import plan_requiring

pytestmark = pytest.mark.slow

H = timedelta(hours=1)
# A week far ahead (2099-W45, Monday 2 November), so all of it is still to come.
MONDAY = datetime(2099, 11, 1, 23, tzinfo=UTC)  # 00:00 in Budapest


def _hours(day: int, first: int, last: int) -> list[datetime]:
    """The UTC hours of a local day of the week (0: Monday) from ``first`` to ``last``."""
    return [MONDAY + (day * 24 + hour) * H for hour in range(first, last)]


def test_a_supervisor_accepts_one_proposed_shift_then_all_the_rest(
    two_clients, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        boss = agent_with(
            [two_clients.a],
            {"en": "native"},
            is_staff=True,
            username="proposal-boss",
            time_zone="Europe/Budapest",
        )
        ildi = agent_with(
            [two_clients.a],
            {"hu": "native"},
            username="proposal-ildi",
            first_name="Ildikó",
            last_name="Kovács",
        )
        marek = agent_with(
            [two_clients.a],
            {"sk": "native", "cs": "fluent"},
            username="proposal-marek",
            first_name="Marek",
            last_name="Horváth",
        )
        plan_requiring(
            {
                "hu": _hours(1, 8, 16) + _hours(2, 8, 16),
                "sk": _hours(3, 12, 18),
                "cs": _hours(4, 9, 13),
            },
            horizon_start=datetime(2099, 11, 1, tzinfo=UTC),
        )
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                url = f"http://localhost:{port}/desk/staffing/shifts/?week=2099-W45"
                page.goto(url)
                page.get_by_label("User name").fill(boss.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                second_step(page, boss.username)  # supervisors enrol two factors first
                page.goto(url)

                page.get_by_role("button", name="Propose shifts for the gaps").click()
                proposed = page.locator("#proposal-shifts tbody tr")
                expect(proposed).to_have_count(4)
                expect(proposed.nth(0)).to_contain_text("Ildikó Kovács")
                expect(proposed.nth(0)).to_contain_text("08:00–16:00")
                expect(proposed.nth(2)).to_contain_text("Marek Horváth")
                expect(proposed.nth(2)).to_contain_text("12:00–18:00")
                expect(page.locator("#proposal-gaps tbody tr")).to_have_count(3)
                _screenshots(page, tmp_path, "shifts-proposal")

                proposed.nth(0).get_by_role("button", name="Accept").click()
                expect(proposed).to_have_count(3)
                expect(page.locator("#week")).to_contain_text("08:00–16:00")

                page.get_by_role("button", name="Accept all").click()
                expect(page.locator("#proposal-shifts")).to_have_count(0)
                expect(page.locator("#week")).to_contain_text("12:00–18:00")
                expect(page.locator("#week")).to_contain_text("09:00–13:00")
                page.close()
            stored = Shift.objects.filter(agent__in=[ildi, marek])
            assert list(stored.values_list("source", flat=True)) == ["proposed"] * 4
        finally:
            Shift.objects.filter(agent__in=[ildi, marek]).delete()
            PlanRun.objects.filter(horizon_start__year=2099).delete()
            User.objects.filter(pk__in=[boss.pk, ildi.pk, marek.pk]).delete()


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
