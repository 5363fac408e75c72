"""Reporting: KPI queries, the monthly PDF report, its schedule and delivery (tenant app)."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        # Here, not at the top: the registrations import services and models, which need the
        # app registry ready.
        from reporting.registrations import registrations_make

        registrations_make()
