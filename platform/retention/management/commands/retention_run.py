"""``manage.py retention_run (--client <slug> | --all) [--dry-run]``: apply the clients'
retention rules now (the daily beat task does the same), or say what would go."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tenants.utils import schema_context

from retention.selectors import retention_due
from retention.services import retention_apply
from tenants.models import Client


class Command(BaseCommand):
    help = "Apply the retention rule of one client (or all), or with --dry-run say what would go."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--client", help="one client's slug")
        which.add_argument("--all", action="store_true", help="every client")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go, change nothing"
        )

    def handle(
        self, *args: Any, client: str | None = None, dry_run: bool = False, **options: Any
    ) -> None:
        clients = Client.objects.clients().filter(ready=True).order_by("slug")
        if client:
            clients = clients.filter(slug=client)
            if not clients.exists():
                raise CommandError(f"No client {client!r}.")
        now = timezone.now()
        for each in clients:
            with schema_context(each.schema_name):
                due = retention_due(client=each, now=now)
                done = None if dry_run else retention_apply(client=each, now=now)
            for kind in due:
                period = f"{kind.days} days" if kind.days is not None else "kept"
                oldest = f"{kind.oldest:%Y-%m-%d}" if kind.oldest else "-"
                count = kind.count if done is None else done.counts[kind.kind]
                verb = "would go" if dry_run else "removed"
                self.stdout.write(
                    f"{each.slug}\t{kind.kind}\t{period}\t{verb}: {count}\toldest: {oldest}"
                )
            if done is not None:
                self.stdout.write(f"{each.slug}\tfiles deleted: {done.files_deleted}")
