from django.conf import settings
from django.core.management.base import BaseCommand

from demo.brands import brand_manager
from demo.people import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins made by seed_demo."

    def handle(self, *args, **options):
        self.stdout.write(f"  Demo logins (password: {settings.DEMO_PASSWORD}):")
        manager = brand_manager()
        logins = [*DEMO_LOGINS, (manager.email, f"{manager.display_name}, runs Trek's page")]
        width = max(len(email) for email, _ in logins)
        for email, role in logins:
            self.stdout.write(f"    {email.ljust(width)}  {role}")
