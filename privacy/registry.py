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

One entry per (model, field that points at the user). `privacy/tests/test_registry.py` fails
when a model gains a link to a person that is in neither list. Each entry has its own `kind`,
the name of its file in an export and of its line on the deletion page: two entries never share
one (`personal_data` refuses it).

Erasure kinds:
- DELETE: the rows go with the person.
- ANONYMISE: the rows stay, the link to the person is cleared (what others rely on).
- RETAIN: the rows stay as they are, for a stated reason (the consent ledger, pseudonymised).

A row that stays (ANONYMISE or RETAIN) says why (`why`, its purpose) and for how long
(`retention`): the deletion page and docs/privacy-retention.md list them. Where a rule needs more
than the link's kind, an entry adds:
- `also_delete(user)`: rows of this model that go although the rest stay (a review nobody could
  see any more, a sale nobody else holds), deleted with their files and admin-log copies;
- `before_erasure(user)`: what must happen first (a reservation released, open reports closed,
  the audit log's addresses dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from accounts.models import User

type ExportRow = dict[str, object]
"""One exported row, JSON through `DjangoJSONEncoder` (dates and decimals as they are)."""

type ExportFile = tuple[str, FieldFile]
"""A file to put in an export: its name in the zip, and the stored file."""

type Export = Callable[[User], Iterable[ExportRow]]
type Files = Callable[[User], Iterable[ExportFile]]
type AlsoDelete = Callable[[User], models.QuerySet[models.Model]]
type BeforeErasure = Callable[[User], object]


class Erasure(models.TextChoices):
    DELETE = "delete", "Deleted"
    ANONYMISE = "anonymise", "Anonymised"
    RETAIN = "retain", "Kept"


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    field: str
    erasure: Erasure
    export: Export | None = None
    files: Files | None = None
    not_exported: str = ""
    why: str = ""
    kind: str = ""
    retention: str | Callable[[], str] = ""
    also_delete: AlsoDelete | None = None
    before_erasure: BeforeErasure | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.model._meta.label_lower, self.field)

    @property
    def retention_period(self) -> str:
        """How long the rows that stay are kept, in words (read now: it may come from a
        setting)."""
        return self.retention() if callable(self.retention) else self.retention

    @property
    def title(self) -> str:
        """The entry's name for people: its kind in words."""
        return self.kind.replace("_", " ").capitalize()


REGISTRY: dict[tuple[str, str], PersonalData] = {}


def personal_data(
    model: type[models.Model],
    field_name: str,
    *,
    erasure: Erasure,
    export: Export | None = None,
    files: Files | None = None,
    not_exported: str = "",
    why: str = "",
    kind: str = "",
    retention: str | Callable[[], str] = "",
    also_delete: AlsoDelete | None = None,
    before_erasure: BeforeErasure | None = None,
) -> PersonalData:
    """Declare how `model.field_name` (a link to a person) is exported and erased.

    Raises ValueError when the declaration leaves a promise open: neither exported nor said
    why not, rows that stay without a purpose (`why`) or a `retention` period, or a `kind`
    another entry already has."""
    name = f"{model.__name__}.{field_name}"
    if export is None and not not_exported:
        raise ValueError(f"{name}: export it or say why not.")
    if erasure != Erasure.DELETE and not why:
        raise ValueError(f"{name}: say why it is {Erasure(erasure).label.lower()}.")
    if erasure != Erasure.DELETE and not retention:
        raise ValueError(f"{name}: say how long what stays is kept (retention).")
    entry = PersonalData(
        model=model,
        field=field_name,
        erasure=Erasure(erasure),
        export=export,
        files=files,
        not_exported=not_exported,
        why=why,
        kind=kind or model._meta.label_lower.replace(".", "_"),
        retention=retention,
        also_delete=also_delete,
        before_erasure=before_erasure,
    )
    for other in REGISTRY.values():
        if other.kind == entry.kind and other.key != entry.key:
            raise ValueError(
                f"{name}: the kind “{entry.kind}” is already {other.model.__name__}."
                f"{other.field}'s; give each entry its own."
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
