"""Draw Plaza's app icons (the web app manifest's 192 and 512 px PNGs, a maskable one and the
180 px Apple touch icon) with Pillow: a speech bubble with three dots on the theme colour.

    .venv/bin/python docs/make_icons.py

The PNGs are committed (plaza/static/icons/); run this again after changing the drawing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "plaza" / "static" / "icons"
THEME = (1, 114, 173)  # #0172ad, Pico's primary blue: the manifest's theme_color
WHITE = (255, 255, 255)
SCALE = 4  # drawn larger, then reduced: smooth edges without an anti-aliasing option


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGB" if maskable else "RGBA", (big, big), THEME if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=THEME)
    # A maskable icon keeps what matters inside the central 80 % (the "safe zone").
    inset = big * (0.24 if maskable else 0.18)
    left, top, right = inset, inset * 1.1, big - inset
    bottom = big - inset * 1.45
    pen.rounded_rectangle((left, top, right, bottom), radius=(bottom - top) // 4, fill=WHITE)
    tail = (right - left) * 0.18
    pen.polygon(
        [(left + tail, bottom - 2), (left + tail * 2.2, bottom - 2), (left + tail * 0.9, bottom + tail * 1.1)], fill=WHITE
    )
    dot = (bottom - top) * 0.11
    middle = (top + bottom) / 2
    for k in (-1, 0, 1):
        x = (left + right) / 2 + k * dot * 3.2
        pen.ellipse((x - dot, middle - dot, x + dot, middle + dot), fill=THEME)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ):
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
