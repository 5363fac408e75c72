from django.db import migrations

# The desk's pulse without Redis (routing/pulse.py): Django's database cache in this table,
# in the public schema, where every web process and worker reads and writes it. The
# statements are what ``manage.py createcachetable`` would run for it.
CREATE = [
    """CREATE TABLE "routing_pulse" (
           "cache_key" varchar(255) NOT NULL PRIMARY KEY,
           "value" text NOT NULL,
           "expires" timestamp with time zone NOT NULL)""",
    'CREATE INDEX "routing_pulse_expires" ON "routing_pulse" ("expires")',
]


class Migration(migrations.Migration):
    dependencies = [("routing", "0004_workitem_asked_at")]

    operations = [migrations.RunSQL(CREATE, 'DROP TABLE "routing_pulse"')]
