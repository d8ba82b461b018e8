"""Cache keys that change when what the cached value was built from changes.

A cache of data derived from rows puts a version of those rows in its key; the code that changes
the rows bumps the version. `bump_now_and_after_commit` bumps twice: at once, so a later read in
the same transaction (or a test's) misses the cache, and again once the transaction commits, so a
value that a concurrent request cached between the two, from rows as they were before the commit,
is never read again.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction


def new_token() -> str:
    """A fresh version: random, so a version lost from the cache is never made again."""
    return secrets.token_hex(8)


def bump_now_and_after_commit(bump: Callable[[], None]) -> None:
    bump()
    transaction.on_commit(bump)


def version(key: str) -> str:
    """The version kept under `key`, made on first use and kept until it moves."""
    return cache.get_or_set(key, new_token, timeout=None)


def move_versions(keys: Iterable[str]) -> None:
    """Move the versions under `keys`, now and after commit, each time to a new token (the one
    after commit must differ from the one set at once)."""
    keys = set(keys)
    if keys:
        bump_now_and_after_commit(
            lambda: cache.set_many(dict.fromkeys(keys, new_token()), timeout=None)
        )


class LocalMemo:
    """The last `size` values made under versioned keys, kept in this process's memory: for a
    value read on every request that costs more to read and unpickle from the shared cache than
    to keep (a viewer's gated network). Only for keys that carry every version their value was
    made from: a moved version is a new key, and the old entry ages out unread. Thread-safe."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key: str, make: Callable[[], object]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
