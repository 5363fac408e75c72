"""The ledger's index on (client, occurred_at) carries the columns rating reads, so that a
client's month is read from the index alone (docs/billing.md, "How rating reads the ledger").

Built concurrently, the new index first and the old one dropped after: neither step blocks
the ledger's writes (CREATE/DROP INDEX CONCURRENTLY take a SHARE UPDATE EXCLUSIVE lock, which
inserts do not wait for), and rating keeps an index throughout. On a table of millions of
rows the build takes as long as reading the table once and sorting it; hence no transaction
around the migration (PostgreSQL refuses CONCURRENTLY inside one).

An index-only scan skips the heap only on pages the visibility map marks all-visible, which
VACUUM does. The ledger only grows, and autovacuum's default waits for inserts of 20 % of the
table: a year's ledger would wait for two months of rows, and the month just ended would be
read from the heap. After 1 % of new rows (and ALTER TABLE SET, a SHARE UPDATE EXCLUSIVE lock
again), last month's pages are marked soon after they are written.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class _InPublicOnly:
    """Django asks the router (django-tenants': billing lives in the public schema) only after
    refusing a transaction, so a client schema's run of this migration inside a transaction
    (a client provisioned or the template rebuilt in a test's transaction) failed for work it
    would skip anyway. Asked first here: elsewhere than the public schema, nothing to do."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexConcurrentlyInPublic(_InPublicOnly, AddIndexConcurrently):
    pass


class RemoveIndexConcurrentlyInPublic(_InPublicOnly, RemoveIndexConcurrently):
    pass


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0010_invoice_supplier_allocation_matched_by"),
    ]

    operations = [
        AddIndexConcurrentlyInPublic(
            model_name="usageentry",
            index=models.Index(
                fields=["client", "occurred_at"],
                include=["kind", "language", "out_of_hours", "currency", "quantity"],
                name="billing_usage_client_rating",
            ),
        ),
        RemoveIndexConcurrentlyInPublic(model_name="usageentry", name="billing_usa_client__d6968c_idx"),
        migrations.RunSQL(
            "ALTER TABLE billing_usageentry SET (autovacuum_vacuum_insert_scale_factor = 0.01)",
            "ALTER TABLE billing_usageentry RESET (autovacuum_vacuum_insert_scale_factor)",
        ),
    ]
