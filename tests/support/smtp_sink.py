"""A local SMTP server (aiosmtpd) for tests and the benchmark: keeps what it accepts, can
answer slowly or refuse with a given reply."""

import asyncio
import socket
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:  # aiosmtpd cannot be given port 0
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Keeps what it accepts. ``delay``: seconds before each answer to MAIL, RCPT and the
    end of the data; the data is kept before its slow answer (a server that has the message
    and is slow to say so: the worst case for a sender killed meanwhile)."""

    def __init__(self, *, reply: str = "250 OK", delay: float = 0.0) -> None:
        self.reply, self.delay = reply, delay
        self.received: list = []  # (recipients, parsed message), in the order accepted

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._slowly()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._slowly()
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook names
        if self.reply.startswith("250"):
            parsed = message_from_bytes(envelope.content, policy=default)
            self.received.append((envelope.rcpt_tos, parsed))
        await self._slowly()
        return self.reply

    async def _slowly(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for _, message in self.received]


def sink_start(sink: Sink) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def mailers_for(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
