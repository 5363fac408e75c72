"""What the desk keeps of a customer outside the database: the screen pops of calls in its
cache (name, number, earlier subjects; 30 s). Its part of ``customers.services.customer_erase``."""

from django.core.cache import cache
from django.db import transaction

from customers.models import Customer
from desk.selectors.calls import screen_pop_key
from routing.models import WorkItem
from tenants.current import schema_name_current


def screen_pops_forget_for_customer(*, customer: Customer) -> None:
    """Forget the cached screen pops of this client's calls on the desk now (registered
    eraser): after the commit they are read again, erased. Every live call of the client,
    not only the customer's: which calls are theirs another eraser may have blanked already,
    and a pop costs one read to rebuild."""
    items = WorkItem.objects.filter(
        client__schema_name=schema_name_current(),
        source_kind="call",
        status__in=(WorkItem.Status.OFFERED, WorkItem.Status.ASSIGNED),
    ).select_related("client")
    keys = [screen_pop_key(item) for item in items]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))
