"""A listing's photos: checked and stripped on upload, a thumbnail made once, ordered by the
seller (the first is the cover). Files go only once the change that removed them is committed.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from PIL import Image

from accounts.images import clean_image
from accounts.models import User
from config.bulk import numbered_rows, refuse_row
from config.errors import DomainError, NotFound
from marketplace.models import Listing, ListingPhoto
from marketplace.services.listing_lifecycle import locked_listing, require_editable, require_seller

MAX_PHOTO_SIDE = 1600
THUMBNAIL_SIDE = 400


@dataclass(frozen=True)
class PreparedPhoto:
    """An upload, checked, with its stripped copy and thumbnail made, not yet saved."""

    image: ContentFile[bytes]
    thumbnail: ContentFile[bytes]


def make_thumbnail(image: ContentFile[bytes]) -> ContentFile[bytes]:
    """A small copy (at most 400 px a side) of an already cleaned image. Made once, at upload;
    pages show it and never resize anything."""
    image.seek(0)
    with Image.open(image) as picture:
        picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        if picture.mode in ("RGBA", "LA", "P"):
            picture.save(out, format="PNG", optimize=True)
            extension = "png"
        else:
            picture.convert("RGB").save(out, format="JPEG", quality=80, optimize=True)
            extension = "jpg"
    image.seek(0)
    return ContentFile(out.getvalue(), name=f"thumbnail.{extension}")


def prepared_photo(upload: File[bytes]) -> PreparedPhoto:
    """Check one upload and make its stripped copy and thumbnail, before anything is saved."""
    try:
        image = clean_image(upload, max_side=MAX_PHOTO_SIDE, name="photo")
    except ValidationError as error:
        name = getattr(upload, "name", "") or "This file"
        raise DomainError(
            f"{name}: {' '.join(error.messages)}", code="bad_photo", field="photos"
        ) from None
    return PreparedPhoto(image=image, thumbnail=make_thumbnail(image))


def too_many_photos() -> DomainError:
    """The refusal of an 11th photo, raised by whoever counted."""
    return DomainError(
        f"A listing can have at most {Listing.MAX_PHOTOS} photos; remove one first.",
        code="too_many_photos",
        field="photos",
    )


def save_photos(
    listing: Listing, prepared: Iterable[PreparedPhoto], start: int
) -> list[ListingPhoto]:
    """Save the prepared photos after the listing's others, from position `start`."""
    photos = []
    for offset, files in enumerate(prepared):
        photo = ListingPhoto(listing=listing, position=start + offset)
        photo.image.save(files.image.name or "", files.image, save=False)
        photo.thumbnail.save(files.thumbnail.name or "", files.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos


def delete_files_on_commit(photos: Iterable[ListingPhoto]) -> None:
    """Delete the photos' files once the transaction commits: a rollback keeps them."""
    files = [(field.storage, field.name) for p in photos for field in (p.image, p.thumbnail)]

    def delete() -> None:
        for storage, name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def listing_photo_add(*, seller: User, listing: Listing, image: File[bytes]) -> ListingPhoto:
    """Add one photo (checked, EXIF stripped, at most 1600 px, thumbnail made now).

    Raises NotAllowed for anyone but the seller, DomainError for a file that is not a picture
    or too large, or for an 11th photo."""
    require_seller(seller, listing)
    require_editable(listing)
    current = locked_listing(listing)
    count = current.photos.count()
    if count >= Listing.MAX_PHOTOS:
        raise too_many_photos()
    prepared = prepared_photo(image)
    last = current.photos.order_by("-position").values_list("position", flat=True).first()
    return save_photos(listing, [prepared], start=(last + 1) if last is not None else 0)[0]


@transaction.atomic
def listing_photo_remove(*, seller: User, listing: Listing, photo_id: int | str) -> None:
    """Remove one of the listing's photos (and its files, once the change is committed)."""
    require_seller(seller, listing)
    require_editable(listing)
    try:
        photo = listing.photos.get(pk=int(photo_id))
    except (ListingPhoto.DoesNotExist, ValueError, TypeError):
        raise NotFound("This listing has no such photo.", code="no_photo") from None
    photo.delete()
    delete_files_on_commit([photo])


@transaction.atomic
def listing_photos_reorder(
    *, seller: User, listing: Listing, photo_ids: Iterable[int | str]
) -> None:
    """Put the listing's photos in this order; the first one is the cover."""
    require_seller(seller, listing)
    require_editable(listing)
    photos = {photo.pk: photo for photo in listing.photos.all()}
    try:
        ids = [int(pk) for pk in photo_ids]
    except (ValueError, TypeError):
        raise DomainError("Name the photos by their ids.", code="bad_order") from None
    if sorted(ids) != sorted(photos):
        raise DomainError("Name every photo of the listing exactly once.", code="bad_order")
    for position, pk in enumerate(ids):
        photos[pk].position = position
    ListingPhoto.objects.bulk_update(photos.values(), ["position"])


@transaction.atomic
def listing_photos_add(*, photos: Sequence[tuple[Listing, File[bytes]]]) -> list[ListingPhoto]:
    """Add many photos to many listings at once (the demo, imports), each checked, stripped and
    thumbnailed as an upload is (`prepared_photo`; the same picture twice is prepared once), after
    each listing's others, at most `Listing.MAX_PHOTOS` a listing. Raises DomainError naming the
    first row refused; then nothing is written. Returns the photos, in order."""
    listings = {listing.pk for listing, _ in photos}
    last: dict[int, int] = defaultdict(lambda: -1)
    counts: Counter[int] = Counter()
    for listing_id, position in ListingPhoto.objects.filter(listing_id__in=listings).values_list(
        "listing_id", "position"
    ):
        last[listing_id] = max(last[listing_id], position)
        counts[listing_id] += 1
    prepared: dict[bytes, PreparedPhoto] = {}
    chosen: list[tuple[Listing, PreparedPhoto]] = []
    for index, (listing, upload) in enumerate(photos):
        counts[listing.pk] += 1
        if counts[listing.pk] > Listing.MAX_PHOTOS:
            raise refuse_row(index, too_many_photos())
        upload.seek(0)
        digest = hashlib.sha256(upload.read()).digest()
        if digest not in prepared:
            with numbered_rows(index):
                prepared[digest] = prepared_photo(upload)
        chosen.append((listing, prepared[digest]))
    rows = []
    for listing, files in chosen:  # no file is written before every row passed
        last[listing.pk] += 1
        photo = ListingPhoto(listing=listing, position=last[listing.pk])
        # Each photo its own files: deleting one never takes another's picture with it.
        photo.image.save(files.image.name or "", files.image, save=False)
        photo.thumbnail.save(files.thumbnail.name or "", files.thumbnail, save=False)
        rows.append(photo)
    return ListingPhoto.objects.bulk_create(rows, batch_size=200)
