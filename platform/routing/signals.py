from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
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


@receiver(pre_save, sender=User)
def _every_client_read(instance: User, update_fields=None, raw=False, **kwargs) -> None:
    """Whether this save changes User.serves_every_client (the reach's one field on the user
    itself), read before it: a save of other fields (a sign-in's last_login, a name) must
    not make every agent's cached reach stale."""
    if raw or (update_fields is not None and "serves_every_client" not in update_fields):
        instance._every_client_changed = False  # type: ignore[attr-defined]
        return
    instance._every_client_changed = (  # type: ignore[attr-defined]
        instance.serves_every_client
        if instance._state.adding
        else User.objects.filter(pk=instance.pk)
        .exclude(serves_every_client=instance.serves_every_client)
        .exists()
    )


@receiver(post_save, sender=User)
def _every_client_changed(instance: User, **kwargs) -> None:
    if getattr(instance, "_every_client_changed", False):
        _reach_changed()
