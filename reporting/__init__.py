"""Reporting: KPI queries, monthly PDF reports, schedules and delivery."""
