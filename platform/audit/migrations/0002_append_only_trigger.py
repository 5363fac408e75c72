"""The database itself refuses to change the audit log: no UPDATE ever, and no DELETE of an
event younger than the retention (audit.models.RETENTION_DAYS, the same 730 days)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '730 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% of % refused: the audit log is append-only',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION audit_refuse_change();"),
        migrations.RunSQL(
            TRIGGER, "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;"
        ),
    ]
