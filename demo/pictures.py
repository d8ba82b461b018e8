"""The demo's listing photos: a simple drawing per category (a bike, a screen, a sofa...) with
its name, drawn once per category and variant."""

from __future__ import annotations

import io
import zlib
from functools import cache

from PIL import Image, ImageDraw, ImageFont

PHOTO_SIZE = (800, 600)
# (background, ink) pairs with enough contrast for the drawing and the caption.
PALETTES = (
    ("#dbeafe", "#1e3a8a"),
    ("#dcfce7", "#14532d"),
    ("#fee2e2", "#7f1d1d"),
    ("#fef3c7", "#78350f"),
    ("#ede9fe", "#4c1d95"),
    ("#cffafe", "#164e63"),
    ("#fce7f3", "#831843"),
)
CAPTIONS = {"women": "Women's clothing", "men": "Men's clothing"}


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@cache
def picture(slug: str, name: str, root: str, variant: int) -> bytes:
    """A JPEG of a simple drawing for the category (a bike, a screen, a sofa…) with its name;
    the same bytes for every call with the same arguments."""
    background, ink = PALETTES[(zlib.crc32(slug.encode()) + 3 * variant) % len(PALETTES)]
    image = Image.new("RGB", PHOTO_SIZE, background)
    draw = ImageDraw.Draw(image)
    width, height = PHOTO_SIZE
    draw.rectangle((0, height - 110, width, height), fill=ink)
    shift = (variant - 1) * 60
    DRAWINGS.get(slug, DRAWINGS.get(root, _draw_tag))(draw, ink, background, shift)
    draw.text((40, 36), name, fill=ink, font=_font(46))
    draw.text((width - 40, height - 55), "demo photo", fill=background, font=_font(26), anchor="rm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _draw_bike(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    rear, front, radius = (250 + dx, 380), (550 + dx, 380), 105
    for x, y in (rear, front):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=ink, width=12)
    crank, seat, head = (390 + dx, 380), (340 + dx, 250), (520 + dx, 245)
    for a, b in ((rear, crank), (crank, seat), (seat, rear), (crank, head), (seat, head)):
        draw.line((a, b), fill=ink, width=12)
    draw.line((head, front), fill=ink, width=12)
    draw.line(((325 + dx, 215), seat), fill=ink, width=10)
    draw.line(((295 + dx, 212), (360 + dx, 212)), fill=ink, width=14)
    draw.line((head, (515 + dx, 205), (565 + dx, 200)), fill=ink, width=10)


def _draw_screen(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((230 + dx, 170, 570 + dx, 410), radius=22, fill=ink)
    draw.rounded_rectangle((250 + dx, 190, 550 + dx, 390), radius=10, fill=bg)
    draw.polygon([(190 + dx, 410), (610 + dx, 410), (650 + dx, 450), (150 + dx, 450)], fill=ink)


def _draw_sofa(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((220 + dx, 220, 580 + dx, 340), radius=20, fill=ink)
    draw.rounded_rectangle((200 + dx, 320, 600 + dx, 420), radius=16, fill=ink)
    for x in (170 + dx, 570 + dx):
        draw.rounded_rectangle((x, 280, x + 60, 430), radius=18, fill=ink)
    for x in (215 + dx, 565 + dx):
        draw.rectangle((x, 420, x + 20, 470), fill=ink)


def _draw_shirt(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    points = [
        (300, 180), (360, 160), (440, 160), (500, 180), (590, 250), (545, 300),
        (500, 270), (500, 460), (300, 460), (300, 270), (255, 300), (210, 250),
    ]  # fmt: skip
    draw.polygon([(x + dx, y) for x, y in points], fill=ink)
    draw.arc((360 + dx, 130, 440 + dx, 200), 0, 180, fill=bg, width=10)


def _draw_pram(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.pieslice((260 + dx, 180, 480 + dx, 400), 180, 270, fill=ink)
    draw.rounded_rectangle((260 + dx, 290, 520 + dx, 380), radius=30, fill=ink)
    draw.line(((515 + dx, 300), (600 + dx, 210)), fill=ink, width=12)
    for x in (310 + dx, 480 + dx):
        draw.ellipse((x - 38, 402, x + 38, 478), outline=ink, width=12)


def _draw_phone(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((320 + dx, 150, 480 + dx, 460), radius=28, fill=ink)
    draw.rounded_rectangle((335 + dx, 185, 465 + dx, 420), radius=8, fill=bg)
    draw.ellipse((390 + dx, 428, 410 + dx, 448), fill=bg)


def _draw_books(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    for i, (left, right) in enumerate(((240, 560), (270, 540), (220, 580), (290, 520))):
        top = 400 - i * 62
        draw.rounded_rectangle((left + dx, top, right + dx, top + 52), radius=6, fill=ink)
        draw.line(((left + 30 + dx, top + 26), (right - 30 + dx, top + 26)), fill=bg, width=4)


def _draw_mountains(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.ellipse((560 + dx, 120, 640 + dx, 200), fill=ink)
    draw.polygon(
        [(150 + dx, 490), (330 + dx, 210), (430 + dx, 340), (510 + dx, 250), (680 + dx, 490)],
        fill=ink,
    )


def _draw_notes(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.ellipse((290 + dx, 370, 380 + dx, 440), fill=ink)
    draw.ellipse((470 + dx, 340, 560 + dx, 410), fill=ink)
    draw.line(((372 + dx, 405), (372 + dx, 200)), fill=ink, width=14)
    draw.line(((552 + dx, 375), (552 + dx, 170)), fill=ink, width=14)
    draw.polygon([(365 + dx, 200), (559 + dx, 170), (559 + dx, 215), (365 + dx, 245)], fill=ink)


def _draw_die(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((280 + dx, 200, 520 + dx, 440), radius=34, fill=ink)
    for x, y in ((340, 260), (460, 260), (400, 320), (340, 380), (460, 380)):
        draw.ellipse((x - 20 + dx, y - 20, x + 20 + dx, y + 20), fill=bg)


def _draw_tag(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.polygon(
        [(260 + dx, 220), (480 + dx, 220), (560 + dx, 320), (480 + dx, 420), (260 + dx, 420)],
        fill=ink,
    )
    draw.ellipse((460 + dx, 300, 500 + dx, 340), fill=bg)


DRAWINGS = {
    "phones": _draw_phone,
    "tablets": _draw_phone,
    "bikes": _draw_bike,
    "electronics": _draw_screen,
    "home": _draw_sofa,
    "clothing": _draw_shirt,
    "kids": _draw_pram,
    "books": _draw_books,
    "sports": _draw_mountains,
    "music": _draw_notes,
    "games": _draw_die,
}
