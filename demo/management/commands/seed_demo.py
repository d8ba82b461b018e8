"""`manage.py seed_demo`: build the demo community; safe to run again and again."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import people as demo


class Command(BaseCommand):
    help = (
        "Create the demo community (about sixty people in three regions, a moderator and an "
        "admin, all with DEMO_PASSWORD). Idempotent: re-running adds only what is missing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DJANGO_ENV=production.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if settings.DJANGO_ENV == "production" and not force:
            raise CommandError(
                "Refusing to seed demo data with DJANGO_ENV=production: it creates accounts "
                "whose password is published (DEMO_PASSWORD). Pass --force if you mean it."
            )
        started = time.monotonic()
        self.stdout.write("Seeding the demo community:")
        demo.build(self.stdout)
        self.stdout.write(f"  Done in {time.monotonic() - started:.1f} s.")
