from django.core.management.base import BaseCommand

from demo.seed import DEMO_AGENTS, DEMO_CLIENTS, DEMO_PASSWORD, SEED_STEPS
from desk.selectors import portal_url
from tenants.services import client_domain_for_slug


class Command(BaseCommand):
    help = "Create the demo clients, users and activity (idempotent), then print the logins."

    def handle(self, *args, **options):
        for step in SEED_STEPS:
            step(lambda line: self.stdout.write(f"  {line}"))
        from django.conf import settings

        self.stdout.write("\nPolydesk demo")
        self.stdout.write(f"  agent desk  {portal_url(settings.AGENCY_DOMAIN)}")
        self.stdout.write(
            f"    admin / {DEMO_PASSWORD}  (also {portal_url(settings.AGENCY_DOMAIN)}admin/)"
        )
        for username, first, last in DEMO_AGENTS:
            self.stdout.write(f"    {username} / {DEMO_PASSWORD}  ({first} {last}, agent)")
        for demo in DEMO_CLIENTS:
            url = portal_url(client_domain_for_slug(demo.slug))
            self.stdout.write(f"  {demo.name:<16} {url}")
            self.stdout.write(f"    {demo.slug}-manager / {DEMO_PASSWORD}")
