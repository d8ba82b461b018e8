"""What members ask brands to reach them about, by category: feedback requests (with `insights`
allowed) or sponsored offers (with `offers` allowed). A choice covers the categories below the
chosen one; nothing reaches anyone on a category alone, without the consent."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from config.errors import DomainError
from marketplace.models import Category, CategoryInterest


def interest_categories(member: User, purpose: str) -> set[int]:
    """The categories `member` asked about for `purpose`, with every category below them."""
    chosen = CategoryInterest.objects.filter(member=member, purpose=purpose).select_related(
        "category"
    )
    return {pk for interest in chosen for pk in interest.category.with_descendants()}


def chosen_categories(member: User, purpose: str) -> list[int]:
    return list(
        CategoryInterest.objects.filter(member=member, purpose=purpose).values_list(
            "category_id", flat=True
        )
    )


@transaction.atomic
def interests_set(*, member: User, purpose: str, category_ids: Sequence[int | str]) -> list[int]:
    """The categories `member` asks brands to reach them about for `purpose`, replacing the
    earlier choice. DomainError (nothing changed) for an unknown purpose or category."""
    if purpose not in CategoryInterest.Purpose.values:
        raise DomainError("Choose feedback requests or offers.", code="bad_purpose")
    try:
        wanted = {int(pk) for pk in category_ids}
    except (TypeError, ValueError):
        raise DomainError("Choose among the categories listed.", code="bad_category") from None
    known = set(Category.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if known != wanted:
        raise DomainError("Choose among the categories listed.", code="bad_category")
    mine = CategoryInterest.objects.filter(member=member, purpose=purpose)
    mine.exclude(category_id__in=wanted).delete()
    have = set(mine.values_list("category_id", flat=True))
    CategoryInterest.objects.bulk_create(
        CategoryInterest(member=member, category_id=pk, purpose=purpose)
        for pk in sorted(wanted - have)
    )
    return sorted(wanted)
