"""Deleting a user touches no client schema (customers migration 0004): the admin log of a
client keeps its rows, and the delete takes no lock there, so it does not grow with the
number of clients (at 5,000 it ran out of the server's lock table)."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection

from accounts.models import User
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CLIENT_SCHEMA_LOCKS = """
SELECT DISTINCT n.nspname || '.' || c.relname
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND n.nspname NOT IN ('public', 'pg_catalog', %s)
ORDER BY 1
"""


def test_a_user_who_worked_in_a_clients_admin_is_deleted_and_no_client_table_is_locked(
    two_clients,
):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True)
    admin_id = admin.pk  # delete() forgets it
    with in_schema(two_clients.b):
        entry = LogEntry.objects.create(
            user_id=admin_id, object_id="7", object_repr="Canned reply", action_flag=CHANGE
        )

    admin.delete()  # the key refused it: the log of client B still named the user

    with connection.cursor() as cursor:
        # This test's transaction holds client B's log (the row written above), nothing more.
        cursor.execute(CLIENT_SCHEMA_LOCKS, [two_clients.b.schema_name])
        locked = [name for (name,) in cursor.fetchall()]
    assert locked == []
    assert not User.objects.filter(pk=admin_id).exists()
    with in_schema(two_clients.b):
        kept = LogEntry.objects.get(pk=entry.pk)
    assert (kept.user_id, kept.object_repr) == (admin_id, "Canned reply")
