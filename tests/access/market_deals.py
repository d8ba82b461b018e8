"""Access-matrix rows for the marketplace deals routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
