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


def tupled(value):
    """`value` with every TOML array made a tuple, all the way down: the story's data frozen."""
    if isinstance(value, list):
        return tuple(tupled(item) for item in value)
    if isinstance(value, dict):
        return {key: tupled(item) for key, item in value.items()}
    return value
