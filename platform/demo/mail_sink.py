"""The demo's outgoing mail server: an SMTP sink (aiosmtpd) on 127.0.0.1 that keeps every
message it accepts as an ``.eml`` file under ``var/mail/`` and logs one line for it, and
refuses (550) recipients at the domains of ``POLYDESK_MAIL_SINK_REFUSE`` (``bounce.invalid``
by default), so that the demo shows a failed send as well. Mail to the domains of
``POLYDESK_MAIL_SINK_BOUNCE_LATER`` (``gone.invalid``) is accepted, then answered with an
RFC 3464 delivery report to its sender, handed to ``manage.py receive_email`` as an MTA
would, so that the demo shows a bounce too. Nothing leaves the machine.

Run by ``make demo`` as the Procfile's ``mail`` process: ``python -m demo.mail_sink``.
"""

import argparse
import logging
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from config import env
from demo.delivery_report import delivery_report

log = logging.getLogger("polydesk.mail_sink")


class SinkHandler:
    """aiosmtpd handler: refuse the bounce domains at RCPT, keep the rest at DATA."""

    def __init__(
        self, folder: Path, refused_domains: list[str], bounce_later_domains: Sequence[str] = ()
    ) -> None:
        self.folder = folder
        self.refused_domains = {domain.lower() for domain in refused_domains}
        self.bounce_later_domains = {domain.lower() for domain in bounce_later_domains}

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        domain = address.rpartition("@")[2].lower().rstrip(">")
        if domain in self.refused_domains:
            log.info("refused %s (a bounce domain of the demo)", address)
            return f"550 5.1.1 <{address}>: no such mailbox (the demo refuses @{domain})"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or envelope.content or b""
        assert isinstance(data, bytes)  # without decode_data, aiosmtpd keeps the bytes
        path = self.keep(data)
        log.info(
            "kept %s from %s to %s (%d bytes)",
            path.name,
            envelope.mail_from,
            ", ".join(envelope.rcpt_tos),
            path.stat().st_size,
        )
        gone = [
            address
            for address in envelope.rcpt_tos
            if address.rpartition("@")[2].lower() in self.bounce_later_domains
        ]
        if gone and envelope.mail_from and envelope.mail_from != "<>":
            original = envelope.original_content or envelope.content or b""
            threading.Thread(
                target=self.report, daemon=True, args=(envelope.mail_from, gone, original)
            ).start()
        return "250 Message accepted for delivery"

    def report(self, sender: str, recipients: list[str], original: bytes) -> None:
        """Return a delivery report to the sender through ``manage.py receive_email``, as an
        MTA hands mail to Polydesk's pipe (after the 250, as a real server would)."""
        report = delivery_report(sender=sender, recipients=recipients, original=original)
        done = subprocess.run(
            [sys.executable, "manage.py", "receive_email", "--recipient", sender],
            input=report,
            capture_output=True,
            timeout=120,
            check=False,
        )
        log.info(
            "returned a delivery report for %s to %s: exit %d %s",
            ", ".join(recipients),
            sender,
            done.returncode,
            done.stdout.decode(errors="replace").strip(),
        )

    def keep(self, data: bytes) -> Path:
        """Write the message as received; a reader never sees half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)
        return path


def sink_controller(
    *,
    folder: Path,
    refused_domains: list[str],
    host: str = "127.0.0.1",
    port: int = 8025,
    bounce_later_domains: Sequence[str] = (),
) -> Controller:
    """A started-on-demand sink (``.start()``/``.stop()``), as the demo and the tests run it."""
    return Controller(
        SinkHandler(folder, refused_domains, bounce_later_domains),
        hostname=host,
        port=port,
        # Our replies carry non-ASCII names; mail up to the platform's 25 MB (and headers).
        enable_SMTPUTF8=True,
        data_size_limit=32 * 1024 * 1024,
    )


def main(argv: list[str] | None = None) -> None:

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=env.mail_sink_port())
    parser.add_argument("--folder", type=Path, default=env.VAR_DIR / "mail")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # aiosmtpd logs every command of every session at INFO: one line per message is ours.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    refused = env.mail_sink_refused_domains()
    controller = sink_controller(
        folder=args.folder,
        refused_domains=refused,
        port=args.port,
        bounce_later_domains=env.mail_sink_bounce_later_domains(),
    )
    controller.start()
    log.info(
        "mail sink on 127.0.0.1:%d: keeps mail in %s, refuses @%s",
        args.port,
        args.folder,
        ", @".join(refused) or "nothing",
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
