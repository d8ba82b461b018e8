from django.conf import settings
from django.core.management.base import BaseCommand

from demo.people import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins made by seed_demo."

    def handle(self, *args, **options):
        self.stdout.write(f"  Demo logins (password: {settings.DEMO_PASSWORD}):")
        width = max(len(email) for email, _ in DEMO_LOGINS)
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"    {email.ljust(width)}  {role}")
