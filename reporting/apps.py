"""Reporting: KPI queries, the monthly PDF report, its schedule and delivery (tenant app)."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
