import unicodedata

from django.db import DatabaseError, migrations, transaction

# Searches that ignore accents ("Ziline" finds "Žiline") call `unaccent(text)` through Django's
# `__unaccent` lookup. It must live in `public`, which is on every client schema's search_path
# (django-tenants sets "<client>, public"); created from a client schema's migration it would
# land in the first client's schema and stay unreachable from every other. `languages` is a
# shared app, so this runs once, on the public schema.
#
# PostgreSQL's own `unaccent` extension is used where the server has it (it is a contrib
# module: Debian's and most packaged servers ship it; it is trusted from PostgreSQL 13, so the
# database owner may create it). The embedded PostgreSQL that `make demo` starts has no contrib
# modules: there `public.unaccent(text)` is a plain SQL function over `translate()` with the
# accented Latin letters of the languages we serve. `public.polydesk_unaccent(text)` is always
# that function, so a test can hold it to the extension's results on a server that has both.

# Letters whose accent or stroke is not a combining mark, so that NFD does not split them.
STROKES = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ħ": "H", "ħ": "h"}
STROKES |= {"Ŧ": "T", "ŧ": "t", "Ŀ": "L", "ŀ": "l", "ı": "i"}


def accent_table() -> tuple[str, str]:
    """The accented Latin letters (Latin-1 Supplement, Latin Extended-A, Romanian's comma
    letters) and their bare letters, one for one, as `translate()` takes them."""
    accented, bare = [], []
    codepoints = [*range(0xC0, 0x180), *range(0x218, 0x21C)]
    for char in map(chr, codepoints):
        base = STROKES.get(char) or unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            accented.append(char)
            bare.append(base)
    return "".join(accented), "".join(bare)


def _function_sql(name: str) -> str:
    accented, bare = accent_table()
    return (
        f"CREATE OR REPLACE FUNCTION public.{name}(text) RETURNS text"
        f" LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
        f" AS $$ SELECT translate($1, '{accented}', '{bare}') $$"
    )


def unaccent_create(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(_function_sql("polydesk_unaccent"))
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        if cursor.fetchone():
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
                return
            except DatabaseError:
                pass  # no right to create it: the function below does the same work
        cursor.execute(_function_sql("unaccent"))


def unaccent_drop(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        if cursor.fetchone():
            cursor.execute("DROP EXTENSION unaccent")
        else:
            cursor.execute("DROP FUNCTION IF EXISTS public.unaccent(text)")
        cursor.execute("DROP FUNCTION IF EXISTS public.polydesk_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("languages", "0002_catalog_seed")]

    operations = [migrations.RunPython(unaccent_create, unaccent_drop)]
