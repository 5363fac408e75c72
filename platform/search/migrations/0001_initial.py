import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The functions the clients' triggers call (conversations migration 0003). They live in
# `public`, which is on every client schema's search_path, and read the client's tables by
# the schema the trigger fired in. Nothing here needs a contrib extension: the folding is
# `public.polydesk_unaccent` (languages migration 0003) and the index is PostgreSQL's own
# full-text search with the "simple" configuration (no stemming, no stop words: names,
# addresses and order numbers are not words of one language).

FUNCTIONS = r"""
-- Lower case, no accents, and the punctuation of order numbers, phone numbers and
-- addresses as spaces ("OBJ-2024/42" is found by "2024"), the same for documents and
-- queries so that their words are cut alike. German's ß is "ss" ("Weiss" finds "Weiß").
CREATE OR REPLACE FUNCTION public.search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT regexp_replace(replace(public.polydesk_unaccent(lower($1)), 'ß', 'ss'),
    '[-/#+_|\\]', ' ', 'g')
$$;

-- A phone number as its digits without the leading + or 00, and their endings of 7 digits
-- or more, so that "+420 777 123 456", "00420777123456" and "777123456" all find it.
CREATE OR REPLACE FUNCTION public.search_phone_terms(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT CASE WHEN length(d) < 7 THEN d ELSE d || ' ' || array_to_string(ARRAY(
    SELECT substr(d, i) FROM generate_series(2, length(d) - 6) AS i), ' ') END
  FROM (SELECT ltrim(regexp_replace($1, '\D', '', 'g'), '0') AS d) AS digits
$$;

-- The document of one conversation (or of every conversation of the schema when the id is
-- NULL: the backfill) built again from the client's tables. A conversation that is gone,
-- or whose customer is erased, has none.
CREATE OR REPLACE FUNCTION public.search_conversation_refresh(p_schema text, p_conversation_id bigint)
RETURNS void LANGUAGE plpgsql AS $body$
DECLARE
  v_client bigint;
BEGIN
  SELECT id INTO v_client FROM public.tenants_client WHERE schema_name = p_schema;
  IF v_client IS NULL THEN
    RETURN;  -- the template schema, or a schema being provisioned before its row exists
  END IF;
  -- Two statements, not "conversation_id = $2 OR $2 IS NULL": PL/pgSQL caches a generic
  -- plan, which could not use the (client, conversation) index for that OR and read every
  -- document of the client on each write (quadratic in a bulk load of one client).
  IF p_conversation_id IS NULL THEN
    DELETE FROM public.search_searchdocument WHERE client_id = v_client;
  ELSE
    DELETE FROM public.search_searchdocument
    WHERE client_id = v_client AND conversation_id = p_conversation_id;
  END IF;
  EXECUTE format($sql$
    INSERT INTO public.search_searchdocument (
      client_id, conversation_id, customer_id, channel, language, status, assignee_id, due_at,
      last_activity_at, subject, customer_name, customer_email, customer_phone, body, terms)
    SELECT $1, c.id, c.customer_id, c.channel, c.language, c.status, c.assignee_id,
      CASE WHEN c.status IN ('resolved', 'closed') THEN NULL
           WHEN c.first_response_at IS NULL THEN c.first_response_due_at
           ELSE c.resolution_due_at END,
      greatest(c.created_at, m.last_at), c.subject, cu.name, cu.email, cu.phone,
      coalesce(m.body, ''),
      to_tsvector('simple', public.search_fold(concat_ws(' ', c.subject, cu.name, cu.email,
        replace(cu.email, '@', ' '), cu.shop_reference, public.search_phone_terms(cu.phone),
        m.body)))
    FROM %1$I.conversations_conversation AS c
    JOIN %1$I.customers_customer AS cu ON cu.id = c.customer_id
    LEFT JOIN LATERAL (
      SELECT max(created_at) AS last_at,
             left(string_agg(body_text, E'\n\n' ORDER BY created_at DESC, id DESC), 100000) AS body
      FROM %1$I.conversations_message
      -- An acknowledgement (outbound, no author) is the same template everywhere.
      WHERE conversation_id = c.id AND (direction <> 'out' OR author_id IS NOT NULL)
    ) AS m ON true
    WHERE ($2 IS NULL OR c.id = $2) AND cu.erased_at IS NULL
  $sql$, p_schema) USING v_client, p_conversation_id;
END
$body$;

CREATE OR REPLACE FUNCTION public.search_conversation_changed() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM public.search_conversation_refresh(TG_TABLE_SCHEMA, OLD.id);
  ELSE
    PERFORM public.search_conversation_refresh(TG_TABLE_SCHEMA, NEW.id);
  END IF;
  RETURN NULL;
END
$body$;

CREATE OR REPLACE FUNCTION public.search_message_changed() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM public.search_conversation_refresh(TG_TABLE_SCHEMA, OLD.conversation_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.conversation_id <> OLD.conversation_id) THEN
    PERFORM public.search_conversation_refresh(TG_TABLE_SCHEMA, NEW.conversation_id);
  END IF;
  RETURN NULL;
END
$body$;

CREATE OR REPLACE FUNCTION public.search_customer_changed() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
  v_conversation bigint;
BEGIN
  FOR v_conversation IN EXECUTE format(
    'SELECT id FROM %I.conversations_conversation WHERE customer_id = $1', TG_TABLE_SCHEMA
  ) USING NEW.id LOOP
    PERFORM public.search_conversation_refresh(TG_TABLE_SCHEMA, v_conversation);
  END LOOP;
  RETURN NULL;
END
$body$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS public.search_customer_changed();
DROP FUNCTION IF EXISTS public.search_message_changed();
DROP FUNCTION IF EXISTS public.search_conversation_changed();
DROP FUNCTION IF EXISTS public.search_conversation_refresh(text, bigint);
DROP FUNCTION IF EXISTS public.search_phone_terms(text);
DROP FUNCTION IF EXISTS public.search_fold(text);
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("languages", "0003_unaccent"),
        ("tenants", "0004_client_billing_identity"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conversation_id", models.BigIntegerField()),
                ("customer_id", models.BigIntegerField()),
                ("channel", models.CharField(max_length=8)),
                ("language", models.CharField(max_length=8)),
                ("status", models.CharField(max_length=10)),
                ("assignee_id", models.BigIntegerField(null=True)),
                ("due_at", models.DateTimeField(null=True)),
                ("last_activity_at", models.DateTimeField()),
                ("subject", models.CharField(max_length=300)),
                ("customer_name", models.CharField(max_length=200)),
                ("customer_email", models.CharField(max_length=254)),
                ("customer_phone", models.CharField(max_length=20)),
                ("body", models.TextField()),
                ("terms", django.contrib.postgres.search.SearchVectorField()),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenants.client",
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["terms"], name="searchdocument_terms"
                    ),
                    models.Index(
                        fields=["client", "-last_activity_at", "-id"],
                        name="searchdocument_recent",
                    ),
                    models.Index(
                        fields=["-last_activity_at", "-id"], name="searchdocument_newest"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("client", "conversation_id"),
                        name="searchdocument_one_per_conversation",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
    ]
