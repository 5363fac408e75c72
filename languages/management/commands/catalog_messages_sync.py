from django.core.management.base import BaseCommand

from languages.catalog_review import catalog_messages_sync


class Command(BaseCommand):
    help = (
        "Mirror the interface catalogs into the review list (agency admin, Interface "
        "translations). migrate_platform runs it on every deploy."
    )

    def handle(self, *args, **options):
        result = catalog_messages_sync()
        self.stdout.write(
            f"catalog messages: {result.created} new, {result.updated} changed, "
            f"{result.deleted} gone, {result.reviewed} reviewed"
        )
