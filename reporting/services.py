"""Writing reports: generate and store a client's monthly PDF, e-mail it to its recipients.

Call these in the client's schema (a request on its domain, a tenant-aware task,
``schema_context``) and pass that client.
"""

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from billing.selectors import invoice_in_force
from content.selectors import category_names
from core.formats import Formats
from core.months import month_of
from core.tasks import task_enqueue_on_commit
from helpcenter.selectors import deflection_figures
from reporting.figures import (
    ContactFigures,
    Kpis,
    Period,
    SatisfactionGroup,
    SlaFigures,
    satisfaction_all_channels,
)
from reporting.layout import DeflectionLine, ReportContent, report_pdf
from reporting.models import KpiSnapshot, Report, ReportSettings
from reporting.selectors import (
    cost_section_for_month,
    kpi_snapshot_get,
    kpis_for_period,
)
from reporting.snapshots import (
    FORMAT_VERSION,
    SO_FAR_STALE_MAX,
    kpis_encode,
    month_is_closed,
    so_far_is_fresh,
)
from tenants.models import Client


def report_settings_get() -> ReportSettings:
    """The client's report settings (one row, made on first use)."""
    return ReportSettings.objects.get_or_create(pk=1)[0]


def report_language(*, client: Client) -> str:
    return report_settings_get().language or client.default_language


def report_content_build(
    *, client: Client, month: date, language: str, now: datetime | None = None
) -> ReportContent:
    """The plain data of the month's report (a month not over yet: so far)."""
    now = now or timezone.now()
    full = Period.month_of(day=month, time_zone=client.time_zone)
    if full.start > now:
        raise ValidationError(f"{month:%Y-%m} has not started yet in {client.time_zone}.")
    previous = full.previous_month()
    previous_totals, previous_sla, previous_satisfaction = previous_month_figures(
        client=client, month=full.first_day, now=now
    )
    previous_invoice = invoice_in_force(client=client, month=previous.first_day)
    with translation.override(language):
        costs = cost_section_for_month(client=client, month=full.first_day)
    kpis = dataclasses.replace(
        kpis_for_month(client=client, month=full.first_day, now=now), costs=costs
    )
    return ReportContent(
        client_name=client.name,
        language=language,
        time_zone=client.time_zone,
        currency=client.currency,
        kpis=kpis,
        previous_totals=previous_totals,
        previous_sla=previous_sla,
        generated_at=now,
        previous_satisfaction=previous_satisfaction,
        previous_cost_total=previous_invoice.total if previous_invoice else None,
        category_names=category_names(language=language),
        deflection=deflection_line(period=full, previous=previous, now=now),
    )


def deflection_line(*, period: Period, previous: Period, now: datetime) -> DeflectionLine:
    """The month's contacts deflected by self-service next to the previous month's."""
    figures = deflection_figures(start=period.start, end=min(period.end, now), now=now)
    before = deflection_figures(start=previous.start, end=previous.end, now=now)
    return DeflectionLine(
        deflected=figures.deflected,
        share=figures.share,
        previous_deflected=before.deflected,
        previous_share=before.share,
        help_center_reads=figures.help_center_reads,
        previous_help_center_reads=before.help_center_reads,
    )


def kpis_for_month(
    *, client: Client, month: date, now: datetime | None = None, refresh_behind: bool = False
) -> Kpis:
    """The month's KPIs (so far, cut at most SO_FAR_MAX_AGE before now), as the portal, its
    CSV exports and the PDF show them (client's schema), from their stored figures: a closed
    month's (reporting.snapshots.month_is_closed) are computed and stored by the first read;
    the month so far is computed again, and stored, when its stored cut is older than
    reporting.snapshots.SO_FAR_MAX_AGE. ``refresh_behind`` (the dashboard): figures so far up
    to SO_FAR_STALE_MAX old are returned at once while a worker computes new ones."""
    now = now or timezone.now()
    full = Period.month_of(day=month, time_zone=client.time_zone)
    stored = kpi_snapshot_get(month=full.first_day)
    if not month_is_closed(period=full, now=now):
        if stored is not None and so_far_is_fresh(
            stored=stored.kpis.period, computed_at=stored.computed_at, month=full, now=now
        ):
            return stored.kpis
        if (
            refresh_behind
            and stored is not None
            and so_far_is_fresh(
                stored=stored.kpis.period,
                computed_at=stored.computed_at,
                month=full,
                now=now,
                max_age=SO_FAR_STALE_MAX,
            )
        ):
            kpis_so_far_refresh_enqueue(client=client, month=full.first_day)
            return stored.kpis
        kpis = kpis_for_period(client=client, period=full.until(now), now=now)
    elif (
        stored is not None
        and _same_period(stored.kpis.period, full)
        # Not figures of the month so far stored before it closed (late calls missing).
        and month_is_closed(period=full, now=stored.computed_at)
    ):
        return stored.kpis
    else:
        kpis = kpis_for_period(client=client, period=full, now=now)
    kpi_snapshot_store(kpis=kpis, now=now)
    return kpis


def kpis_so_far_refresh_enqueue(*, client: Client, month: date) -> bool:
    """Ask a worker to compute the month so far again (reporting.tasks); once a minute per
    client-month at most, however many readers ask. True when asked now."""
    key = f"kpis-so-far-refresh:{client.schema_name}:{month:%Y-%m}"
    if not cache.add(key, 1, timeout=60):
        return False
    # Here, not at the top: reporting.tasks imports this module (its tasks call these services).
    from reporting.tasks import kpis_so_far_refresh_task

    task_enqueue_on_commit(kpis_so_far_refresh_task, args=[f"{month:%Y-%m}"])
    return True


def _same_period(stored: Period, wanted: Period) -> bool:
    """The same bounds in the same zone (a client whose time zone changed: recompute)."""
    return stored == wanted and str(stored.start.tzinfo) == str(wanted.start.tzinfo)


def kpi_snapshot_store(*, kpis: Kpis, now: datetime) -> None:
    """Store a month's figures, replacing any stored before: a closed month's whole, or the
    month so far cut at ``now``. Two requests storing the same month at once leave one row
    (INSERT ... ON CONFLICT (month) DO UPDATE)."""
    month = kpis.period.first_day
    full = Period.month_of(day=month, time_zone=str(kpis.period.start.tzinfo))
    if month_is_closed(period=full, now=now):
        if kpis.period != full:
            raise ValueError(f"{month:%Y-%m} is closed: only its whole figures are stored")
    elif kpis.period != full.until(now):
        raise ValueError(f"{month:%Y-%m} is not closed: only its figures so far are stored")
    KpiSnapshot.objects.bulk_create(
        [
            KpiSnapshot(
                month=month,
                format_version=FORMAT_VERSION,
                figures=kpis_encode(kpis),
                computed_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["month"],
        update_fields=["format_version", "figures", "computed_at"],
    )


def kpi_snapshots_drop_for(*, client: Client, moments: Iterable[datetime]) -> int:
    """Drop the stored figures of the months (in the client's zone) of ``moments``: a
    correction changed them (conversations.corrections); the next read computes them again.
    How many were dropped."""
    months = {month_of(moment, zone=client.tz) for moment in moments}
    deleted, _by_model = KpiSnapshot.objects.filter(month__in=months).delete()
    return deleted


def kpi_snapshots_clear(*, month: date | None = None) -> int:
    """Drop the stored figures of one month (None: of every month) of the client whose schema
    is current; the next read recomputes them. How many were dropped."""
    rows = KpiSnapshot.objects.all()
    if month is not None:
        rows = rows.filter(month=month)
    deleted, _by_model = rows.delete()
    return deleted


def previous_month_figures(
    *, client: Client, month: date, now: datetime | None = None
) -> tuple[ContactFigures, SlaFigures, SatisfactionGroup | None]:
    """The month before ``month``: its contact totals, SLA, and CSAT and NPS over every
    channel, for the change from the previous month, from its stored figures
    (``kpis_for_month``: until it is closed, at most SO_FAR_MAX_AGE old)."""
    now = now or timezone.now()
    previous = Period.month_of(day=month, time_zone=client.time_zone).previous_month()
    kpis = kpis_for_month(client=client, month=previous.first_day, now=now)
    return kpis.totals, kpis.sla, satisfaction_all_channels(kpis.satisfaction, kpis.calls)


def report_generate(*, client: Client, month: date, now: datetime | None = None) -> Report:
    """Compute the month's KPIs, write the PDF in the client's report language and store it
    (replacing an earlier version of the same month; when it was sent is kept)."""
    now = now or timezone.now()
    language = report_language(client=client)
    content = report_content_build(client=client, month=month, language=language, now=now)
    pdf = report_pdf(content)
    report, _created = Report.objects.update_or_create(
        month=month, defaults={"language": language, "pdf": pdf, "generated_at": now}
    )
    return report


def report_send(*, client: Client, report_id: int) -> bool:
    """E-mail a stored report to the client's recipients, once; True when sent now."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        recipients = report_settings_get().recipients
        if report.sent_at is not None or not recipients:
            return False
        with translation.override(report.language):
            month = Formats(report.language, client.time_zone, client.currency).month(
                datetime(report.month.year, report.month.month, 1, tzinfo=client.tz)
            )
            subject = _("Monthly report %(month)s · %(client)s") % {
                "month": month,
                "client": client.name,
            }
            body = _(
                "Dear client,\n\nplease find attached the report of %(month)s.\n\nYour support team"
            ) % {"month": month}
        email = EmailMessage(subject=subject, body=body, to=recipients)
        email.attach(report.filename, bytes(report.pdf), "application/pdf")
        email.send()
        report.sent_at = timezone.now()
        report.save(update_fields=["sent_at"])
    return True


def report_generate_and_send(*, client: Client, month: date) -> Report:
    """The monthly job of one client: generate the report, then send it after the commit."""
    # Here, not at the top: reporting.tasks imports this module (its tasks call these services).
    from reporting.tasks import report_send_task

    with transaction.atomic():
        report = report_generate(client=client, month=month)
        task_enqueue_on_commit(report_send_task, args=[report.pk])
    return report


def recipients_set(*, recipients: list[str], language: str = "") -> ReportSettings:
    """Replace the report recipients (and language); every address is checked."""
    from django.core.validators import validate_email

    cleaned = []
    for address in recipients:
        address = address.strip().lower()
        if address:
            validate_email(address)
            if address not in cleaned:
                cleaned.append(address)
    settings = report_settings_get()
    settings.recipients, settings.language = cleaned, language
    settings.full_clean()
    settings.save()
    return settings


# Who receives the monthly report: a handful of people, not a mailing list.
MAX_REPORT_RECIPIENTS = 20


def _report_settings_locked() -> ReportSettings:
    ReportSettings.objects.get_or_create(pk=1)
    return ReportSettings.objects.select_for_update().get(pk=1)


def _recipients_recorded(request: HttpRequest, change: str, address: str) -> None:
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="report_settings",
        label=address,
        details={"change": change, "recipient": address},
    )


def report_recipient_add(*, address: str, request: HttpRequest) -> ReportSettings:
    """Add one report recipient (checked, in lower case; an address already there, in any
    case, is refused), at most ``MAX_REPORT_RECIPIENTS``; audited."""
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"address": _("Enter a valid e-mail address.")}) from None
    with transaction.atomic():
        settings = _report_settings_locked()
        current = [each.lower() for each in settings.recipients]
        if address in current:
            raise ValidationError({"address": _("This address already receives the report.")})
        if len(current) >= MAX_REPORT_RECIPIENTS:
            raise ValidationError(
                {
                    "address": _("The report goes to %(count)s addresses at most.")
                    % {"count": MAX_REPORT_RECIPIENTS}
                }
            )
        settings.recipients = [*current, address]
        settings.save(update_fields=["recipients"])
        _recipients_recorded(request, "added", address)
    return settings


def report_recipient_remove(*, address: str, request: HttpRequest) -> ReportSettings:
    """Remove one report recipient (in any case); an address not there changes nothing."""
    address = address.strip().lower()
    with transaction.atomic():
        settings = _report_settings_locked()
        current = [each.lower() for each in settings.recipients]
        if address in current:
            settings.recipients = [each for each in current if each != address]
            settings.save(update_fields=["recipients"])
            _recipients_recorded(request, "deleted", address)
    return settings
