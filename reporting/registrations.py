"""What reporting registers with the rooms below it at start-up (``ReportingConfig.ready()``):
a correction of a conversation (spam, a merge) drops the stored KPI figures of the months it
changed (conversations.corrections)."""

from conversations.corrections import corrected_listener_register
from reporting.services import kpi_snapshots_drop_for


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    corrected_listener_register(kpi_snapshots_drop_for)
