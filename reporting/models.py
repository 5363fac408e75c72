"""A client's stored monthly reports and who receives them (the client's own schema)."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models


class Report(models.Model):
    """One month's PDF report, in the language it was written in. Regenerating replaces it."""

    month = models.DateField(unique=True, help_text="the first day of the month reported")
    language = models.CharField(max_length=8)
    pdf = models.BinaryField(editable=False)
    generated_at = models.DateTimeField()
    # When it was e-mailed to the report recipients (None: not sent yet).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"report {self.month:%Y-%m}"

    @property
    def filename(self) -> str:
        return f"report-{self.month:%Y-%m}.pdf"


class ReportSettings(models.Model):
    """The client's report recipients and language; one row (pk 1) per schema."""

    recipients = ArrayField(models.EmailField(), default=list, blank=True)
    # Empty: the client's default language.
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name_plural = "report settings"

    def __str__(self) -> str:
        return ", ".join(self.recipients) or "no recipients"

    def clean(self) -> None:
        from django.conf import settings

        ui_languages = [code for code, _name in settings.LANGUAGES]
        if self.language and self.language not in ui_languages:
            raise ValidationError(
                {"language": f"Reports are written in {', '.join(ui_languages)} (or empty)."}
            )


class KpiSnapshot(models.Model):
    """A month's KPI figures, read by the portal, its CSV exports and the PDF: a closed
    month's, computed once, or the month so far, cut when computed and recomputed when older
    than reporting.snapshots.SO_FAR_MAX_AGE (docs/kpis.md, "Stored figures")."""

    month = models.DateField(unique=True, help_text="the first day of the month")
    # reporting.snapshots.FORMAT_VERSION of the figures' JSON; another version is recomputed.
    format_version = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"KPI figures {self.month:%Y-%m}"
