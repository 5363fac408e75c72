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


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0010_invoice_supplier_allocation_matched_by"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="usageentry",
            index=models.Index(
                fields=["client", "occurred_at"],
                include=["kind", "language", "out_of_hours", "currency", "quantity"],
                name="billing_usage_client_rating",
            ),
        ),
        RemoveIndexConcurrently(model_name="usageentry", name="billing_usa_client__d6968c_idx"),
        migrations.RunSQL(
            "ALTER TABLE billing_usageentry SET (autovacuum_vacuum_insert_scale_factor = 0.01)",
            "ALTER TABLE billing_usageentry RESET (autovacuum_vacuum_insert_scale_factor)",
        ),
    ]
