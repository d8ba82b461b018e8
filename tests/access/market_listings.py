"""Access-matrix rows for the marketplace listings routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
