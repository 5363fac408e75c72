"""The desk's search index (public schema): one document per conversation of every client,
so that a search across the clients an agent serves is one query, never a loop over the
clients' schemas (docs/architecture.md, "Search").

Written only by the database: triggers on the clients' conversations, messages and
customers call ``public.search_conversation_refresh`` in the transaction that changes them
(``conversations`` migration 0003), whichever code path wrote (the ORM, a bulk ``update()``,
an erasure). A copy of a client's personal data in the public schema: erased with the
customer (the document goes when ``erased_at`` is set), deleted with the client.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()
    customer_id = models.BigIntegerField()
    channel = models.CharField(max_length=8)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10)
    assignee_id = models.BigIntegerField(null=True)
    # The promise that runs now: the first response until answered, then the resolution;
    # none once resolved or closed.
    due_at = models.DateTimeField(null=True)
    # The conversation's start or its last message (acknowledgements aside).
    last_activity_at = models.DateTimeField()
    subject = models.CharField(max_length=300)
    customer_name = models.CharField(max_length=200)
    customer_email = models.CharField(max_length=254)
    customer_phone = models.CharField(max_length=20)
    # The messages' text, newest first, cut at 100,000 characters: the snippets.
    body = models.TextField()
    # What a search matches: every field above folded (lower case, no accents) and split by
    # PostgreSQL's "simple" parser, the phone number also as its digits and their endings.
    terms = SearchVectorField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "conversation_id"], name="searchdocument_one_per_conversation"
            ),
        ]
        indexes = [
            GinIndex(fields=["terms"], name="searchdocument_terms"),
            # The newest documents of a few clients (a filter on one client, a common word
            # for an agent of few clients).
            models.Index(
                fields=["client", "-last_activity_at", "-id"], name="searchdocument_recent"
            ),
            # A common word for many clients: the newest documents walked until a page and
            # the count's cap are found.
            models.Index(fields=["-last_activity_at", "-id"], name="searchdocument_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}/{self.conversation_id}"
