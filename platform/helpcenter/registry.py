"""What the help center's figures need from the rooms above it, filled at start-up
(AppConfig.ready).

The widget sits above the help center: it opens the chats whose count the deflection share
is measured against (docs/kpis.md, "Contacts deflected by self-service").
"""

from collections.abc import Callable

# Called with start=, end= in the client's schema: how many chats the widget started in
# [start, end). widget.deflection.widget_chats_started. None registered: no widget, 0.
WIDGET_CHATS_STARTED: list[Callable[..., int]] = []
