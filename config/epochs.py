"""Cache keys that change when what the cached value was built from changes.

A cache of data derived from rows puts a version of those rows in its key; the code that changes
the rows bumps the version. `bump_now_and_after_commit` bumps twice: at once, so a later read in
the same transaction (or a test's) misses the cache, and again once the transaction commits, so a
value that a concurrent request cached between the two, from rows as they were before the commit,
is never read again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import transaction


def new_token() -> str:
    """A fresh version: random, so a version lost from the cache is never made again."""
    return secrets.token_hex(8)


def bump_now_and_after_commit(bump: Callable[[], None]) -> None:
    bump()
    transaction.on_commit(bump)
