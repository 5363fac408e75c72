from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from languages.models import LanguageFallback
from languages.selectors import fallbacks_cache_clear


@receiver([post_save, post_delete], sender=LanguageFallback)
def _fallbacks_changed(**kwargs) -> None:
    # Now for this transaction's own reads, and again at commit so that this process does
    # not cache the old chains in between. The cache is per process: other web and worker
    # processes see the change within the cache's 60 seconds.
    fallbacks_cache_clear()
    transaction.on_commit(fallbacks_cache_clear)
