"""Access-matrix rows for the marketplace search routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
