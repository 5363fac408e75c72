import importlib

from django.db import migrations

# The document of a spam conversation (conversations migration 0005) carries the status
# "spam": the desk's search leaves it out unless asked for (search.selectors).
REFRESH = r"""
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
    SELECT $1, c.id, c.customer_id, c.channel, c.language,
      -- Spam is filed under the status "spam", which search shows only when asked for.
      -- Read through the row's JSON: a schema whose conversations have no spam column yet
      -- (between this migration and its conversations migration 0005) still refreshes.
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
      -- An acknowledgement (outbound, no author) is the same template everywhere.
      WHERE conversation_id = c.id AND (direction <> 'out' OR author_id IS NOT NULL)
    ) AS m ON true
    WHERE ($2 IS NULL OR c.id = $2) AND cu.erased_at IS NULL
  $sql$, p_schema) USING v_client, p_conversation_id;
END
$body$;
"""

# Back: the function as migration 0001 made it.
INITIAL = importlib.import_module("search.migrations.0001_initial").FUNCTIONS


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunSQL(REFRESH, INITIAL)]
