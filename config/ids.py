"""Ids as a request gives them, checked where they enter.

Every primary key is a bigint, so an id beyond it names no row. Django already answers "no such
row" for one such id (`pk=...`), but a list of them (`pk__in=[...]`, `__any`) would reach the
database, which refuses the whole query (SQLite: "Python int too large to convert to SQLite
INTEGER"; PostgreSQL, for a `bigint[]`: "value out of range"). So fields that take ids check
them first: a list with an id no row can have is a 400 naming the field (`IdField`,
`IdListField`), or a form's "Select a valid choice" (`IdsChoiceField`), never a 500.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest bigint

OUT_OF_RANGE = f"An id is a whole number from 1 to {MAX_ID}."


def is_id(value: int) -> bool:
    """Whether a primary key can hold `value`."""
    return 1 <= value <= MAX_ID


class IdField(serializers.IntegerField):
    """An id in a request body: a whole number from 1 to `MAX_ID`."""

    default_error_messages = {"min_value": OUT_OF_RANGE, "max_value": OUT_OF_RANGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdListField(serializers.ListField):
    """A list of ids in a request body, each an `IdField`."""

    child = IdField()


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A form's choice of rows by id, where an id no row can have is one more invalid choice
    (it is never sent to the database in a list)."""

    def _check_values(self, value):
        for given in value:
            try:
                pk = int(str(given))
            except (TypeError, ValueError):
                continue  # Django's own check says it is not a valid value
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": given},
                )
        return super()._check_values(value)
