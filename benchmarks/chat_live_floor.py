"""The floor of benchmarks/chat_live.py: the same transport (uvicorn, one worker, plain ASGI)
with an empty handler. ``GET /wait?chat=N&after=S`` waits on an in-process event until chat
N's counter passes S (or WAIT seconds); ``POST /poke?chat=N`` bumps the counter and wakes the
waiters; ``GET /health`` says how many wait. No database, no token, no origin: what waiting
costs with nothing else.

Run by the benchmark: ``uvicorn --app-dir benchmarks chat_live_floor:app``.
"""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

WAIT = 25.0
seqs: dict[int, int] = {}
events: dict[int, asyncio.Event] = {}
waiting = 0  # requests waiting now (GET /health)

Message = MutableMapping[str, Any]


async def app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    global waiting
    if scope["type"] != "http":
        return
    query = parse_qs(scope["query_string"].decode())
    chat = int(query.get("chat", ["0"])[0])
    if scope["path"] == "/health":
        body = json.dumps({"waiting": waiting}).encode()
        status = 200
    elif scope["path"] == "/poke":
        seqs[chat] = seqs.get(chat, 0) + 1
        event = events.pop(chat, None)
        if event is not None:
            event.set()
        body = b""
        status = 204
    else:
        after = int(query.get("after", ["0"])[0])
        if seqs.get(chat, 0) <= after:
            event = events.setdefault(chat, asyncio.Event())
            waiting += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), WAIT)
            finally:
                waiting -= 1
        body = json.dumps({"seq": seqs.get(chat, 0), "agent_typing": False}).encode()
        status = 200
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
