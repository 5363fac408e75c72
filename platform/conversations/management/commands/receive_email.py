import sys

from django.core.management.base import BaseCommand

from conversations.email_in import EmailRejected, email_file_raw

EX_NOUSER = 67  # sysexits.h: the MTA bounces the message with the reason


class Command(BaseCommand):
    help = "File one RFC 822 message read on standard input (for an MTA pipe)."

    def handle(self, *args, **options):
        try:
            filed = email_file_raw(sys.stdin.buffer.read())
        except EmailRejected as rejection:
            self.stderr.write(f"rejected: {rejection}")
            sys.exit(EX_NOUSER)
        self.stdout.write(f"filed for {filed.client_slug}: conversation {filed.conversation_id}"
                          f"{' (reply)' if filed.threaded else ''}")  # fmt: skip
