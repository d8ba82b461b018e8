"""The demo's story as data: the TOML files in `demo/data/`, read once each."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def story(name: str) -> dict:
    """`demo/data/<name>.toml`, parsed."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)
