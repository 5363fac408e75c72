from celery import shared_task

from intake.services import receipts_purge, receipts_refile


@shared_task(ignore_result=True)
def receipts_refile_task() -> int:
    """File again what was kept but not filed (a process died between the two steps)."""
    return receipts_refile()


@shared_task(ignore_result=True)
def receipts_purge_task() -> int:
    """Delete receipts past ``POLYDESK_INBOUND_RECEIPT_DAYS`` (refused mail's bytes too)."""
    return receipts_purge()
