from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from languages.models import AgentSkill, LanguageFallback
from routing.models import RoutingPolicy
from routing.selectors import agent_reach_cache_clear, policies_cache_clear


@receiver([post_save, post_delete], sender=RoutingPolicy)
def _policies_changed(**kwargs) -> None:
    policies_cache_clear()
    transaction.on_commit(policies_cache_clear)


@receiver([post_save, post_delete], sender=AgentSkill)
@receiver([post_save, post_delete], sender=LanguageFallback)
@receiver(m2m_changed, sender=User.served_clients.through)
def _reach_changed(**kwargs) -> None:
    agent_reach_cache_clear()
    transaction.on_commit(agent_reach_cache_clear)
