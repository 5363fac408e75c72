from django.db import migrations, models

import tenants.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_team_user_team"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="time_zone",
            field=models.CharField(
                default="Europe/Prague",
                max_length=64,
                validators=[tenants.models.validate_time_zone],
            ),
        ),
    ]
