from django.db import migrations

# Every change to a conversation, its messages or its customer refreshes the conversation's
# document in the desk's search index (public.search_searchdocument), in the same
# transaction, whichever code wrote it (the ORM, a bulk update, an erasure). The functions
# are the search app's, in `public`; these triggers are created in each client's schema
# (and the template, whose copies keep them). Run in the template, they do nothing: it has
# no client row.

TRIGGERS = """
CREATE TRIGGER search_conversation_changed
AFTER INSERT OR DELETE OR UPDATE OF subject, status, channel, language, assignee_id,
  customer_id, created_at, first_response_at, first_response_due_at, resolution_due_at
ON conversations_conversation
FOR EACH ROW EXECUTE FUNCTION public.search_conversation_changed();

CREATE TRIGGER search_message_changed
AFTER INSERT OR DELETE OR UPDATE OF body_text, conversation_id, direction, author_id, created_at
ON conversations_message
FOR EACH ROW EXECUTE FUNCTION public.search_message_changed();

CREATE TRIGGER search_customer_changed
AFTER UPDATE OF name, email, phone, shop_reference, erased_at
ON customers_customer
FOR EACH ROW EXECUTE FUNCTION public.search_customer_changed();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS search_customer_changed ON customers_customer;
DROP TRIGGER IF EXISTS search_message_changed ON conversations_message;
DROP TRIGGER IF EXISTS search_conversation_changed ON conversations_conversation;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_conversation_created_index"),
        ("customers", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [migrations.RunSQL(TRIGGERS, DROP_TRIGGERS)]
