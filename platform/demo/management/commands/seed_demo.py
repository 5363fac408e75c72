from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import totp_secret_base32
from demo.cast import DEMO_AGENTS, DEMO_CLIENTS, DEMO_PASSWORD
from demo.seed import SEED_STEPS
from demo.widget import demo_shop_page_url
from desk.selectors import portal_url
from tenants.services import client_domain_for_slug


class Command(BaseCommand):
    help = "Create the demo clients, users and activity (idempotent), then print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-only", action="store_true", help="print the URLs and logins, seed nothing"
        )
        parser.add_argument(
            "--force", action="store_true", help="seed even though DEBUG is off (not in production)"
        )

    def handle(self, *args, **options):
        if not options["logins_only"] and not settings.DEBUG and not options["force"]:
            # It creates users with a published password: never by accident in production.
            raise CommandError(
                "seed_demo runs with DJANGO_DEBUG=1 (as `make demo` does) or --force."
            )
        if not options["logins_only"]:
            for step in SEED_STEPS:
                step(lambda line: self.stdout.write(f"  {line}"))
        desk = portal_url(settings.AGENCY_DOMAIN)
        self.stdout.write("\nPolydesk demo")
        self.stdout.write(f"  Agent desk       {desk}   (Django admin: {desk}admin/)")
        self.stdout.write(f"    admin / {DEMO_PASSWORD}  (agency admin, with two factors:)")
        device = TOTPDevice.objects.filter(user__username="admin", confirmed=True).first()
        if device is not None:
            self.stdout.write(f"      key (base32) {totp_secret_base32(device)}")
            self.stdout.write(f"      {device.config_url}")
            self.stdout.write(f"      a code now: oathtool --totp -b {totp_secret_base32(device)}")
        for username, first, last in DEMO_AGENTS:
            self.stdout.write(f"    {username} / {DEMO_PASSWORD}  ({first} {last}, agent)")
        for demo in DEMO_CLIENTS:
            url = portal_url(client_domain_for_slug(demo.slug))
            self.stdout.write(f"  {demo.name:<16} {url}")
            self.stdout.write(f"    {demo.slug}-manager / {DEMO_PASSWORD}  (client portal)")
            self.stdout.write(f"    help center: {url}help/  (public)")
            self.stdout.write(
                f"    shop page with the chat widget: {demo_shop_page_url(demo.slug)}"
            )
