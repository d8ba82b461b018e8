"""Uploaded images: accept only real pictures of sane size, and strip what they carry.

Every photo that people upload (avatars here, listing photos later) passes `clean_image`:
- the byte size is checked before Pillow reads anything;
- the header is read to learn the pixel size, and a picture larger than `MAX_IMAGE_PIXELS` is
  refused before it is decoded (a decompression bomb never reaches memory);
- it must decode as JPEG, PNG, WebP or GIF;
- it is re-encoded from its pixels, rotated upright, so EXIF (GPS position, camera serial)
  and anything else hidden in the file is dropped.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def clean_image(upload: File[bytes], *, max_side: int = 2048, name: str = "image") -> ContentFile:
    """Validate an uploaded image and return a re-encoded copy without metadata.

    Raises `ValidationError` with a message a person can act on when the file is not an image,
    is too heavy, or has too many pixels.
    """
    max_bytes = settings.MAX_IMAGE_BYTES
    max_pixels = settings.MAX_IMAGE_PIXELS
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"This image is {size / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB.",
            code="image_too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(upload)  # re-encoded below as a plain image
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    f"This image is {width}×{height} pixels "
                    f"({width * height / 1_000_000:.0f} megapixels); the limit is "
                    f"{max_pixels / 1_000_000:.0f} megapixels.",
                    code="image_too_many_pixels",
                )
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG, WebP or GIF picture.", code="image_format"
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fired first (a header claiming far more pixels than our limit).
        raise ValidationError(
            f"This image has far too many pixels; the limit is "
            f"{max_pixels / 1_000_000:.0f} megapixels.",
            code="image_too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a picture we can read. Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_image",
        ) from None

    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{name}.{extension}")
