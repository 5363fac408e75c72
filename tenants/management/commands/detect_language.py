import sys

from django.core.management.base import BaseCommand, CommandError

from languages.detection import (
    UNDETERMINED,
    detect_language,
    detect_language_for_client,
    detector_load,
)
from tenants.models import Client


class Command(BaseCommand):
    help = (
        "Read one text per line on standard input; print '<code>\\t<confidence>' per line "
        "('und' when undecided). With --client, only that client's languages count."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", help="slug of the client whose languages count")

    def handle(self, *args, **options):
        languages = None
        if options["client"]:
            client = Client.objects.clients().filter(slug=options["client"]).first()
            if client is None:
                raise CommandError(f"no client with slug {options['client']!r}")
            languages = client.languages
        detector_load()
        for line in sys.stdin:
            text = line.rstrip("\n")
            if languages is None:
                found = detect_language(text)
                code = found.language if found.certain else UNDETERMINED
            else:
                found = detect_language_for_client(text, languages=languages, default=UNDETERMINED)
                code = found.language
            self.stdout.write(f"{code}\t{found.confidence:.2f}")
