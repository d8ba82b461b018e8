"""Access-matrix rows for the recommendations influence routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
