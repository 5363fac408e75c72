"""Import a previous system's contact history: ``manage.py staffing_history_import FILE``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffing.services import ImportRefused, history_import


class Command(BaseCommand):
    help = (
        "Import contact history from a CSV file (hour, client, language, channel, contacts, "
        "and optionally handled, handle_seconds, abandoned, wait_seconds): all lines or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = history_import(data=file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except ImportRefused as error:
            raise CommandError(f"Nothing imported. {error}") from None
        self.stdout.write(f"{result.stored} hours imported.")
