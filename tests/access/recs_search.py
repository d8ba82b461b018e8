"""Access-matrix rows for the recommendations search routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
