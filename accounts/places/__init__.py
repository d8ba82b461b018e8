"""Places chosen by town name: the gazetteer (`gazetteer.py`), the form field that offers its
towns as one types (`fields.py`), and the one rule services apply to a name typed as a place.

Imported by accounts and by the apps to its right (a listing's place), so it depends on nothing
but `config`."""

from __future__ import annotations

from accounts.places.gazetteer import Place, distance_km, fold, gazetteer
from config.errors import DomainError

__all__ = ["Place", "distance_km", "fold", "gazetteer", "place_named", "unknown_place"]


def unknown_place(text: str, *, field: str) -> DomainError:
    """The refusal of a name the gazetteer does not know, on `field`."""
    shown = " ".join(str(text).split())[:60]
    return DomainError(
        f"We don't know a town called “{shown}”. Try a nearby town's name.",
        code="unknown_place",
        field=field,
    )


def place_named(text: str, *, field: str) -> Place:
    """The town `text` names ("Lyon, France", as suggested, or just "Lyon"). Raises DomainError
    on `field` when no town has that name."""
    place = gazetteer().find(text)
    if place is None:
        raise unknown_place(text, field=field)
    return place
