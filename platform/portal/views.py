from datetime import date

from babel.dates import get_day_names
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.signin import client_address, user_may_reset_on
from accounts.throttle import reset_request_allowed
from accounts.two_factor_views import TwoFactorLoginMixin
from audit.models import AuditEvent
from audit.services import audit_record
from content.selectors import category_names
from conversations.attachments import attachment_response
from conversations.models import Conversation
from core.channels import Channel, channel_label
from core.csv_export import csv_response
from core.formats import Formats
from core.months import month_of, month_parse, month_query, month_start, months_back
from core.tasks import task_enqueue_on_commit
from customers.models import Customer
from customers.selectors import customer_search
from outbox.selectors import messages_with_deliveries
from portal import charts
from portal.forms import PortalPasswordResetForm, ReportRequestForm
from portal.selectors import (
    attachment_for_client,
    call_search,
    conversation_messages_for_client,
    conversation_search,
)
from portal.tables import Previous, dashboard_tables
from reporting.figures import Kpis, Period
from reporting.models import Report
from reporting.selectors import cost_section_for_month
from reporting.services import kpis_for_month, previous_month_figures
from reporting.tasks import report_generate_task
from telephony.voice.labels import CALL_OUTCOMES


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a pasted one must not become a server error.
    return text.replace("\x00", "").strip()


def _page(request, items) -> Page:
    """The ``?page=`` asked for, 50 rows each: absent means the first; a page past the last
    shows the last (the list may have shrunk since the link was made); anything but a
    positive whole number is a 400."""
    text = request.GET.get("page", "")
    if text and not (text.isascii() and text.isdigit() and len(text) <= 9 and int(text) > 0):
        raise BadRequest("?page= takes a page number (1, 2, ...).")
    return Paginator(items, 50).get_page(text or 1)


def _exported(request, filename: str, **filters: str) -> None:
    """Who downloaded which of the client's exports, with the filters that chose the rows:
    the choices offered, never a typed search (a customer's name or number), which the
    append-only log could not erase."""
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        object_type="export",
        object_id=filename,
        label=filename,
        details={name: value for name, value in filters.items() if value},
    )


def _choice(request, name: str, allowed) -> str:
    """``?<name>=``: empty means all; anything not offered on the page is a 400 (no filter
    silently dropped, no export cut short)."""
    value = request.GET.get(name, "")
    if value and value not in allowed:
        raise BadRequest(f"?{name}= takes one of the values the page offers.")
    return value


class PortalLoginView(TwoFactorLoginMixin, auth_views.LoginView):
    """Sign-in for this client's users (and agency admins); the limit and the site check are
    the authentication backends' (accounts.signin, accounts.backends), the second step
    accounts.two_factor_views'."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PortalPasswordResetView(auth_views.PasswordResetView):
    """A reset e-mail for this client's own users; the page says the same whether or not the
    address is known. Too many requests from one address get the form again with 429."""

    form_class = PortalPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client": self.request.tenant}

    def form_valid(self, form):
        if not reset_request_allowed(address=client_address(self.request)):
            context = self.get_context_data(form=form, too_many_requests=True)
            return self.render_to_response(context, status=429)
        return super().form_valid(form)


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link works on its own client's portal only: on another client's host its user is
    not found, and the page says the link is invalid (the same as an expired one)."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user_may_reset_on(user, client=self.request.tenant):
            return None
        return user


def _period_from(request) -> tuple[Period, date]:
    """The month asked for (?month=YYYY-MM), the current one by default, cut at now."""
    client = request.tenant
    now = timezone.now()
    this_month = month_of(now, zone=client.tz)
    try:
        month = month_query(request.GET.get("month"), default=this_month, latest=this_month)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return Period.month_of(day=month, time_zone=client.time_zone).until(now), month


def _kpis(request, period: Period) -> tuple[Kpis, Previous]:
    """The period's KPIs and the previous month's totals, from their stored figures (the
    month so far at most reporting.snapshots.SO_FAR_MAX_AGE old: reporting.services.
    kpis_for_month)."""
    client = request.tenant
    now = timezone.now()
    # A reader never waits for the computation while the stored figures are half an hour
    # old at most: a worker refreshes them behind (reporting.services.kpis_for_month).
    kpis = kpis_for_month(client=client, month=period.first_day, now=now, refresh_behind=True)
    totals, sla, _satisfaction = previous_month_figures(
        client=client, month=period.first_day, now=now
    )
    return kpis, Previous(totals, sla)


def _recent_months(client, count: int = 12) -> list[date]:
    this_month = month_of(timezone.now(), zone=client.tz)
    return [months_back(this_month, back) for back in range(count)]


def _formats(request) -> Formats:
    client = request.tenant
    language = translation.get_language() or "en"
    names = category_names(language=language)
    return Formats(language, client.time_zone, client.currency, names=names)


@login_required
def dashboard(request):
    client = request.tenant
    period, month = _period_from(request)
    kpis, previous = _kpis(request, period)
    fmt = _formats(request)
    costs = cost_section_for_month(client=client, month=month)
    tables = dashboard_tables(kpis, fmt, previous, costs)
    names = {code: channel_label(code) for code in Channel.values}
    month_end = Period.month_of(day=month, time_zone=client.time_zone).end
    context = {
        "client": client,
        # The month so far is read from figures up to two minutes old: say how old.
        "figures_as_of": kpis.period.end if kpis.period.end < month_end else None,
        "now": timezone.now(),
        "customer_count": Customer.objects.filter(
            erased_at__isnull=True, merged_into__isnull=True
        ).count(),
        "month": month,
        "month_label": fmt.month(period.start),
        "months": [(m, fmt.month(month_start(m, zone=client.tz))) for m in _recent_months(client)],
        "summary": tables["summary"],
        "kpis": kpis,
        "split_tables": [tables[name] for name in ("channel", "language", "country", "category")],
        "calls_tables": [
            tables[name] for name in ("calls", "calls-language", "calls-country", "calls-topic")
        ]
        if kpis.calls
        else [],
        "costs": tables.get("costs"),
        "cost_total": fmt.money(costs.total, costs.currency) if costs else None,
        "invoice_note": _("According to invoice %(number)s") % {"number": costs.invoice_number}
        if costs
        else None,
        "daily_chart": charts.daily_volume_svg(
            kpis, label=_("Daily volume per channel"), channel_names=names
        ),
        "heatmap_chart": charts.heatmap_svg(
            kpis,
            label=_("Busiest hours"),
            day_names=get_day_names("abbreviated", locale=fmt.locale),
        ),
        "language_chart": charts.bars_svg(
            [
                (fmt.value_label("language", c), f.received, fmt.number(f.received))
                for c, f in kpis.by["language"]
            ],
            label=_("Contacts by language"),
        ),
        "sla_chart": charts.bars_svg(
            [
                (channel_label(c), float(f.met_rate * 100), fmt.percent(f.met_rate))
                for c, f in kpis.sla_by["channel"]
                if f.met_rate is not None  # only not-applicable promises: no bar
            ],
            label=_("SLA met by channel"),
            maximum=100,
            colour="#2a9d8f",
        ),
    }
    return render(request, "portal/dashboard.html", context)


@login_required
def dashboard_export(request, table: str):
    period, month = _period_from(request)
    kpis, previous = _kpis(request, period)
    costs = cost_section_for_month(client=request.tenant, month=month)
    tables = dashboard_tables(kpis, _formats(request), previous, costs)
    if table not in tables:
        raise Http404("no such table")
    chosen = tables[table]
    _exported(request, f"{table}-{month:%Y-%m}.csv")
    return csv_response(
        f"{table}-{month:%Y-%m}.csv", [c.export_label for c in chosen.columns], chosen.export_rows()
    )


@login_required
def customer_list(request):
    query = _clean(request.GET.get("q", ""))
    page = _page(request, customer_search(query=query))
    return render(
        request, "portal/customers.html", {"client": request.tenant, "page": page, "q": query}
    )


@login_required
def customer_export(request):
    query = _clean(request.GET.get("q", ""))
    rows = (
        [c.name, c.email, c.phone, c.language, c.country]
        for c in customer_search(query=query).iterator(chunk_size=2000)
    )
    header = [_("Name"), _("E-mail"), _("Phone"), _("Language"), _("Country")]
    _exported(request, "customers.csv")
    return csv_response("customers.csv", header, rows)


def _conversation_filters(request) -> tuple[str, str]:
    return _clean(request.GET.get("q", "")), _choice(request, "channel", Channel.values)


@login_required
def conversation_list(request):
    query, channel = _conversation_filters(request)
    conversations = conversation_search(query=query, channel=channel)
    page = _page(request, conversations)
    return render(
        request,
        "portal/conversations.html",
        {
            "client": request.tenant,
            "page": page,
            "q": query,
            "channel": channel,
            "channels": [(code, channel_label(code)) for code in Channel.values],
            "category_names": category_names(language=translation.get_language() or "en"),
        },
    )


@login_required
def conversation_export(request):
    query, channel = _conversation_filters(request)
    client = request.tenant
    rows = (
        [
            c.pk,
            timezone.localtime(c.created_at, client.tz).strftime("%Y-%m-%d %H:%M"),
            c.channel,
            c.language,
            c.customer.name,
            c.customer.email,
            c.customer.country,
            c.subject,
            c.category,
            c.status,
            timezone.localtime(c.first_response_at, client.tz).strftime("%Y-%m-%d %H:%M")
            if c.first_response_at
            else "",
        ]
        for c in conversation_search(query=query, channel=channel).iterator(chunk_size=2000)
    )
    header = [
        "#",
        _("Received"),
        _("Channel"),
        _("Language"),
        _("Name"),
        _("E-mail"),
        _("Country"),
        _("Subject"),
        _("Category"),
        _("Status"),
        _("First response"),
    ]
    _exported(request, "conversations.csv", channel=channel)
    return csv_response("conversations.csv", header, rows)


def _call_filters(request) -> tuple[str, str]:
    return _clean(request.GET.get("number", ""))[:32], _choice(request, "outcome", CALL_OUTCOMES)


@login_required
@require_GET
def call_list(request):
    number, outcome = _call_filters(request)
    page = _page(request, call_search(number=number, outcome=outcome))
    return render(
        request,
        "portal/calls.html",
        {
            "client": request.tenant,
            "page": page,
            "number": number,
            "outcome": outcome,
            "outcomes": list(CALL_OUTCOMES.items()),
            "rows": [(call, CALL_OUTCOMES.get(call.outcome, call.outcome)) for call in page],
            "category_names": category_names(language=translation.get_language() or "en"),
        },
    )


@login_required
def call_export(request):
    number, outcome = _call_filters(request)
    client = request.tenant
    rows = (
        [
            c.call_sid,
            timezone.localtime(c.ringing_at, client.tz).strftime("%Y-%m-%d %H:%M:%S"),
            c.from_number,
            c.to_number,
            c.language,
            c.country,
            c.topic,
            c.outcome,
            "" if c.wait_seconds is None else c.wait_seconds,
            "" if c.talk_seconds is None else c.talk_seconds,
            "" if c.csat is None else c.csat,
        ]
        for c in call_search(number=number, outcome=outcome).iterator(chunk_size=2000)
    )
    header = [
        "Call SID",
        _("Rang"),
        _("From"),
        _("To"),
        _("Language"),
        _("Country"),
        _("Topic"),
        _("Outcome"),
        _("Wait (s)"),
        _("Talk (s)"),
        _("CSAT"),
    ]
    _exported(request, "calls.csv", outcome=outcome)
    return csv_response("calls.csv", header, rows)


@login_required
def conversation_detail(request, conversation_id: int):
    conversation = get_object_or_404(
        Conversation.objects.select_related("customer"), pk=conversation_id
    )
    audit_record(
        action=AuditEvent.Action.CONVERSATION_VIEWED,
        request=request,
        object_type="conversation",
        object_id=conversation.pk,
        details={"customer": conversation.customer_id},
    )
    return render(
        request,
        "portal/conversation.html",
        {
            "client": request.tenant,
            "conversation": conversation,
            "messages_shown": messages_with_deliveries(
                client=request.tenant,
                messages=conversation_messages_for_client(conversation=conversation),
            ),
            "channel_name": channel_label(conversation.channel),
        },
    )


@login_required
@require_GET
def conversation_attachment(request, conversation_id: int, attachment_id: int):
    """A file of the client's conversation (the isolation middleware lets only the client's
    users and agency admins this far): downloaded, or a picture shown with ``?inline=1``."""
    attachment = attachment_for_client(conversation_id=conversation_id, attachment_id=attachment_id)
    if attachment is None:
        raise Http404("No such file.")
    try:
        return attachment_response(attachment, inline=request.GET.get("inline") == "1")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored.") from error


@login_required
def report_list(request):
    client = request.tenant
    fmt = _formats(request)
    reports = [
        (report, fmt.month(month_start(report.month, zone=client.tz)))
        for report in Report.objects.defer("pdf")
    ]
    form = ReportRequestForm(months=_recent_months(client), formats=fmt)
    return render(
        request, "portal/reports.html", {"client": client, "reports": reports, "form": form}
    )


@login_required
@require_POST
def report_request(request):
    """Ask for a month's report now; it is prepared in the background."""

    client = request.tenant
    form = ReportRequestForm(request.POST, months=_recent_months(client), formats=_formats(request))
    if not form.is_valid():
        messages.error(request, _("Choose one of the months offered."))
        return redirect("reports")
    task_enqueue_on_commit(report_generate_task, args=[form.cleaned_data["month"]])
    messages.success(request, _("The report is being prepared. It appears here in a moment."))
    return redirect("reports")


@login_required
def report_download(request, month: str):
    try:
        first_day = month_parse(month)
    except ValueError as error:
        raise Http404("no such month") from error
    report = get_object_or_404(Report, month=first_day)
    audit_record(
        action=AuditEvent.Action.REPORT_DOWNLOADED,
        request=request,
        object_type="report",
        object_id=report.pk,
        label=report.filename,
    )
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@login_required
def report_export(request):
    rows = (
        [
            f"{r.month:%Y-%m}",
            r.language,
            timezone.localtime(r.generated_at, request.tenant.tz).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in Report.objects.defer("pdf")
    )
    _exported(request, "reports.csv")
    return csv_response("reports.csv", [_("Month"), _("Language"), _("Generated")], rows)
