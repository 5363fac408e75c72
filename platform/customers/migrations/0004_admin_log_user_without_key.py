"""The admin log of a client schema refers to its users without a foreign key.

Django's ``django_admin_log`` is the one table of a client schema with a foreign-key
constraint on ``public.accounts_user`` (the others refer to users by id without a key,
docs/architecture.md). PostgreSQL checks such a key on every ``DELETE`` of a user, in every
schema that has it: one lock per client schema's table and index, so deleting one user took
two locks per client and failed past a couple of thousand clients (``out of shared memory``:
``max_locks_per_transaction`` times ``max_connections`` is the server's lock table), and it
failed at any size for a user who had changed anything in a client's admin (the key refused
the delete; Django removes the log rows of the schema it runs in only). Without the key the
user is deleted and a client schema's log keeps its rows with the id they had (the object's
history in that client's admin no longer lists them: it joins the user). The key of the
public schema's own admin log stays: Django deletes those rows with the user.

Here in ``customers`` because its migrations run in the client schemas only.
"""

from django.db import migrations

DROP = r"""
DO $$
DECLARE
    key record;
BEGIN
    FOR key IN
        SELECT c.conname
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND c.conrelid = to_regclass(format('%I.django_admin_log', current_schema()))
          AND c.confrelid = to_regclass('public.accounts_user')
    LOOP
        EXECUTE format('ALTER TABLE django_admin_log DROP CONSTRAINT %I', key.conname);
    END LOOP;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_customer_merged"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunSQL(DROP, migrations.RunSQL.noop)]
