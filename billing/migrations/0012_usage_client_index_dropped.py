"""The ledger's own index on client_id is dropped: the covering index on (client,
occurred_at) of migration 0011 starts with the client, so it serves every lookup by client
(the foreign key's checks when a client is deleted too), and each insert kept two indexes
up to date for one use.

Dropped concurrently, as 0011 built its index: DROP INDEX CONCURRENTLY waits for no insert,
and PostgreSQL refuses it inside a transaction, hence no transaction around the migration.
The foreign key keeps its constraint; only Django's index for it goes (``db_index=False``).
RunSQL asks the router before it runs: in a client schema (billing lives in the public
schema only), nothing is done, even inside a transaction.
"""

from django.db import migrations, models

# The name Django gave the foreign key's index in 0001 (schema_editor._create_index_name).
CLIENT_INDEX = "billing_usageentry_client_id_cc0261bf"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0011_usage_covering_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="usageentry",
                    name="client",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="usage_entries",
                        to="tenants.client",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {CLIENT_INDEX}",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {CLIENT_INDEX} "
                    "ON billing_usageentry (client_id)",
                ),
            ],
        ),
    ]
