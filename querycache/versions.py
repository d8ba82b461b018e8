"""Cache keys that change when what the cached value was built from changes.

A cache of data derived from rows puts a version of those rows in its key (`version`); the model
signals of those rows move it (`move_versions`), so a write from a service, the admin, a shell or
a data migration is seen alike. A version is a random token, never a counter: one evicted from
the cache is made again as a new token, so an old key can never be read again.

A move happens twice: at once, so a later read in the same transaction (or a test's) misses the
cache, and again once the transaction commits, so a value that a concurrent request cached
between the two, from rows as they were before the commit, is never read again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction


def new_token() -> str:
    """A fresh version: random, so a version lost from the cache is never made again."""
    return secrets.token_hex(8)


def cached[T](key: str, make: Callable[[], T], timeout: float | None) -> T:
    """The value under `key`, else `make()`'s, kept for `timeout` seconds (None: until evicted).
    For values that are never None: the cache answers None for a key that holds None, and then
    it is made again. Unlike `cache.get_or_set`, a value made here is not read back from the
    cache (for a large value, as long again as making its pickle): only when another process
    kept one first (`add` refused) is theirs read, so every reader gets the same."""
    found: T | None = cache.get(key)
    if found is not None:
        return found
    made = make()
    if cache.add(key, made, timeout):
        return made
    kept: T | None = cache.get(key)
    return made if kept is None else kept


def version(key: str) -> str:
    """The version kept under `key`, made on first use and kept until it moves."""
    return cached(key, new_token, timeout=None)


def move_versions(keys: Iterable[str]) -> None:
    """Move the versions under `keys`, now and after commit, each time to a new token (the one
    after commit must differ from the one set at once)."""
    keys = set(keys)
    if not keys:
        return

    def move() -> None:
        cache.set_many(dict.fromkeys(keys, new_token()), timeout=None)

    move()
    transaction.on_commit(move)


class LocalMemo[T = object]:
    """The last `size` values made under versioned keys, kept in this process's memory for at
    most `ttl_seconds` each: for a value read on every request that costs more to read and
    unpickle from the shared cache than to keep (a viewer's gated network). Only for keys that
    carry every version their value was made from: a moved version is a new key, and the old
    entry ages out unread. The time bound is the shared cache's for the same values, so what no
    version covers (a write that bypassed the model signals) is not kept longer here than there.
    `clock` (seconds, monotonic) is for tests. Thread-safe."""

    def __init__(
        self, size: int, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("A memo's entries need a positive time bound.")
        self.size, self.ttl_seconds, self.clock = size, ttl_seconds, clock
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key: str, make: Callable[[], T]) -> T:
        """The value kept under `key` if it was made less than `ttl_seconds` ago, else `make()`,
        kept from now."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                made_at, value = found
                if self.clock() - made_at < self.ttl_seconds:
                    self._items.move_to_end(key)
                    return value
                del self._items[key]
        made_at = self.clock()  # before making: the value is as old as what it was made from
        value = make()
        with self._lock:
            self._items[key] = (made_at, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
