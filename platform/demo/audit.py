"""Demo: a few days of people in the audit log (the billing step already left the system's
price plans and invoices there), so a manager's and the agency's audit pages show something
on the first visit: the client's manager signed in, read a conversation and downloaded the
conversations; an agent opened one on the desk. Written by the audit log's one service."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.models import Conversation
from demo.cast import DEMO_CLIENTS
from tenants.models import Client

# (client slug, the agent who serves it) for the clients whose log is seeded.
SEEDED = [("bohemia-shoes", "jana"), ("wisla-sport", "piotr")]


def _client_events(client: Client, manager: User, agent: User) -> None:
    with schema_context(client.schema_name):
        conversation = Conversation.objects.order_by("created_at").first()
    portal = client.get_primary_domain().domain
    now = timezone.now()
    Action = AuditEvent.Action
    audit_record(
        action=Action.SIGNED_IN,
        actor=manager,
        client=client,
        site=portal,
        at=now - timedelta(days=2, hours=3),
    )
    if conversation is not None:
        details = {"customer": conversation.customer_id}
        audit_record(
            action=Action.CONVERSATION_VIEWED,
            actor=manager,
            client=client,
            site=portal,
            at=now - timedelta(days=2, hours=2, minutes=50),
            details=details,
            object_type="conversation",
            object_id=conversation.pk,
        )
        audit_record(
            action=Action.CONVERSATION_VIEWED,
            actor=agent,
            client=client,
            site=settings.AGENCY_DOMAIN,
            at=now - timedelta(days=1, hours=5),
            details=details,
            object_type="conversation",
            object_id=conversation.pk,
        )
    audit_record(
        action=Action.EXPORTED,
        actor=manager,
        client=client,
        at=now - timedelta(days=2, hours=2, minutes=40),
        object_type="export",
        object_id="conversations.csv",
        label="conversations.csv",
        site=portal,
    )


def seed_audit(log: Callable[[str], None]) -> None:
    slugs = {demo.slug for demo in DEMO_CLIENTS}
    for slug, agent_name in SEEDED:
        client = Client.objects.filter(slug=slug, slug__in=slugs).first()
        manager = User.objects.filter(username=f"{slug}-manager").first()
        agent = User.objects.filter(username=agent_name).first()
        if client is None or manager is None or agent is None:
            continue
        if AuditEvent.objects.filter(client=client, actor=manager).exists():
            continue  # seeded before: the log refuses changes, and a second copy would lie
        _client_events(client, manager, agent)
    log("audit log: the managers' and agents' recent events of two clients")
