from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0006_call_nps_and_survey_setting"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="reconcile_asked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="outboundcall",
            name="reconcile_asked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
