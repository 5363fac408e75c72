"""Writes on the search index. The triggers keep it current; this builds it again for a
client whose data came before the index (or was loaded with triggers off)."""

from django.db import connection, transaction

from search.models import SearchDocument
from tenants.models import Client


@transaction.atomic
def search_index_rebuild(*, client: Client) -> int:
    """Every document of ``client`` built again from its schema; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.search_conversation_refresh(%s, NULL)", [client.schema_name])
    return SearchDocument.objects.filter(client=client).count()
