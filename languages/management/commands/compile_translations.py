from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the UI translations (.po -> .mo) with babel: no GNU gettext needed. "
        "Run by the set-up; .mo files are build output, not kept in git."
    )

    def handle(self, *args, **options):
        compiled = 0
        for folder in settings.LOCALE_PATHS:
            for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                locale = po_path.parent.parent.name
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=locale)
                with po_path.with_suffix(".mo").open("wb") as mo_file:
                    write_mo(mo_file, catalog)
                compiled += 1
        self.stdout.write(f"compiled {compiled} translation catalogs")
