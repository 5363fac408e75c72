"""Reads for the agent desk, by topic: ``inbox``, ``conversation``, ``wall``, ``calls``.

Functions ending in ``_public`` read only the public schema (the work queue's summaries):
the inbox, the live counts and the supervisors' wall never enter a client's schema, so
their cost does not grow with the number of clients. Functions ending in ``_in_schema`` read
one client's schema and must be called inside it (``schema_context``). The names are
importable from here too (``desk.selectors.screen_pops``), as before the split.
"""

from desk.selectors.calls import (
    SCREEN_POP_SECONDS,
    CallView,
    ScreenPop,
    TimelineStep,
    call_of_conversation_in_schema,
    call_timeline,
    call_view_in_schema,
    screen_pops,
)
from desk.selectors.conversation import (
    HISTORY_LIMIT,
    ClientClock,
    ConversationView,
    FaqView,
    client_clock,
    conversation_view_in_schema,
    faq_in_language,
    transfer_candidates_public,
)
from desk.selectors.inbox import (
    CLIENT_LINES,
    QUEUE_HEAD,
    ClientCard,
    CountLine,
    Inbox,
    agent_inbox_public,
    agent_items_public,
    client_cards_public,
    client_colour,
    portal_url,
)
from desk.selectors.wall import (
    SHOWS,
    WALL_CLIENTS,
    DrillDown,
    Wall,
    WallAgent,
    WallLine,
    supervisor_wall_public,
    wall_items_public,
)

__all__ = [
    "CLIENT_LINES",
    "HISTORY_LIMIT",
    "QUEUE_HEAD",
    "SCREEN_POP_SECONDS",
    "SHOWS",
    "WALL_CLIENTS",
    "CallView",
    "ClientCard",
    "ClientClock",
    "ConversationView",
    "CountLine",
    "DrillDown",
    "FaqView",
    "Inbox",
    "ScreenPop",
    "TimelineStep",
    "Wall",
    "WallAgent",
    "WallLine",
    "agent_inbox_public",
    "agent_items_public",
    "call_of_conversation_in_schema",
    "call_timeline",
    "call_view_in_schema",
    "client_cards_public",
    "client_clock",
    "client_colour",
    "conversation_view_in_schema",
    "faq_in_language",
    "portal_url",
    "screen_pops",
    "supervisor_wall_public",
    "transfer_candidates_public",
    "wall_items_public",
]
