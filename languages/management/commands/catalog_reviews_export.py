from django.core.management.base import BaseCommand

from languages.catalog_review import catalog_reviews_export


class Command(BaseCommand):
    help = (
        "Write the speakers' reviews and proposed texts (agency admin, Interface translations) "
        "into the catalog files of this checkout, for the developers to commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", action="append", help="only these languages")

    def handle(self, *args, **options):
        written = catalog_reviews_export(languages=options["language"])
        for language, count in sorted(written.items()):
            self.stdout.write(f"{language}: {count} reviewed messages written")
        if not written:
            self.stdout.write("no review to write")
