"""The bulk listing services: drafts, their moves and their photos, many at once, under the
rules of one, all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import DomainError
from marketplace.models import Listing, ListingPhoto
from marketplace.services.listing_lifecycle import ListingMove, listings_transition
from marketplace.services.listing_photos import listing_photos_add
from marketplace.services.listings import NewListing, listings_create
from social.services.circles import circle_create
from tests.factories import (
    LYON,
    PersonFactory,
    listing_fields,
    make_category,
    not_a_picture,
    picture,
)

pytestmark = pytest.mark.django_db

Status = Listing.Status


def new_listing(seller, **overrides) -> NewListing:
    fields = listing_fields(**overrides)
    return NewListing(seller_id=seller.pk, **fields)


def test_listings_are_written_as_back_dated_drafts_with_their_circles():
    sam = PersonFactory.create(name="Sam")
    club = circle_create(owner=sam, name="Club")
    when = timezone.now() - timedelta(days=20)

    (listing,) = listings_create(
        listings=[new_listing(sam, audience="circles", circle_ids=(club.pk,), at=when)]
    )

    listing.refresh_from_db()
    assert (listing.status, listing.created_at, listing.latitude) == (Status.DRAFT, when, LYON[0])
    assert list(listing.circles.all()) == [club]


def test_a_row_that_breaks_a_field_rule_or_names_another_sellers_circle_refuses_them_all():
    sam, tom = PersonFactory.create(name="Sam"), PersonFactory.create(name="Tom")
    theirs = circle_create(owner=tom, name="Tom's")
    category = make_category()

    with pytest.raises(DomainError, match="^Row 1: Give the listing a title") as refused:
        listings_create(listings=[new_listing(sam, category=category), new_listing(sam, title="x")])
    assert refused.value.field == "title"
    with pytest.raises(DomainError, match="^Row 0: Choose only among your own circles"):
        listings_create(listings=[new_listing(sam, audience="circles", circle_ids=(theirs.pk,))])
    assert not Listing.objects.exists()


def test_moves_follow_the_lifecycle_in_order_and_stamp_their_times():
    sam = PersonFactory.create(name="Sam")
    (listing,) = listings_create(listings=[new_listing(sam)])
    published, reserved, sold = (timezone.now() - timedelta(days=d) for d in (9, 5, 2))

    listings_transition(
        moves=[
            ListingMove(listing, Status.ACTIVE, published),
            ListingMove(listing, Status.RESERVED, reserved),
            ListingMove(listing, Status.SOLD, sold),
        ]
    )

    listing.refresh_from_db()
    assert (listing.status, listing.published_at, listing.sold_at) == (Status.SOLD, published, sold)
    assert listing.updated_at == sold


def test_a_move_the_lifecycle_forbids_refuses_every_move_of_the_batch():
    sam = PersonFactory.create(name="Sam")
    one, two = listings_create(listings=[new_listing(sam), new_listing(sam)])

    with pytest.raises(DomainError, match="^Row 1: A draft listing can't be marked sold"):
        listings_transition(moves=[ListingMove(one, Status.ACTIVE), ListingMove(two, Status.SOLD)])

    assert set(Listing.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_photos_are_cleaned_like_uploads_each_with_its_own_files():
    sam = PersonFactory.create(name="Sam")
    (listing,) = listings_create(listings=[new_listing(sam)])
    same = picture(size=(2400, 1800))

    photos = listing_photos_add(photos=[(listing, same), (listing, same)])

    assert [photo.position for photo in photos] == [0, 1]
    assert photos[0].image.name != photos[1].image.name
    assert max(photos[0].image.width, photos[0].image.height) == 1600


def test_a_file_that_is_not_a_picture_or_an_eleventh_photo_is_refused():
    sam = PersonFactory.create(name="Sam")
    (listing,) = listings_create(listings=[new_listing(sam)])

    with pytest.raises(DomainError, match="^Row 1: "):
        listing_photos_add(photos=[(listing, picture()), (listing, not_a_picture())])
    with pytest.raises(DomainError, match="^Row 10: A listing can have at most"):
        listing_photos_add(photos=[(listing, picture()) for _ in range(Listing.MAX_PHOTOS + 1)])
    assert not ListingPhoto.objects.exists()
