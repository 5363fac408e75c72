import sys
from contextlib import suppress

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from conversations.email_in import MAX_BYTES
from intake.services import mail_receive, receipt_write

# sysexits.h, as MTAs read them: a permanent failure bounces with the reason on stderr, a
# temporary one leaves the message in the MTA's queue to try again.
EX_DATAERR, EX_NOUSER, EX_UNAVAILABLE, EX_TEMPFAIL = 65, 67, 69, 75
_EXIT = {"no_recipient": EX_NOUSER, "unparseable": EX_DATAERR, "too_large": EX_UNAVAILABLE}


class Command(BaseCommand):
    help = "Keep and file one RFC 822 message read on standard input (for an MTA pipe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            default="",
            help="the envelope recipient (Postfix: ${original_recipient})",
        )

    def handle(self, *args: object, recipient: str = "", **options: object) -> None:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            size = len(raw) + len(sys.stdin.buffer.read())  # the MTA waits for its end
            reason = f"message of {size} bytes is over the limit of {MAX_BYTES}"
            with suppress(DatabaseError):  # refused all the same: the MTA bounces it
                receipt_write(
                    raw=None,
                    source="pipe",
                    size=size,
                    envelope=recipient,
                    state="refused",
                    reason=reason,
                )
            self.stderr.write(f"552 5.3.4 message over the limit of {MAX_BYTES} bytes")
            sys.exit(EX_UNAVAILABLE)
        try:
            outcome = mail_receive(raw=raw, source="pipe", envelope=recipient)
        except DatabaseError as problem:
            self.stderr.write(f"451 4.3.0 cannot store the message now: {problem}")
            sys.exit(EX_TEMPFAIL)
        if not outcome.accepted:
            self.stderr.write(f"rejected: {outcome.reason}")
            sys.exit(_EXIT[outcome.status])
        filed = outcome.filed
        where = f" for {filed.client_slug}: conversation {filed.conversation_id}" if filed else ""
        self.stdout.write(
            f"{outcome.status}{where}{' (reply)' if filed and filed.threaded else ''}"
        )
