"""The audit log's filters, as the pages offer them: who, client (the agency's page), action
and a date range in the reader's time zone. Anything the page does not offer is a 400."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    client_id: int | None = None
    action: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def is_empty(self) -> bool:
        return self == AuditFilters()


class AuditFilterForm(forms.Form):
    who = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    client = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(required=False)
    since = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    page = forms.IntegerField(min_value=1, max_value=10**6, required=False)

    def __init__(
        self,
        data: Any,
        *,
        actors: list[tuple[int, str]],
        clients: list[tuple[int, str]] | None,
    ) -> None:
        """``clients``: None on a page that shows one client's events (no client filter)."""
        super().__init__(data)
        anyone: list[tuple[Any, Any]] = [("", "—")]
        self._choices("who", anyone + [(pk, name) for pk, name in actors])
        if clients is None:
            del self.fields["client"]
        else:
            self._choices("client", anyone + [(pk, name) for pk, name in clients])
        self._choices("action", [("", _("Every action")), *AuditEvent.Action.choices])

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range is before its start."))
        for name in ("since", "until"):
            # The day after is the range's end: the last day of the calendar has none.
            if cleaned.get(name) and cleaned[name] >= date.max - timedelta(days=1):
                self.add_error(name, _("Enter a date before the year 9999."))
        return cleaned

    def filters(self, *, zone: ZoneInfo) -> AuditFilters:
        """The filters of valid data; the days are whole days in ``zone``."""
        data = self.cleaned_data
        return AuditFilters(
            actor_id=data["who"],
            client_id=data.get("client"),
            action=data["action"],
            since=_day_start(data["since"], zone) if data["since"] else None,
            until=_day_start(data["until"] + timedelta(days=1), zone) if data["until"] else None,
        )


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def audit_filters_parse(form: AuditFilterForm, *, zone: ZoneInfo) -> tuple[AuditFilters, int]:
    """The filters and the page number, or a 400 naming the first field that is wrong."""
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise BadRequest(f"{field}: {errors[0]}")
    return form.filters(zone=zone), form.cleaned_data["page"] or 1
