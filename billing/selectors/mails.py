"""Reads about billing e-mails (the agency's view: agency-wide, public schema)."""

from billing.models import BillingMail


def billing_mails_failed_count() -> int:
    """How many invoice e-mails and reminders failed and wait for an agency admin."""
    return BillingMail.objects.filter(state=BillingMail.State.FAILED).count()
