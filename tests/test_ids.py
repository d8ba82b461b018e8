"""Ids are checked where they enter (`config.ids`): an id no primary key can hold is a 400 naming
the field, or a form's invalid choice, and never reaches the database in a list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.ids import MAX_ID, IdField, IdListField, IdsChoiceField
from social.models import Circle

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, 10**20])
def test_an_id_no_row_can_have_is_refused_with_its_range(value):
    field = IdListField()
    with pytest.raises(Exception, match="An id is a whole number from 1 to") as refused:
        field.run_validation([1, value])
    assert refused.typename == "ValidationError"


def test_ids_a_primary_key_can_hold_pass():
    assert IdField().run_validation(str(MAX_ID)) == MAX_ID
    assert IdListField().run_validation([1, "2"]) == [1, 2]


def test_a_form_choice_of_an_id_no_row_can_have_is_invalid_without_a_query(owner):
    field = IdsChoiceField(queryset=Circle.objects.filter(owner=owner), required=False)
    with CaptureQueriesContext(connection) as queries, pytest.raises(Exception) as refused:
        field.clean([str(10**20)])
    assert refused.value.code == "invalid_choice"
    assert len(queries) == 0


def test_a_form_choice_of_an_own_row_passes_and_a_word_stays_not_a_valid_value(owner):
    mine = Circle.objects.filter(owner=owner).first()
    field = IdsChoiceField(queryset=Circle.objects.filter(owner=owner), required=False)
    assert list(field.clean([str(mine.pk)])) == [mine]
    with pytest.raises(Exception) as refused:
        field.clean(["abc"])
    assert refused.value.code == "invalid_pk_value"
