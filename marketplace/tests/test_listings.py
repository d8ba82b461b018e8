"""Creating and editing listings: every field is checked, a refusal says what to fix and
changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config.errors import Conflict, DomainError, NotAllowed
from marketplace.models import Listing, ListingPhoto
from marketplace.services import listing_photos, listings
from social.services.circles import circle_create
from tests.factories import category, listing_fields, make_listing, not_a_picture, picture, product


def _refused(seller, match: str, **overrides):
    before = Listing.objects.count()
    with pytest.raises(DomainError, match=match) as refused:
        listings.listing_create(seller=seller, **listing_fields(**overrides))
    assert Listing.objects.count() == before
    return refused.value


def test_a_listing_is_created_with_clean_fields(owner):
    listing = make_listing(owner, title="  Trek   Marlin 7 ", price="450.5", latitude="45.764043")
    assert listing.title == "Trek Marlin 7"
    assert listing.price == Decimal("450.50")
    assert listing.latitude == Decimal("45.76404")
    assert listing.seller == owner


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("1000000.01", "at most 1,000,000"),
        ("99999999999", "at most 1,000,000"),
        ("12.345", "at most 2 decimals"),
        ("twelve", "as a number"),
        ("NaN", "as a number"),
        ("Infinity", "as a number"),
        ("", "as a number"),
    ],
)
def test_a_bad_price_is_refused(owner, price, message):
    _refused(owner, message, price=price)


def test_the_highest_price_is_accepted(owner):
    assert make_listing(owner, price="1000000").price == Decimal("1000000.00")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "ab"}, "at least 3 characters"),
        ({"title": "x" * 121}, "to 120 characters"),
        ({"description": "x" * 5001}, "to 5000 characters"),
        ({"condition": "mint"}, "Choose the condition"),
        ({"currency": "BTC"}, "Choose the currency"),
        ({"place": "  "}, "Say where the item is"),
        ({"latitude": None}, "Give both the latitude and the longitude, or neither"),
        ({"longitude": ""}, "Give both the latitude and the longitude, or neither"),
        ({"place": "Xyzzy", "latitude": None, "longitude": None}, "town called “Xyzzy”"),
        ({"latitude": "91"}, "latitude must be between -90 and 90"),
        ({"longitude": "-180.5"}, "longitude must be between -180 and 180"),
        ({"latitude": "north"}, "latitude as a number"),
        ({"audience": "everyone"}, "Unknown audience"),
        ({"audience": "circles"}, "at least one circle"),
        ({"audience": "nearby", "nearby_radius_km": 0}, "between 1 and 500 km"),
        ({"audience": "nearby", "nearby_radius_km": 50000}, "between 1 and 500 km"),
        ({"audience": "nearby", "nearby_radius_km": "far"}, "whole kilometres"),
    ],
)
def test_each_bad_field_is_refused_with_what_to_fix(owner, overrides, message):
    _refused(owner, message, **overrides)


def test_a_missing_or_unknown_category_is_refused(owner):
    _refused(owner, "Choose a category", category="")
    _refused(owner, "Choose a category from the list", category=987654)


def test_a_product_must_belong_to_the_category_or_below_it(owner):
    bikes, phones = category("bikes"), category("phones")
    marlin = product("trek-marlin-7")
    assert make_listing(owner, category=bikes, product_model=marlin.pk).product_model == marlin
    error = _refused(owner, "not in Phones", category=phones, product_model=marlin.pk)
    assert error.code == "product_category_mismatch"


def test_a_product_brings_its_brand_and_a_different_brand_is_refused(owner):
    mountain = category("mountain-bikes")
    marlin, talon = product("trek-marlin-7"), product("giant-talon-3")
    assert make_listing(owner, category=mountain, product_model=marlin.pk).brand == marlin.brand
    _refused(
        owner,
        "made by Trek, not Giant",
        category=mountain,
        product_model=marlin.pk,
        brand=talon.brand_id,
    )


def test_only_the_sellers_own_circles_can_be_chosen(owner, stranger):
    mine = circle_create(owner=owner, name="Climbers")
    theirs = circle_create(owner=stranger, name="Cyclists")
    listing = make_listing(owner, audience="circles", circle_ids=[mine.pk])
    assert list(listing.circles.all()) == [mine]
    error = _refused(owner, "your own circles", audience="circles", circle_ids=[theirs.pk])
    assert error.code == "foreign_circle"
    _refused(owner, "only with the “Chosen circles” audience", circle_ids=[mine.pk])


def test_the_nearby_audience_keeps_its_radius(owner):
    listing = make_listing(owner, audience="nearby", nearby_radius_km="25")
    assert (listing.audience, listing.nearby_radius_km) == ("nearby", 25)


# --- Photos ---------------------------------------------------------------------------------


def test_photos_come_with_the_listing_in_order_with_thumbnails(owner):
    listing = make_listing(owner, photos=[picture("a.jpg"), picture("b.png", fmt="PNG")])
    photos = list(listing.photos.all())
    assert [p.position for p in photos] == [0, 1]
    assert all(p.image.name and p.thumbnail.name for p in photos)


def test_a_photo_is_resized_stripped_and_its_thumbnail_is_small(owner):
    from PIL import Image

    listing = make_listing(owner)
    photo = listing_photos.listing_photo_add(
        seller=owner, listing=listing, image=picture(size=(3000, 2000))
    )
    with Image.open(photo.image.path) as image:
        assert max(image.size) == listing_photos.MAX_PHOTO_SIDE
        assert not image.getexif()
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == listing_photos.THUMBNAIL_SIDE


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_saved(owner, settings):
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="not a picture"):
        listing_photos.listing_photo_add(seller=owner, listing=listing, image=not_a_picture())
    with pytest.raises(DomainError, match="not a picture"):
        make_listing(owner, photos=[picture(), not_a_picture()])
    assert ListingPhoto.objects.count() == 0
    assert Listing.objects.count() == 1
    media = settings.MEDIA_ROOT / "listings"
    assert not media.exists() or not any(media.iterdir())


def test_a_huge_photo_is_refused(owner, settings):
    settings.MAX_IMAGE_BYTES = 1000
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="the limit is"):
        listing_photos.listing_photo_add(seller=owner, listing=listing, image=picture())
    assert listing.photos.count() == 0


def test_a_picture_with_too_many_pixels_is_refused(owner, settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="megapixels"):
        listing_photos.listing_photo_add(
            seller=owner, listing=listing, image=picture(size=(200, 200))
        )
    assert listing.photos.count() == 0


def test_an_eleventh_photo_is_refused(owner):
    listing = make_listing(owner, photos=[picture(f"{n}.jpg", size=(40, 40)) for n in range(10)])
    with pytest.raises(DomainError, match="at most 10 photos") as refused:
        listing_photos.listing_photo_add(
            seller=owner, listing=listing, image=picture(size=(40, 40))
        )
    assert refused.value.code == "too_many_photos"
    assert listing.photos.count() == 10


def test_eleven_photos_at_once_are_refused(owner):
    _refused(owner, "at most 10 photos", photos=[picture(size=(40, 40)) for _ in range(11)])
    assert ListingPhoto.objects.count() == 0


def test_the_thumbnail_is_made_once_at_upload_and_never_again(owner, client_for, monkeypatch):
    calls = []
    real = listing_photos.make_thumbnail

    def counting(image):
        calls.append(1)
        return real(image)

    monkeypatch.setattr(listing_photos, "make_thumbnail", counting)
    listing = make_listing(owner, photos=[picture()])
    listing_photos.listing_photo_add(seller=owner, listing=listing, image=picture())
    assert len(calls) == 2
    client = client_for(owner)
    for url in (f"/market/listings/{listing.pk}/", "/market/listings/mine/"):
        assert client.get(url).status_code == 200
    assert client.get(f"/api/market/listings/{listing.pk}/").status_code == 200
    assert len(calls) == 2


def test_removing_a_photo_deletes_its_files(owner, django_capture_on_commit_callbacks):
    listing = make_listing(owner, photos=[picture()])
    photo = listing.photos.get()
    paths = [photo.image.path, photo.thumbnail.path]
    with django_capture_on_commit_callbacks(execute=True):
        listing_photos.listing_photo_remove(seller=owner, listing=listing, photo_id=photo.pk)
    assert listing.photos.count() == 0
    assert not any(__import__("os").path.exists(path) for path in paths)


def test_photos_are_reordered_by_the_seller_only(owner, stranger):
    listing = make_listing(owner, photos=[picture("a.jpg"), picture("b.jpg")])
    first, second = listing.photos.all()
    listing_photos.listing_photos_reorder(
        seller=owner, listing=listing, photo_ids=[second.pk, first.pk]
    )
    assert list(listing.photos.values_list("pk", flat=True)) == [second.pk, first.pk]
    with pytest.raises(DomainError, match="exactly once"):
        listing_photos.listing_photos_reorder(seller=owner, listing=listing, photo_ids=[first.pk])
    with pytest.raises(NotAllowed):
        listing_photos.listing_photos_reorder(
            seller=stranger, listing=listing, photo_ids=[first.pk, second.pk]
        )


def test_only_the_seller_adds_or_removes_photos(owner, stranger):
    listing = make_listing(owner, photos=[picture()])
    with pytest.raises(NotAllowed):
        listing_photos.listing_photo_add(seller=stranger, listing=listing, image=picture())
    with pytest.raises(NotAllowed):
        listing_photos.listing_photo_remove(
            seller=stranger, listing=listing, photo_id=listing.photos.get().pk
        )
    assert listing.photos.count() == 1


# --- Editing --------------------------------------------------------------------------------


def test_the_seller_edits_some_fields_and_the_rest_stays(owner):
    listing = make_listing(owner)
    listings.listing_update(seller=owner, listing=listing, price="399", title="Marlin 7, M")
    listing.refresh_from_db()
    assert (listing.price, listing.title, listing.place) == (
        Decimal("399.00"),
        "Marlin 7, M",
        "Lyon, Croix-Rousse",
    )


def test_someone_else_cannot_edit_a_listing(owner, stranger):
    listing = make_listing(owner)
    with pytest.raises(NotAllowed, match="Only the seller"):
        listings.listing_update(seller=stranger, listing=listing, price="1")
    listing.refresh_from_db()
    assert listing.price == Decimal("450.00")


@pytest.mark.parametrize("status", ["sold", "withdrawn", "expired"])
def test_a_listing_off_sale_cannot_be_edited(owner, status):
    listing = make_listing(owner)
    Listing.objects.filter(pk=listing.pk).update(status=status)
    listing.refresh_from_db()
    with pytest.raises(Conflict, match="can't be edited"):
        listings.listing_update(seller=owner, listing=listing, title="New title")
    with pytest.raises(Conflict, match="can't be edited"):
        listing_photos.listing_photo_add(seller=owner, listing=listing, image=picture())
    listing.refresh_from_db()
    assert listing.title == "Trek Marlin 7, size M"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "-1"}, "more than zero"),
        ({"audience": "nearby", "nearby_radius_km": 50000}, "between 1 and 500 km"),
        ({"latitude": "100"}, "between -90 and 90"),
        ({"category": 987654}, "Choose a category"),
        ({"status": "sold"}, "can't be changed here"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(owner, fields, message):
    listing = make_listing(owner)
    with pytest.raises(DomainError, match=message):
        listings.listing_update(seller=owner, listing=listing, title="Changed", **fields)
    listing.refresh_from_db()
    assert (listing.title, listing.status, listing.audience) == (
        "Trek Marlin 7, size M",
        "active",
        "public",
    )


def test_editing_to_a_foreign_circle_is_refused(owner, stranger):
    theirs = circle_create(owner=stranger, name="Cyclists")
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="your own circles"):
        listings.listing_update(
            seller=owner, listing=listing, audience="circles", circle_ids=[theirs.pk]
        )
    assert listing.circles.count() == 0


def test_changing_the_product_checks_it_against_the_category(owner):
    mountain, phones = category("mountain-bikes"), category("phones")
    iphone = product("apple-iphone-13")
    listing = make_listing(owner, category=mountain)
    with pytest.raises(DomainError, match="not in Mountain bikes"):
        listings.listing_update(seller=owner, listing=listing, product_model=iphone.pk)
    listings.listing_update(
        seller=owner, listing=listing, category=phones.pk, product_model=iphone.pk
    )
    listing.refresh_from_db()
    assert (listing.category, listing.brand) == (phones, iphone.brand)


def test_a_draft_can_be_deleted_but_a_published_listing_is_withdrawn(owner, stranger):
    draft = make_listing(owner, publish=False, photos=[picture()])
    with pytest.raises(NotAllowed):
        listings.listing_delete(seller=stranger, listing=draft)
    listings.listing_delete(seller=owner, listing=draft)
    assert not Listing.objects.filter(pk=draft.pk).exists()
    live = make_listing(owner)
    with pytest.raises(Conflict, match="Only a draft"):
        listings.listing_delete(seller=owner, listing=live)
