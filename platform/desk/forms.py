"""The desk's input forms: the search's query and filters, the queue's filters. What the
page does not offer (an unknown channel, a page that is not a number) is a 400."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.channels import Channel
from desk.selectors.inbox import QueueFilter
from desk.selectors.search import ScopeClient
from desk.templatetags.desk_labels import CHANNELS, CONVERSATION_STATUSES
from languages.models import Language
from search.selectors import PAGE_SIZE, RESULTS_CAP, SearchFilters

DUE_CHOICES = [
    ("", _("Any due time")),
    ("overdue", _("Overdue")),
    ("hour", _("Due within an hour")),
    ("today", _("Due today")),
]


class SearchForm(forms.Form):
    """The query and its filters, as the page offers them: anything else is a 400."""

    q = forms.CharField(max_length=200, required=False, strip=True)
    client = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(required=False)
    language = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    due = forms.ChoiceField(choices=DUE_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=-(-RESULTS_CAP // PAGE_SIZE), required=False)

    def __init__(
        self,
        data: Any,
        *,
        clients: list[ScopeClient],
        languages: list[Language],
        agents: list[User],
    ) -> None:
        super().__init__(data)
        anything: list[tuple[Any, Any]] = [("", "—")]
        self._choices("client", anything + [(c.client.pk, c.client.name) for c in clients])
        self._choices("channel", anything + [(v, CHANNELS[v]) for v in Channel.values])
        self._choices(
            "language",
            anything + [(each.code, f"{each.native_name} ({each.code})") for each in languages],
        )
        self._choices("status", anything + list(CONVERSATION_STATUSES.items()))
        self._choices(
            "assignee",
            [
                ("", "—"),
                ("me", _("Me")),
                ("none", _("Nobody")),
                *[(str(agent.pk), agent.get_full_name() or agent.username) for agent in agents],
            ],
        )

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self, *, agent: User, now: datetime) -> SearchFilters:
        data = self.cleaned_data
        assignee = data["assignee"]
        named = int(assignee) if assignee.isdigit() else None
        due_from, due_until = _due_range(data["due"], now=now, zone=ZoneInfo(agent.time_zone))
        return SearchFilters(
            client_id=data["client"],
            channel=data["channel"],
            language=data["language"],
            status=data["status"],
            assignee_id=agent.pk if assignee == "me" else named,
            unassigned=assignee == "none",
            due_from=due_from,
            due_until=due_until,
        )

    def is_filtered(self) -> bool:
        return any(self.cleaned_data[name] not in (None, "") for name in FILTERS)


FILTERS = ("client", "channel", "language", "status", "assignee", "due")


def _due_range(
    due: str, *, now: datetime, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """The due times a filter takes; "today" ends at the agent's own midnight."""
    if due == "overdue":
        return None, now
    if due == "hour":
        return now, now + timedelta(hours=1)
    if due == "today":
        midnight = datetime.combine(now.astimezone(zone).date() + timedelta(days=1), time(), zone)
        return now, midnight
    return None, None


# More pages than a queue of 100,000 items fills: a larger number is a mistake (400).
QUEUE_PAGES = 4000


class QueueForm(forms.Form):
    """The queue table's filters and page (on the desk's home and its live poll)."""

    client = forms.IntegerField(required=False, min_value=1)
    channel = forms.ChoiceField(choices=[("", "—"), *CHANNELS.items()], required=False)
    language = forms.RegexField(regex=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", required=False)
    due = forms.ChoiceField(choices=DUE_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=QUEUE_PAGES, required=False)


def queue_filter(data: QueryDict, *, agent: User, now: datetime) -> QueueFilter:
    """The queue's filter from the query string; ``BadRequest`` (400) for what the page
    does not offer."""
    form = QueueForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise BadRequest(f"{field}: {errors[0]}")
    cleaned = form.cleaned_data
    due_from, due_until = _due_range(cleaned["due"], now=now, zone=ZoneInfo(agent.time_zone))
    return QueueFilter(
        client_id=cleaned["client"],
        channel=cleaned["channel"],
        language=cleaned["language"],
        due_from=due_from,
        due_until=due_until,
        page=cleaned["page"] or 1,
    )


def queue_params(request: HttpRequest) -> str:
    """The queue's filters of this request as a query string without its page (for the
    pager's links and the live poll)."""
    kept = QueryDict(mutable=True)
    for name in ("client", "channel", "language", "due"):
        if request.GET.get(name):
            kept[name] = request.GET[name]
    return kept.urlencode()
