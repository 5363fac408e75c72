from celery import shared_task
from django.db import OperationalError

from customers.services import customer_erase


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def customer_erase_task(customer_id: int) -> None:
    """Erase a customer's personal data in the schema the task was sent from."""
    customer_erase(customer_id=customer_id)
