"""The usage log's counting: one row per owner, purpose, label and day, and nothing else."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from privacy.models import UsageCount
from privacy.purposes import Purpose
from privacy.usage import record, today

pytestmark = pytest.mark.django_db

SOCIAL = Purpose.SOCIAL_PROOF.value
REVIEW = "Your review of the Trek Marlin 7"


def rows_of(owner) -> list[tuple[str, str, dt.date, int]]:
    return list(
        UsageCount.objects.filter(owner=owner)
        .order_by("day", "purpose", "label")
        .values_list("purpose", "label", "day", "count")
    )


def test_two_uses_on_the_same_day_make_one_row_counting_two(owner):
    record(owner, SOCIAL, REVIEW)
    record(owner, SOCIAL, REVIEW)
    assert rows_of(owner) == [(SOCIAL, REVIEW, timezone.localdate(), 2)]


def test_a_use_tomorrow_makes_a_second_row(owner):
    day = timezone.localdate()
    record(owner, SOCIAL, REVIEW)
    with mock.patch("django.utils.timezone.localdate", return_value=day + dt.timedelta(days=1)):
        record(owner, SOCIAL, REVIEW)
        record(owner, SOCIAL, REVIEW)
    assert rows_of(owner) == [
        (SOCIAL, REVIEW, day, 1),
        (SOCIAL, REVIEW, day + dt.timedelta(days=1), 2),
    ]


def test_each_purpose_and_label_is_counted_apart_and_times_adds_up(owner, stranger):
    record(owner, SOCIAL, REVIEW, times=3)
    record(owner, SOCIAL, "Your purchase of a kettle")
    record(owner, Purpose.INSIGHTS, REVIEW)
    record(stranger, SOCIAL, REVIEW)
    day = timezone.localdate()
    assert rows_of(owner) == [
        (Purpose.INSIGHTS.value, REVIEW, day, 1),
        (SOCIAL, "Your purchase of a kettle", day, 1),
        (SOCIAL, REVIEW, day, 3),
    ]
    assert rows_of(stranger) == [(SOCIAL, REVIEW, day, 1)]


def test_only_counts_are_kept_never_who_or_when_within_the_day():
    fields = {field.name for field in UsageCount._meta.get_fields()}
    assert fields == {"id", "owner", "purpose", "label", "day", "count"}


def test_a_first_use_that_loses_the_race_to_another_is_still_counted(owner):
    """The UPDATE found no row, but a concurrent first use created it before get_or_create."""
    record(owner, SOCIAL, REVIEW)
    real_filter = UsageCount.objects.filter
    missed = mock.Mock()
    missed.update.return_value = 0
    calls = iter([missed])

    def filter_missing_once(*args, **kwargs):
        return next(calls, None) or real_filter(*args, **kwargs)

    with mock.patch.object(UsageCount.objects, "filter", side_effect=filter_missing_once):
        record(owner, SOCIAL, REVIEW)
    assert rows_of(owner) == [(SOCIAL, REVIEW, timezone.localdate(), 2)]


def test_long_labels_are_cut_to_fit(owner):
    record(owner, SOCIAL, "x" * 250)
    record(owner, SOCIAL, "x" * 260)
    [row] = today(owner)
    assert (row.label, row.count) == ("x" * 200, 2)


def test_today_is_only_todays_rows_of_that_owner(owner, stranger):
    day = timezone.localdate()
    UsageCount.objects.create(
        owner=owner, purpose=SOCIAL, label="Yesterday", day=day - dt.timedelta(days=1), count=5
    )
    record(owner, SOCIAL, REVIEW)
    record(stranger, SOCIAL, REVIEW)
    assert [(row.label, row.count) for row in today(owner)] == [(REVIEW, 1)]


def test_many_uses_are_written_in_one_statement_and_added_to_the_days_counts(
    owner, stranger, django_assert_num_queries
):
    from privacy.usage import record_uses

    label = "Your purchases were counted in friends' searches"
    record(owner, Purpose.SOCIAL_PROOF, label)
    with django_assert_num_queries(1):
        record_uses(
            [
                (owner.pk, Purpose.SOCIAL_PROOF, label, 1),
                (stranger.pk, Purpose.SOCIAL_PROOF, label, 1),
                (owner.pk, Purpose.SOCIAL_PROOF, label, 2),
            ]
        )
    counts = dict(UsageCount.objects.values_list("owner_id", "count"))
    assert counts == {owner.pk: 4, stranger.pk: 1}
