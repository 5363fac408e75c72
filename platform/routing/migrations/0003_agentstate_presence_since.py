from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("routing", "0002_workitem_client_due_index")]

    operations = [
        migrations.AddField(
            model_name="agentstate",
            name="presence_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="workitem",
            index=models.Index(
                condition=models.Q(("status", "done")),
                fields=["agent", "closed_at"],
                name="workitem_agent_done",
            ),
        ),
    ]
