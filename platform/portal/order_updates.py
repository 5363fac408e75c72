"""The portal's "Order updates" page: the month's proactive messages per kind, the contacts
they prevented (order_updates.selectors, docs/kpis.md), and the latest events with what was
done about each."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.formats import Formats
from core.months import month_of, month_query, month_span, month_start, months_back
from order_updates.labels import KIND_LABELS, kind_label
from order_updates.models import OrderEvent
from order_updates.selectors import order_events_latest, order_update_figures
from order_updates.services import order_update_settings_get, order_update_settings_update
from portal.audit import manager_page

MONTHS_SHOWN = 12


@login_required
@require_GET
def order_updates_page(request: HttpRequest) -> HttpResponse:
    chosen = order_update_settings_get()
    form = OrderUpdateSettingsForm(
        initial={
            "kinds": chosen.kinds,
            "channel": chosen.channel,
            "quiet_from": chosen.quiet_from,
            "quiet_until": chosen.quiet_until,
            "quiet_sunday": chosen.quiet_sunday,
        }
    )
    return _page(request, form)


def _page(request: HttpRequest, form: "OrderUpdateSettingsForm", status: int = 200) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    now = timezone.now()
    this_month = month_of(now, zone=client.tz)
    try:
        month = month_query(request.GET.get("month"), default=this_month, latest=this_month)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    start, end = month_span(month, zone=client.tz)
    figures = order_update_figures(client=client, start=start, end=min(end, now), now=now)
    fmt = Formats(translation.get_language() or "en", client.time_zone, client.currency)
    months = [months_back(this_month, back) for back in range(MONTHS_SHOWN)]
    context = {
        "client": client,
        "month": month,
        "month_label": fmt.month(start),
        "months": [(m, fmt.month(month_start(m, zone=client.tz))) for m in months],
        "figures": figures,
        "kinds": [(kind_label(kind), count) for kind, count in figures.sent_by_kind.items()],
        "events": order_events_latest(limit=50),
        "form": form,
        "may_manage": request.user.may_manage_portal_of(client),  # type: ignore[union-attr]
    }
    return render(request, "portal/order_updates.html", context, status=status)


class OrderUpdateSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Order updates sent"),
        choices=[(kind, KIND_LABELS[kind]) for kind in OrderEvent.Kind.values],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[
            ("email", gettext_lazy("E-mail only")),
            ("sms_fallback", gettext_lazy("E-mail; SMS when there is no e-mail address")),
            ("sms_first", gettext_lazy("SMS when there is a phone number; else e-mail")),
        ],
    )
    quiet_from = forms.TimeField(
        label=gettext_lazy("No SMS from"), widget=forms.TimeInput(format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label=gettext_lazy("until"), widget=forms.TimeInput(format="%H:%M")
    )
    quiet_sunday = forms.BooleanField(label=gettext_lazy("No SMS on Sundays"), required=False)


@manager_page
@require_POST
def order_update_settings_page(request: HttpRequest) -> HttpResponse:
    """A manager changes which order updates are sent, how, and the SMS quiet hours."""
    form = OrderUpdateSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    order_update_settings_update(**form.cleaned_data, request=request)
    messages.success(request, _("Order update settings saved."))
    return redirect("order_updates")
