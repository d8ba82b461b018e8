"""Access-matrix rows for the privacy consent routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
