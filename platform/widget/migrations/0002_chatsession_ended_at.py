from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("widget", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="chatsession",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
