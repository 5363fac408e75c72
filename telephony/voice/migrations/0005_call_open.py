from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0004_outboundcall"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="call",
            index=models.Index(
                condition=models.Q(("completed_at__isnull", True)),
                fields=["ringing_at"],
                name="call_open",
            ),
        ),
    ]
