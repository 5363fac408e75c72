from django.db import migrations

# Searches that ignore accents ("Ziline" finds "Žiline") use PostgreSQL's unaccent, through
# Django's `__unaccent` lookup. Extensions are per database but live in one schema: create it
# in `public` explicitly, which is on every client schema's search_path (django-tenants sets
# "<client>, public"). Created from a client schema's migration it would land in the first
# client's schema and stay unreachable from every other. `languages` is a shared app, so this
# runs once, on the public schema. unaccent is a trusted extension (PostgreSQL 13+): the
# database owner may create it without superuser rights.


class Migration(migrations.Migration):
    dependencies = [("languages", "0002_catalog_seed")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public",
            "DROP EXTENSION IF EXISTS unaccent",
        )
    ]
