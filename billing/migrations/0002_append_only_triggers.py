"""The database itself refuses to change the ledger and issued invoices."""

from django.db import migrations

TABLES = ["billing_usageentry", "billing_invoice", "billing_invoiceline"]

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: billing records are append-only (add a correction)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION billing_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION billing_refuse_change();"),
        *[
            migrations.RunSQL(
                TRIGGER.format(table=table), f"DROP TRIGGER {table}_append_only ON {table};"
            )
            for table in TABLES
        ],
    ]
