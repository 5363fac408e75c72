from celery import shared_task

from outbox.services import deliveries_sweep, delivery_send


@shared_task(ignore_result=True)
def delivery_send_task(delivery_id: int) -> str:
    """Send one outbound message (in the client's schema the task came from): claim, send,
    mark. Retries are the outbox's own (queued again with a backoff), not Celery's."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Beat, every 30 s: send again what is queued and due or held by a dead worker."""
    return deliveries_sweep()
