"""Access-matrix rows for the privacy exports routes (helpers: tests/access/matrix.py)."""

from __future__ import annotations

ROWS: list = []
