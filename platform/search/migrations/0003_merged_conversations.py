import importlib

from django.db import migrations

# A conversation's document also holds the words of the conversations merged into it, and a
# change to a merged conversation builds its target's document again (conversations.merge).
# The previous definition (search 0002) is restored on the way back.

FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.search_conversation_refresh(p_schema text, p_conversation_id bigint)
RETURNS void LANGUAGE plpgsql AS $body$
DECLARE
  v_client bigint;
  v_target bigint;
  v_merges boolean;
BEGIN
  SELECT id INTO v_client FROM public.tenants_client WHERE schema_name = p_schema;
  IF v_client IS NULL THEN
    RETURN;  -- the template schema, or a schema being provisioned before its row exists
  END IF;
  -- A deploy migrates public first, then the clients' schemas one by one: until a schema
  -- has conversations migration 0006, its conversations have no merged_into_id, and a
  -- write there must still be indexed (a catalog lookup, microseconds).
  SELECT EXISTS (
    SELECT 1 FROM pg_attribute
    WHERE attrelid = to_regclass(format('%I.conversations_conversation', p_schema))
      AND attname = 'merged_into_id' AND NOT attisdropped
  ) INTO v_merges;
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
    SELECT $1, c.id, c.customer_id, c.channel, c.language,
      -- Spam is filed under the status "spam", which search shows only when asked for
      -- (search 0002; read through the row's JSON for a schema not yet migrated).
      CASE WHEN (to_jsonb(c) ->> 'spam')::boolean THEN 'spam' ELSE c.status END,
      c.assignee_id,
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
      -- Its own messages and those of the conversations merged into it (conversations
      -- migration 0006): the target is found by what the source said. An acknowledgement
      -- (outbound, no author) is the same template everywhere.
      WHERE (conversation_id = c.id %2$s)
        AND (direction <> 'out' OR author_id IS NOT NULL)
    ) AS m ON true
    WHERE ($2 IS NULL OR c.id = $2) AND cu.erased_at IS NULL
  $sql$, p_schema, CASE WHEN v_merges THEN format(
      'OR conversation_id IN (SELECT id FROM %I.conversations_conversation '
      'WHERE merged_into_id = c.id)', p_schema) ELSE '' END)
  USING v_client, p_conversation_id;
  -- A merged conversation's words are also its target's: that document is built again
  -- too (one step: a target is never merged itself).
  IF v_merges AND p_conversation_id IS NOT NULL THEN
    EXECUTE format('SELECT merged_into_id FROM %I.conversations_conversation WHERE id = $1',
                   p_schema) INTO v_target USING p_conversation_id;
    IF v_target IS NOT NULL THEN
      PERFORM public.search_conversation_refresh(p_schema, v_target);
    END IF;
  END IF;
END
$body$;

"""

# Back: the function as search migration 0002 (spam) made it.
PREVIOUS = importlib.import_module("search.migrations.0002_spam_status").REFRESH


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_spam_status"),
        ("conversations", "0006_conversation_merged"),
    ]

    operations = [migrations.RunSQL(FUNCTION, PREVIOUS)]
