"""The towns a place is chosen from, by name: suggestions as one types, the town a name means,
and the town nearest a point.

The towns are GeoNames' towns of 5,000 people or more (`towns.tsv` beside this module, written
by `manage.py gazetteer_build`), with their centre rounded to two decimals (about 1 km), as a
home is stored. The file is read once per process, on first use, and kept in memory as it is
written: sorted by accent-folded name, so a prefix is found by bisection; the grid of
one-degree cells that finds the nearest town is built on its first use. Nothing here touches
the database.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

TOWNS_FILE = Path(__file__).with_name("towns.tsv")

SUGGESTIONS = 8  # at most this many suggestions for what one types
NEAREST_WITHIN_KM = 100  # "use my location" further than this from any town finds none

_PUNCTUATION = str.maketrans(dict.fromkeys("-'’.,()/", " "))
_REGION = re.compile(r"^(?P<name>.*\S)\s*\((?P<region>[^()]*)\)\s*$")


def fold(text: str) -> str:
    """`text` as names are compared: without accents, case or punctuation ("Saint-Étienne" and
    "saint etienne" fold alike)."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().translate(_PUNCTUATION).split())


@dataclass(frozen=True, slots=True)
class Place:
    """A town: what people see (`label`, "Lyon, France") and where it is (rounded to ~1 km)."""

    label: str
    name: str
    country: str
    country_code: str
    latitude: Decimal
    longitude: Decimal
    population: int

    def __str__(self) -> str:
        return self.label


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two points, in km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def _split(text: str) -> tuple[str, str, str]:
    """(town, comma, country) of "Lyon, France"; ("Lyon", "", "") of "Lyon"."""
    named, comma, country = str(text).rpartition(",")
    if not comma:
        return country, "", ""
    return named, comma, country


def _ring(row: int, column: int, ring: int) -> list[tuple[int, int]]:
    """The one-degree cells `ring` steps from (row, column), wrapping round the date line."""
    return [
        (row + dr, (column + dc + 180) % 360 - 180)
        for dr in range(-ring, ring + 1)
        for dc in range(-ring, ring + 1)
        if max(abs(dr), abs(dc)) == ring
    ]


class Gazetteer:
    """An index of towns kept as the file gives them: sorted by folded name, the most populous
    first among towns of one name. Rows become `Place`s only when they are answered."""

    def __init__(self, rows: list[list[str]]) -> None:
        """`rows`: (folded name, name, region, country, country code, latitude, longitude,
        population), sorted by folded name, then population, the largest first."""
        self._names = [row[0] for row in rows]
        self._rows = rows
        self._countries: dict[str, str] = {}

    def _place(self, index: int) -> Place:
        _, name, region, country, code, lat, lng, people = self._rows[index]
        label = f"{name} ({region}), {country}" if region else f"{name}, {country}"
        return Place(label, name, country, code, Decimal(lat), Decimal(lng), int(people))

    def _named(self, prefix: str) -> range:
        """The indexes of the towns whose folded name starts with `prefix`."""
        start = bisect_left(self._names, prefix)
        end = bisect_left(self._names, prefix + "\U0010ffff", lo=start)
        return range(start, end)

    def _country(self, index: int) -> str:
        """The folded name of the town's country."""
        country = self._rows[index][3]
        if country not in self._countries:
            self._countries[country] = fold(country)
        return self._countries[country]

    def _in_country(self, index: int, country: str) -> bool:
        """Whether the town is in the country `country` (folded) names or begins to name."""
        return self._country(index).startswith(country) or self._rows[index][4].lower() == country

    def suggest(self, text: str, *, limit: int = SUGGESTIONS) -> list[Place]:
        """The towns whose name starts like `text` (accents and case aside; "Lyon, Fr" narrows
        to a country): the town `text` names first, then those named exactly so, then the most
        populous. Empty for fewer than two letters."""
        named, _, country = _split(text)
        query = fold(named)
        if len(query) < 2:
            return []
        country = fold(country)
        matches = [
            index for index in self._named(query) if not country or self._in_country(index, country)
        ]
        best = heapq.nsmallest(
            limit,
            matches,
            key=lambda index: (self._names[index] != query, -int(self._rows[index][7])),
        )
        places = [self._place(index) for index in best]
        exact = self.find(text)
        if exact is not None and exact not in places[:1]:
            places = [exact, *(place for place in places if place != exact)][:limit]
        return places

    def find(self, text: str) -> Place | None:
        """The town `text` names: a label as suggested ("Lyon, France", "London (KY), United
        States"), a town's name ("Lyon": the most populous of that name) or its name and country
        code ("London, GB")."""
        named, comma, country = _split(text)
        region = ""
        if match := _REGION.match(named):
            named, region = match["name"], match["region"].strip()
        query, country = fold(named), fold(country)
        if not query or (comma and not country):
            return None
        for index in self._named(query):
            row = self._rows[index]
            if row[0] != query:
                break
            if region and row[2].casefold() != region.casefold():
                continue
            if country and self._country(index) != country and row[4].lower() != country:
                continue
            return self._place(index)
        return None

    @cached_property
    def _grid(self) -> dict[tuple[int, int], list[tuple[float, float, int]]]:
        """The towns by one-degree cell: (latitude, longitude, index)."""
        grid: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
        for index, row in enumerate(self._rows):
            lat, lng = float(row[5]), float(row[6])
            grid.setdefault((math.floor(lat), math.floor(lng)), []).append((lat, lng, index))
        return grid

    def nearest(self, latitude: float, longitude: float) -> Place | None:
        """The town nearest the point, if one lies within `NEAREST_WITHIN_KM`."""
        lat, lng = float(latitude), float(longitude)
        row, column = math.floor(lat), math.floor(lng)
        best: tuple[float, int] | None = None
        for ring in range(3):  # 1° of latitude is 111 km: two rings cover NEAREST_WITHIN_KM
            for cell in _ring(row, column, ring):
                for town_lat, town_lng, index in self._grid.get(cell, ()):
                    km = distance_km(lat, lng, town_lat, town_lng)
                    if best is None or km < best[0]:
                        best = (km, index)
            if best is not None and best[0] < ring * 50:
                break  # every town in a further ring is further than that
        if best is None or best[0] > NEAREST_WITHIN_KM:
            return None
        return self._place(best[1])


def read_towns(path: Path = TOWNS_FILE) -> Gazetteer:
    """The gazetteer in `path`: one town a line, as `gazetteer_build` writes it."""
    with path.open(encoding="utf-8") as lines:
        return Gazetteer([line.rstrip("\n").split("\t") for line in lines])


@cache
def gazetteer() -> Gazetteer:
    """The towns of `towns.tsv`, read on first use and kept for the life of the process."""
    return read_towns()
