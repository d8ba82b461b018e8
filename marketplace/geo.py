"""Distances on the globe, in SQL that PostgreSQL and SQLite both run.

A radius filter is a bounding box on (latitude, longitude), which the composite index answers,
then the exact haversine distance on the few rows left. Rows keep their point in `latitude` and
`longitude` unless `fields` names others (a person's home: `("profile__home_latitude",
"profile__home_longitude")` on users).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.db.models import F, FloatField, Func, Q, Value
from django.db.models.lookups import LessThanOrEqual

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
MAX_RADIUS_KM = 500
POINT = ("latitude", "longitude")  # where a row keeps its point, unless told otherwise


def distance_km(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def degrees_per_km(lat: float) -> tuple[float, float]:
    """Degrees of latitude, and of longitude at latitude `lat`, in one km."""
    return 1 / KM_PER_DEGREE, 1 / (KM_PER_DEGREE * max(math.cos(math.radians(float(lat))), 0.01))


def bounding_box(lat: float, lng: float, radius_km: float, *, fields=POINT) -> Q:
    lat, lng = float(lat), float(lng)
    lat_field, lng_field = fields
    per_lat, per_lng = degrees_per_km(lat)
    dlat, dlng = radius_km * per_lat, radius_km * per_lng
    return Q(
        **{
            f"{lat_field}__gte": Decimal(str(round(lat - dlat, 5))),
            f"{lat_field}__lte": Decimal(str(round(lat + dlat, 5))),
            f"{lng_field}__gte": Decimal(str(round(lng - dlng, 5))),
            f"{lng_field}__lte": Decimal(str(round(lng + dlng, 5))),
        }
    )


class DistanceKm(Func):
    """Haversine distance in km from (lat, lng) to each row's point (its `fields`), or to that
    point rounded to two decimals (`rounded`: a listing's public point, about 1 km).

    One expression whose SQL is written out here, in place of a tree of `Radians`, `Sin`, `Cos`
    and `Power` nodes saying the same, which Django resolved, copied and compiled node by node on
    every search (a visible share of a listing search's Python, `make bench`)."""

    output_field = FloatField()

    def __init__(self, lat: float, lng: float, *, fields=POINT, rounded: bool = False):
        super().__init__(F(fields[0]), F(fields[1]))
        self.point = (float(lat), float(lng))
        self.rounded = rounded

    def as_sql(self, compiler, connection, **extra):
        (lat_sql, lat_params), (lng_sql, lng_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if self.rounded:
            lat_sql, lng_sql = f"ROUND({lat_sql}, 2)", f"ROUND({lng_sql}, 2)"
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"  # as Django's `Least`
        sql = (
            f"2 * %s * ASIN(SQRT({least}("
            f"POWER(SIN((RADIANS({lat_sql}) - RADIANS(%s)) / 2), 2)"
            f" + COS(RADIANS(%s)) * COS(RADIANS({lat_sql}))"
            f" * POWER(SIN((RADIANS({lng_sql}) - RADIANS(%s)) / 2), 2), 1.0)))"
        )
        lat, lng = self.point
        return sql, [EARTH_RADIUS_KM, *lat_params, lat, lat, *lat_params, *lng_params, lng]


def distance_expression(lat: float, lng: float, *, fields=POINT) -> DistanceKm:
    """Haversine distance in km from (lat, lng) to each row's point (its `fields`)."""
    return DistanceKm(lat, lng, fields=fields)


def within_radius_of(
    lat, lng, *, radius_km: float | None = None, radius_field: str = "", fields=POINT
) -> Q:
    """Rows whose point (`fields`) is within `radius_km` (or each row's own `radius_field`) of
    (lat, lng). A row without a point (NULL) is never within.

    The distance is a lookup on the row itself, not a `pk IN (subquery)`: a subquery over a
    500 km box was computed for the whole box on every search (`make bench`), while the lookup is
    evaluated only on the rows that reach it."""
    box = bounding_box(
        lat, lng, radius_km if radius_km is not None else MAX_RADIUS_KM, fields=fields
    )
    limit = Value(float(radius_km)) if radius_km is not None else F(radius_field)
    return box & Q(LessThanOrEqual(distance_expression(lat, lng, fields=fields), limit))
