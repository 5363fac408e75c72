"""The portal's "Help center" page: the month's contacts deflected by self-service (help
articles, order status; helpcenter.selectors, docs/kpis.md), the articles most read with
how helpful readers found them, and the searches that found nothing; its managers publish the
help center or take it down here (audited)."""

from datetime import timedelta

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
from helpcenter.selectors import (
    articles_top,
    deflection_figures,
    help_center_enabled,
    search_misses,
)
from helpcenter.services import help_center_settings_save
from portal.audit import manager_page
from tenants.models import Client

MONTHS_SHOWN = 12
TREND_MONTHS = 6


class HelpCenterSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Public help center"),
        help_text=gettext_lazy(
            "Your published FAQ articles for everyone at /help/ on this domain, and as the chat "
            "widget's suggestions. Off: your agents alone see them."
        ),
        required=False,
    )


@login_required
@require_GET
def help_center_page(request: HttpRequest) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    now = timezone.now()
    this_month = month_of(now, zone=client.tz)
    try:
        month = month_query(request.GET.get("month"), default=this_month, latest=this_month)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    language = translation.get_language() or client.default_language
    fmt = Formats(language, client.time_zone, client.currency)
    start, end = month_span(month, zone=client.tz)
    figures = deflection_figures(start=start, end=min(end, now), now=now)
    trend = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        shown = months_back(month, back)
        first, after = month_span(shown, zone=client.tz)
        past = deflection_figures(start=first, end=min(after, now), now=now)
        trend.append(
            {
                "label": fmt.month(first),
                "answers": past.answers,
                "deflected": past.deflected,
                "help_center_reads": past.help_center_reads,
                "widget_chats": past.widget_chats,
                "rate": fmt.percent(past.rate),
                "share": fmt.percent(past.share),
            }
        )
    articles = [
        {"figures": article, "helpful": fmt.percent(article.helpful_rate)}
        for article in articles_top(
            start=start, end=end, language=client_language(client, language)
        )
    ]
    months = [months_back(this_month, back) for back in range(MONTHS_SHOWN)]
    context = {
        "client": client,
        "month": month,
        "month_label": fmt.month(start),
        "months": [(m, fmt.month(month_start(m, zone=client.tz))) for m in months],
        "figures": figures,
        "rate": fmt.percent(figures.rate),
        "share": fmt.percent(figures.share),
        "trend": trend,
        "articles": articles,
        "misses": search_misses(first_day=start.date(), last_day=(end - timedelta(days=1)).date()),
        "help_url": "/help/",
        "enabled": help_center_enabled(),
        "form": HelpCenterSettingsForm(initial={"enabled": help_center_enabled()}),
        "may_manage": request.user.may_manage_portal_of(client),  # type: ignore[union-attr]
    }
    return render(request, "portal/help_center.html", context)


@manager_page
@require_POST
def help_center_settings(request: HttpRequest) -> HttpResponse:
    """A manager publishes the help center or takes it down (audited)."""
    form = HelpCenterSettingsForm(request.POST)
    form.is_valid()  # a checkbox: always valid, absent is off
    enabled = bool(form.cleaned_data.get("enabled"))
    help_center_settings_save(enabled=enabled, request=request)
    messages.success(
        request,
        _("Your help center is public.")
        if enabled
        else _("Your help center is off: your FAQ articles are for your agents alone."),
    )
    return redirect("help_center")


def client_language(client: Client, language: str) -> str:
    """The reader's language when the client serves it, else the client's default."""
    return language if language in client.languages else client.default_language
