"""For supervisors: the what-if of a client not signed yet: the agents it would need per
weekday and hour, their hours and cost, and a price plan that covers them
(``staffing.plan.whatif_estimate``; docs/staffing.md, "What-if: a new client")."""

from typing import Any

from babel.core import get_global
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import AgencyRole, agency_page
from core.formats import language_label
from hours.selectors import DEFAULT_SLA
from languages.models import Language
from staffing.plan import WhatIf, WhatIfResult, whatif_estimate
from tenants.models import CURRENCIES


def _zones_of(country: str) -> list[str]:
    """The country's time zones as the CLDR lists them (babel), the main one first."""
    return list(get_global("territory_zones").get(country, []))


class WhatIfForm(forms.Form):
    country = forms.CharField(
        label=gettext_lazy("Country (ISO code, e.g. HU)"), min_length=2, max_length=2
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Empty: the country's main time zone."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Open on"),
        choices=[(day, name) for day, name in sorted(WEEKDAYS_ABBR.items())],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    opens = forms.TimeField(
        label=gettext_lazy("Opens"), widget=forms.TimeInput(attrs={"type": "time"}), initial="08:00"
    )
    closes = forms.TimeField(
        label=gettext_lazy("Closes"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        initial="16:00",
    )
    emails_per_month = forms.IntegerField(
        label=gettext_lazy("E-mails a month"), min_value=0, max_value=10_000_000, initial=0
    )
    calls_per_month = forms.IntegerField(
        label=gettext_lazy("Calls a month"), min_value=0, max_value=10_000_000, initial=0
    )
    chats_per_month = forms.IntegerField(
        label=gettext_lazy("Chats a month"), min_value=0, max_value=10_000_000, initial=0
    )
    email_promise_hours = forms.IntegerField(
        label=gettext_lazy("E-mails answered within (business hours)"),
        min_value=1,
        max_value=500,
        initial=int(DEFAULT_SLA.first_response_hours),
        required=False,  # a link from before the field: the agency's promise
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency of the prices"), choices=[(c, c) for c in CURRENCIES]
    )

    def __init__(self, *args: Any, reader: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = Language.objects.filter(active=True).values_list("code", flat=True)
        self.fields["language"].choices = sorted(  # type: ignore[attr-defined]
            ((code, language_label(code, reader=reader)) for code in codes),
            key=lambda choice: choice[1],
        )

    def clean_country(self) -> str:
        country: str = self.cleaned_data["country"].upper()
        if not _zones_of(country):
            raise ValidationError(_("Not a country's code."))
        return country

    def clean_zone(self) -> str:
        zone: str = self.cleaned_data["zone"].strip()
        if zone and zone not in _available_zones():
            raise ValidationError(_("Not a time zone (e.g. Europe/Budapest)."))
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens"), data.get("closes")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes", _("Closing time must come after opening time."))
        volumes = ("emails_per_month", "calls_per_month", "chats_per_month")
        if all(name in data for name in volumes) and not any(data[name] for name in volumes):
            raise ValidationError(_("Give at least one volume: e-mails, calls or chats a month."))
        if data.get("country") and not data.get("zone"):
            data["zone"] = _zones_of(data["country"])[0]
        return data

    def spec(self) -> WhatIf:
        data = self.cleaned_data
        return WhatIf(
            country=data["country"],
            language=data["language"],
            zone=data["zone"],
            weekdays=frozenset(data["weekdays"]),
            opens=data["opens"],
            closes=data["closes"],
            emails_per_month=data["emails_per_month"],
            calls_per_month=data["calls_per_month"],
            chats_per_month=data["chats_per_month"],
            currency=data["currency"],
            email_promise_hours=float(
                data.get("email_promise_hours") or DEFAULT_SLA.first_response_hours
            ),
        )


def _available_zones() -> set[str]:
    return {zone for zones in get_global("territory_zones").values() for zone in zones}


@agency_page(AgencyRole.SUPERVISOR)
@require_GET
def whatif(request: HttpRequest) -> HttpResponse:
    """A new client's agents per weekday and hour, their hours and cost, and the price plan
    that would cover them; the form alone until it is filled in."""
    reader = get_language()
    asked = "language" in request.GET
    form = WhatIfForm(request.GET if asked else None, reader=reader)
    context: dict[str, Any] = {"form": form}
    if asked and form.is_valid():
        result = whatif_estimate(spec=form.spec())
        context.update(
            language_name=language_label(result.spec.language, reader=reader),
            result=result,
            heat=_heat_rows(result),
            hours_of_day=range(24),
        )
    status = 400 if asked and not form.is_valid() else 200
    return render(request, "desk/staffing/whatif.html", context, status=status)


HEAT_LEVELS = 5  # the heat table's shades, from none to the week's peak


def _heat_rows(result: WhatIfResult) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Per weekday its name and, per hour, (agents on shift, shade 0-4, tooltip)."""
    peak = result.peak_on_shift or 1
    rows: list[tuple[str, list[tuple[int, int, str]]]] = []
    for weekday in range(7):
        cells = []
        for hour in result.hours[weekday * 24 : weekday * 24 + 24]:
            shade = 0 if not hour.on_shift else 1 + (HEAT_LEVELS - 2) * hour.on_shift // peak
            title = _(
                "%(day)s %(hour)02d:00: %(agents)d on shift "
                "(calls %(calls).1f, chats %(chats).1f, e-mails %(emails).1f)"
            ) % {
                "day": WEEKDAYS_ABBR[weekday],
                "hour": hour.hour,
                "agents": hour.on_shift,
                "calls": hour.calls,
                "chats": hour.chats,
                "emails": hour.emails,
            }
            cells.append((hour.on_shift, shade, title))
        rows.append((str(WEEKDAYS_ABBR[weekday]), cells))
    return rows
