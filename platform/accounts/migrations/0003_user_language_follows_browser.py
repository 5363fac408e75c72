"""User.language empty means "follow the browser" (then the client's default language).

Until now the default was "en" and only an agency admin could change it, so an "en" cannot be
told apart from "never chosen": it becomes empty. Such a user now reads the language their
browser asks for (English for most who read English) and may choose with the switch in the
page header. Other values were set on purpose (the admin, the demo's seed) and stay.
"""

from django.db import migrations, models


def follow_the_browser(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(language="en").update(language="")


def back_to_english(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(language="").update(language="en")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_served_clients")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                default="",
                help_text="UI language the user chose; empty: the browser's (then the client's default)",
                max_length=8,
            ),
        ),
        migrations.RunPython(follow_the_browser, back_to_english),
    ]
