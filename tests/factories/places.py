"""Places the tests measure distances between, as (latitude, longitude)."""

from __future__ import annotations

from decimal import Decimal

# Central Lyon, where the listing tests sell; their places are measured from here.
LYON = (Decimal("45.76000"), Decimal("4.83500"))

# The search tests' map.
AMSTERDAM = (52.37, 4.90)
UTRECHT = (52.09, 5.12)  # about 40 km from Amsterdam
PARIS = (48.86, 2.35)  # about 430 km from Amsterdam
