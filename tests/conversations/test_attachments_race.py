"""A customer's erasure deleting a file at the moment another message takes it up, on two
connections with committed rows: the deletion waits for the other transaction, then sees
its row and keeps the file."""

import hashlib
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from conversations.attachments import (
    IncomingFile,
    attachment_store,
    attachments_delete_unused,
    blob_name,
)
from conversations.models import Attachment, Conversation, Message
from conversations.services import conversation_open_inbound
from customers.models import Customer
from hours.models import ResolutionClock
from routing.models import WorkItem
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
EMAIL = "blob-race@example.cz"
DATA = b"\x89PNG\r\n\x1a\n" + b"blob race" * 500


def someone_waits_for_an_advisory_lock(seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                " WHERE NOT l.granted AND l.locktype = 'advisory'"
                " AND d.datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_an_erasures_delete_waits_for_the_message_that_took_the_file_up(
    two_clients, django_db_blocker
):
    client = two_clients.a
    name = blob_name(hashlib.sha256(DATA).hexdigest(), client.schema_name)
    with django_db_blocker.unblock():
        with in_schema(client):
            message = conversation_open_inbound(
                client=client, channel="api", text="Fotka.", customer_email=EMAIL
            ).message
        # The erased customer's copy: its row is gone (committed), the file not yet.
        default_storage.save(name, ContentFile(DATA))
        deleted, errors = [], []

        def erasure_delete() -> None:
            try:
                with in_schema(client):
                    deleted.append(attachments_delete_unused({hashlib.sha256(DATA).hexdigest()}))
            except BaseException as error:  # reported below, in the main thread
                errors.append(error)
            finally:
                connection.close()

        deleter = threading.Thread(target=erasure_delete)
        try:
            # The other message, taking the file up.
            with in_schema(client), transaction.atomic():
                attachment_store(message=message, file=IncomingFile("a.png", "image/png", DATA))
                deleter.start()
                waited = someone_waits_for_an_advisory_lock()
            deleter.join(timeout=30)
            assert errors == []
            assert waited, "the deletion did not wait for the storing transaction"
            assert deleted == [0]
            assert default_storage.exists(name)
        finally:
            deleter.join(timeout=30)
            with in_schema(client):
                ids = list(
                    Conversation.objects.filter(customer__email=EMAIL).values_list("pk", flat=True)
                )
                Attachment.objects.filter(message__conversation__in=ids).delete()
                Message.objects.filter(conversation__in=ids).delete()
                Conversation.objects.filter(pk__in=ids).delete()
                Customer.objects.filter(email=EMAIL).delete()
            WorkItem.objects.filter(client=client, source_id__in=ids).delete()
            ResolutionClock.objects.filter(client=client, conversation_id__in=ids).delete()
            default_storage.delete(name)
