"""The voice webhooks' hot statements, prepared once per connection (telephony.voice.prepared):
one statement serves every client's schema, and one deallocated behind our back is prepared
again."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from telephony.voice.models import Call
from telephony.voice.services import call_rows
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

RINGING = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def a_call(sid: str) -> Call:
    return Call.objects.create(
        call_sid=sid, from_number="+420601000111", to_number="+420228880000", ringing_at=RINGING
    )


def test_one_prepared_statement_reads_the_schema_of_the_client_it_runs_for(two_clients):
    with in_schema(two_clients.a):
        a_call("CAofA")
    with in_schema(two_clients.b):
        a_call("CAofB")
    for _ in range(2):  # prepared on the first read, then executed in the other schema
        with in_schema(two_clients.a):
            assert call_rows.call_with_menu("CAofA").call_sid == "CAofA"
            assert call_rows.call_with_menu("CAofB") is None
        with in_schema(two_clients.b):
            assert call_rows.call_with_menu("CAofB").call_sid == "CAofB"
            assert call_rows.call_with_menu("CAofA") is None


def test_a_statement_deallocated_behind_our_back_is_prepared_again(two_clients):
    with in_schema(two_clients.a):
        a_call("CAgone")
        assert call_rows.call_with_menu("CAgone") is not None
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # as a pooler's DISCARD ALL would
        read = call_rows.call_with_menu("CAgone")  # EXECUTE fails: PREPARE, EXECUTE
        assert read is not None and read.call_sid == "CAgone"
        assert call_rows.call_with_menu("CAgone") is not None  # prepared again, once
