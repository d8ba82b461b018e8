from django.conf import settings
from django.core.management.base import BaseCommand

DEMO_LOGINS = ["anna@demo.bazaar.test", "ben@demo.bazaar.test"]


class Command(BaseCommand):
    help = "Print the demo logins made by seed_demo."

    def handle(self, *args, **options):
        self.stdout.write(f"  Demo logins (password: {settings.DEMO_PASSWORD}):")
        for email in DEMO_LOGINS:
            self.stdout.write(f"    {email}")
