"""Fixtures for the accounts tests: pictures with and without trouble, and two-factor codes."""

from __future__ import annotations

import io
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def totp_code(secret: str, *, periods_from_now: int = 0) -> str:
    """The code an authenticator app shows now (or `periods_from_now` 30 s steps away)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + periods_from_now
    return format_hotp_value(hotp_value(secret, counter))


def wrong_totp_code(secret: str) -> str:
    """A well-formed code that no clock tolerance accepts."""
    valid = {totp_code(secret, periods_from_now=n) for n in range(-3, 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@pytest.fixture
def enable_totp():
    """Turn on two-factor for a user the way allauth's setup page does; returns the secret."""

    def enable(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return enable


def png_upload(width: int = 40, height: int = 30, *, name: str = "photo.png", mode: str = "RGB"):
    image = Image.new(mode, (width, height), color=1 if mode == "1" else (200, 120, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def huge_png_upload():
    """8000×6500 = 52 megapixels, above the 40 MP limit, yet a small file: one colour, 1 bit."""
    return png_upload(8000, 6500, name="huge.png", mode="1")


def jpeg_with_exif_upload(*, width: int = 40, height: int = 20):
    """A JPEG that says where it was taken (GPS), with which camera, and to rotate it 90°."""
    image = Image.new("RGB", (width, height), color=(10, 200, 90))
    exif = Image.Exif()
    exif[0x010F] = "Snoopy Camera Co"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {  # GPS IFD
        1: "N",
        2: (48.0, 51.0, 24.0),
        3: "E",
        4: (2.0, 21.0, 7.0),
    }
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("holiday.jpg", out.getvalue(), content_type="image/jpeg")


def text_upload():
    return SimpleUploadedFile(
        "notes.png", b"just some text, not a picture", content_type="image/png"
    )
