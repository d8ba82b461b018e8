"""Access-matrix rows for the privacy erasure routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
