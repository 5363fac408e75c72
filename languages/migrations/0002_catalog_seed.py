from django.db import migrations


def seed(apps, schema_editor):
    from languages.services import catalog_sync

    catalog_sync(
        language_model=apps.get_model("languages", "Language"),
        fallback_model=apps.get_model("languages", "LanguageFallback"),
    )


class Migration(migrations.Migration):
    dependencies = [("languages", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
