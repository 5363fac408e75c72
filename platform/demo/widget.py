"""The chat widget of every demo client: on, allowing the demo's sample shop pages (served
by the fake shops' process, ``demo.shop_fake``, ``/shop/<client slug>/``) as origins, in a
colour of the shop's own."""

import random
from collections.abc import Callable

from django.conf import settings
from django_tenants.utils import schema_context

from conversations.models import Conversation
from demo.cast import DEMO_CLIENTS
from tenants.models import Client
from widget.models import ChatSession, WidgetSettings
from widget.tokens import session_key_new

# Each demo shop's colour on its widget's launcher and header.
DEMO_WIDGET_COLOURS = {
    "bohemia-shoes": "#8b3a1e",
    "wisla-sport": "#c8102e",
    "alpen-garten": "#2e7d32",
    "duna-design": "#1f5f99",
    "carpati-crafts": "#9c2f1a",
    "alpska-oprema": "#00695c",
}


def demo_shop_origins() -> list[str]:
    """The fake shops' origins, under both names a browser may use for them."""
    port = settings.DEMO_SHOP_PORT
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def demo_shop_page_url(slug: str) -> str:
    """The demo client's sample shop page, as printed with the logins."""
    return f"http://localhost:{settings.DEMO_SHOP_PORT}/shop/{slug}/"


def seed_widget(log: Callable[[str], None]) -> None:
    """The widget turned on for each demo client (settings edited in the admin stay)."""
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        with schema_context(client.schema_name):
            widget = WidgetSettings.objects.first()
            if widget is None:
                WidgetSettings.objects.create(
                    enabled=True,
                    allowed_origins=demo_shop_origins(),
                    colour=DEMO_WIDGET_COLOURS.get(client.slug, "#1f5f99"),
                )
            chats = _widget_chats_seed(client)
        log(
            f"chat widget of {client.slug}: on, sample shop {demo_shop_page_url(client.slug)},"
            f" {chats} chats started from it"
        )


def _widget_chats_seed(client: Client) -> int:
    """Two of every three of the demo's chats (the history's and the live ones, seeded
    before) were started from the widget on the sample shop page: their sessions, so that the
    desk shows them as widget chats and the help center's figures compare self-service with
    them. Once: a client with sessions already keeps them. The number of widget chats."""
    if ChatSession.objects.exists():
        return ChatSession.objects.count()
    rng = random.Random(f"widget-{client.slug}")  # noqa: S311 - repeatable demo data
    chats = Conversation.objects.filter(channel=Conversation.Channel.CHAT, proactive=False)
    sessions = [
        ChatSession(
            conversation=chat,
            key=session_key_new(),
            visitor=rng.randbytes(16).hex(),
            origin=demo_shop_origins()[1],
            page_url=demo_shop_page_url(client.slug),
            created_at=chat.created_at,
            ended_at=chat.resolved_at,
        )
        for number, chat in enumerate(chats.order_by("created_at", "pk"))
        if number % 3 != 2
    ]
    ChatSession.objects.bulk_create(sessions)
    return len(sessions)
