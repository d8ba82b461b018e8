"""What the web entry points do once the application is loaded."""

from __future__ import annotations

import gc


def freeze_loaded_heap() -> None:
    """Collect once, then leave everything loaded so far (Django, the apps, their modules and
    settings: long-lived objects) out of every later garbage collection. A full collection
    then walks only what requests made, instead of pausing a request for the whole heap
    (measured by `make bench`: occasional long pauses in social searches before, none after)."""
    gc.collect()
    gc.freeze()
