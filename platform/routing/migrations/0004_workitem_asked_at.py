from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("routing", "0003_agentstate_presence_since")]

    operations = [
        migrations.AddField(
            model_name="workitem",
            name="asked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Items queued before: their question came when they began to wait (a renewed
        # promise's own start was not kept; the figure runs from the first one for them).
        migrations.RunSQL(
            "UPDATE routing_workitem SET asked_at = waiting_since", migrations.RunSQL.noop
        ),
    ]
