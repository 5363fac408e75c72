from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.two_factor import two_factor_remove


class Command(BaseCommand):
    help = (
        "Remove a user's two factors (lost phone and recovery codes): their app, recovery "
        "codes and remembered browsers go; they enrol again at their next sign-in if required."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the user name")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        two_factor_remove(user=user, reason="reset by an admin (two_factor_reset)")
        self.stdout.write(f"Two factors of {user.username} removed.")
