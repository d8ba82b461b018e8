"""Every piece of data that links to a person says how it is exported and how it is erased.

Apps register their models from `AppConfig.ready()` (privacy cannot import apps to its right):

    from privacy.registry import Erasure, personal_data

    personal_data(
        Post, "author",
        export=lambda user: [...],                # JSON-ready rows, one file per kind
        files=lambda user: [(arcname, fieldfile)], # photos to put in the zip
        erasure=Erasure.DELETE,
    )
    personal_data(Block, "blocked", not_exported="Who blocked you is theirs, not yours.",
                  erasure=Erasure.DELETE)

One entry per (model, field that points at the user). `tests/test_privacy_registry.py` fails
when a model gains a link to a person that is in neither list.

Erasure kinds:
- DELETE: the rows go with the person.
- ANONYMISE: the rows stay, the link to the person is cleared (content they chose to keep).
- RETAIN: the rows stay as they are, for a stated reason (the consent ledger, pseudonymised).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


class Erasure(models.TextChoices):
    DELETE = "delete", "Deleted"
    ANONYMISE = "anonymise", "Anonymised"
    RETAIN = "retain", "Kept"


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    field: str
    erasure: Erasure
    export: Callable | None = None
    files: Callable | None = None
    not_exported: str = ""
    why: str = ""
    kind: str = field(default="")

    @property
    def key(self) -> tuple[str, str]:
        return (self.model._meta.label_lower, self.field)


REGISTRY: dict[tuple[str, str], PersonalData] = {}


def personal_data(
    model: type[models.Model],
    field_name: str,
    *,
    erasure: Erasure,
    export: Callable | None = None,
    files: Callable | None = None,
    not_exported: str = "",
    why: str = "",
    kind: str = "",
) -> PersonalData:
    """Declare how `model.field_name` (a link to a person) is exported and erased."""
    if export is None and not not_exported:
        raise ValueError(f"{model.__name__}.{field_name}: export it or say why not.")
    if erasure != Erasure.DELETE and not why and erasure == Erasure.RETAIN:
        raise ValueError(f"{model.__name__}.{field_name}: say why it is retained.")
    entry = PersonalData(
        model=model,
        field=field_name,
        erasure=Erasure(erasure),
        export=export,
        files=files,
        not_exported=not_exported,
        why=why,
        kind=kind or model._meta.label_lower.replace(".", "_"),
    )
    REGISTRY[entry.key] = entry
    return entry


def entries() -> Iterable[PersonalData]:
    return REGISTRY.values()


def links_to_people() -> list[tuple[str, str]]:
    """Every (model, field) in the project that points at the user model."""
    from django.apps import apps
    from django.conf import settings

    user_label = settings.AUTH_USER_MODEL.lower()
    found = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if not model_field.concrete and not model_field.many_to_many:
                continue
            related = getattr(model_field, "related_model", None)
            if related is None or related._meta.label_lower != user_label:
                continue
            if model_field.auto_created and not model_field.concrete:
                continue
            found.append((model._meta.label_lower, model_field.name))
    return sorted(found)
