"""The answers the JSON API gave to requests sent with an ``Idempotency-Key`` header, and
the desk's reply, new e-mail and forward forms already sent (``desk.submissions``: keys
``desk:<agent>:<form key>:<text digest>``, so that a second click sends nothing).

Public schema, no personal data: the client, the key the client chose, a hash of what was
asked, the status and what the request made (a conversation, a customer, an order event: its
kind and id in the client's schema). The body of a replay is recomputed from that object.
Kept ``KEEP_HOURS`` (then swept by ``idempotency_keys_expire``).
"""

from django.db import models


class IdempotentRequest(models.Model):
    class Made(models.TextChoices):
        CONVERSATION = "conversation", "conversation"
        CUSTOMER = "customer", "customer"
        ORDER_EVENT = "order_event", "order event"

    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of the path and the canonical JSON body (conversations.api_input).
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    made = models.CharField(max_length=12, choices=Made.choices, default=Made.CONVERSATION)
    object_id = models.BigIntegerField()  # of ``made``, in the client's schema
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.key} -> {self.status}"
