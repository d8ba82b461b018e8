"""Access-matrix rows for the marketplace reports routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
