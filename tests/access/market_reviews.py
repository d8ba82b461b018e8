"""Access-matrix rows for the marketplace reviews routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
