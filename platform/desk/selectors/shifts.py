"""The shifts page's week: agents by days in the supervisor's time zone (public schema)."""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from accounts.models import User
from staffing.models import Absence, Shift
from staffing.selectors import agent_languages, week_absences, week_shifts

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


YEARS = range(2000, 2101)


def week_monday(text: str | None, *, today: date) -> date:
    """The Monday of an ISO week ``YYYY-Www``; this week's for nothing or nonsense, or a
    year outside YEARS (the weeks next to 9999-W52 or 0001-W01 are past the calendar)."""
    match = _WEEK.match(text or "")
    if match and int(match[1]) in YEARS:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    return today - timedelta(days=today.weekday())


def iso_week(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class AgentWeek:
    agent: User
    languages: list[str]
    days: list[tuple[list[Shift], list[Absence]]]  # Monday to Sunday, by local start


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[date]
    start: datetime  # UTC, the local Monday's midnight
    end: datetime
    agents: list[AgentWeek]
    shifts: list[Shift]

    @property
    def previous(self) -> str:
        return iso_week(self.monday - timedelta(days=7))

    @property
    def next(self) -> str:
        return iso_week(self.monday + timedelta(days=7))

    @property
    def name(self) -> str:
        return iso_week(self.monday)


def shifts_week(*, monday: date, time_zone: str) -> Week:
    """Every agency agent's shifts and absences of the week, by local day. Four queries."""
    zone = zoneinfo.ZoneInfo(time_zone)
    days = [monday + timedelta(days=n) for n in range(7)]
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    shifts = week_shifts(start=start, end=end)
    absences = week_absences(start=start, end=end)
    agents = list(
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN]).order_by(
            "first_name", "last_name", "username"
        )
    )
    languages = agent_languages(agent.pk for agent in agents)
    lines = []
    for agent in agents:
        mine = [shift for shift in shifts if shift.agent_id == agent.pk]
        away = [absence for absence in absences if absence.agent_id == agent.pk]
        if agent.role == User.Role.ADMIN and not mine and not away:
            continue  # an admin who never takes a shift is not a row
        lines.append(
            AgentWeek(
                agent=agent,
                languages=sorted(languages.get(agent.pk, ())),
                days=[
                    (
                        [s for s in mine if s.starts_at.astimezone(zone).date() == day],
                        [
                            a
                            for a in away
                            if a.starts_at.astimezone(zone).date() <= day
                            and a.ends_at.astimezone(zone) > datetime.combine(day, time(0), zone)
                        ],
                    )
                    for day in days
                ],
            )
        )
    return Week(monday=monday, days=days, start=start, end=end, agents=lines, shifts=shifts)
