from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from routing.models import RoutingPolicy
from routing.selectors import policies_cache_clear


@receiver([post_save, post_delete], sender=RoutingPolicy)
def _policies_changed(**kwargs) -> None:
    policies_cache_clear()
    transaction.on_commit(policies_cache_clear)
