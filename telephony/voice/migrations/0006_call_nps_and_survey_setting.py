import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0005_call_open"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="nps",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(10),
                ],
            ),
        ),
        # Off for the clients that exist: a new question is the client's choice.
        migrations.AddField(
            model_name="voicesettings",
            name="survey_nps",
            field=models.BooleanField(
                default=False,
                help_text="after the CSAT answer, the Net Promoter question (0-10, then the hash key)",
            ),
        ),
        migrations.AddConstraint(
            model_name="call",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("nps__isnull", True),
                    models.Q(("nps__gte", 0), ("nps__lte", 10)),
                    _connector="OR",
                ),
                name="nps_0_to_10",
            ),
        ),
    ]
