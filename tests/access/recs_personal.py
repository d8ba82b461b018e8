"""Access-matrix rows for the recommendations personal routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
