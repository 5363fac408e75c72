from django.db import migrations

# The version of a client's menus (voice_menu, voice_option, voice_numbermenu): the id of
# the last transaction that changed any of them, written by a statement trigger in that
# transaction. The voice webhooks read it in the same statement as the call and keep the
# menus in each process under it (telephony.voice.services.menu_cache). A transaction id is
# never reused (xid8 has no wraparound), so a rolled-back edit, or a schema dropped and made
# again, can never bring back a version with other menus under it. The function and the
# table live in each client's schema (the template's dump carries them, its name swapped);
# the trigger writes to the schema of the table it fired on, whatever the search_path.

FORWARD = """
CREATE TABLE voice_menu_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  xid text NOT NULL
);
INSERT INTO voice_menu_version (xid) VALUES (pg_current_xact_id()::text);

CREATE FUNCTION voice_menus_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO %I.voice_menu_version AS v (one, xid) VALUES (true, $1)'
    ' ON CONFLICT (one) DO UPDATE SET xid = excluded.xid',
    TG_TABLE_SCHEMA
  ) USING pg_current_xact_id()::text;
  RETURN NULL;
END
$$;

CREATE TRIGGER voice_menu_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON voice_menu FOR EACH STATEMENT EXECUTE FUNCTION voice_menus_changed();
CREATE TRIGGER voice_option_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON voice_option FOR EACH STATEMENT EXECUTE FUNCTION voice_menus_changed();
CREATE TRIGGER voice_numbermenu_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON voice_numbermenu FOR EACH STATEMENT EXECUTE FUNCTION voice_menus_changed();
"""

BACKWARD = """
DROP TRIGGER voice_numbermenu_changed ON voice_numbermenu;
DROP TRIGGER voice_option_changed ON voice_option;
DROP TRIGGER voice_menu_changed ON voice_menu;
DROP FUNCTION voice_menus_changed();
DROP TABLE voice_menu_version;
"""


class Migration(migrations.Migration):
    dependencies = [("voice", "0009_recording_deletion")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
