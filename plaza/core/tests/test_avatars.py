"""Generated avatars (initials, colour, contrast) and the cached sizes of stored photos."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from plaza.core.avatars import PALETTE, avatar_html, colour_index, initials

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("ada", "A"),
        ("Jean-Paul Marie Sartre", "JS"),
        ("  bob   smith  ", "BS"),
        ("王小明", "小明"),
        ("李四", "李四"),
        ("王", "王"),
        ("欧阳娜娜", "娜娜"),
        ("张 三", "张三"),
        ("Lucy 王小明", "小明"),
    ("李静 Li Jing", "李静"),
    ],
)
def test_initials_latin_first_and_last_word_chinese_last_two(name, expected):
    assert initials(name) == expected


def test_initials_fall_back_to_the_handle_then_a_question_mark():
    assert initials("", "zoe") == "Z"
    assert initials("", "") == "?"


def test_colour_is_stable_and_case_insensitive_and_spread():
    assert colour_index("bob") == colour_index("BOB") == colour_index("bob")
    # A fixed value: the colour must not change between releases (people recognise it).
    assert colour_index("alice") == 11
    assert len({colour_index(f"user{i}") for i in range(200)}) == len(PALETTE)


def _luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", PALETTE)
def test_white_text_on_every_colour_meets_wcag_aa(colour):
    assert 1.05 / (_luminance(colour) + 0.05) >= 4.5


def test_palette_classes_exist_in_the_stylesheet():
    from django.contrib.staticfiles import finders

    css = open(finders.find("faces.css"), encoding="utf-8").read()  # noqa: SIM115
    for i, colour in enumerate(PALETTE):
        assert f".av-c{i} {{ background: {colour}; }}" in css


def test_generated_avatar_is_decorative_markup_without_an_image_request():
    html = avatar_html({"name": "王小明", "handle": "xiaoming", "avatar_url": None}, 32)
    assert html.startswith('<span class="av av-32 av-c') and 'aria-hidden="true">小明</span>' in html
    labelled = avatar_html({"name": "Ada Lovelace", "handle": "ada"}, 40, label=True)
    assert 'role="img" aria-label="Ada Lovelace">AL<' in labelled
    assert "<img" not in html + labelled


def test_photo_avatar_asks_for_the_size_it_shows():
    person = {"name": "Ada", "handle": "ada", "avatar_url": "/media/avatars/abc.png"}
    assert 'src="/media/avatars/abc-64.png"' in avatar_html(person, 32)
    assert 'src="/media/avatars/abc-128.png"' in avatar_html(person, 64)
    assert 'src="/media/avatars/abc.png"' in avatar_html(person, 128)
    assert 'alt=""' in avatar_html(person, 32)


def _photo(width: int, height: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("wide.jpg", out.getvalue(), content_type="image/jpeg")


def test_uploaded_photo_is_square_and_its_sizes_are_made_once_and_served_safely(world, settings):
    from plaza.accounts.actions import do_update_profile

    user = do_update_profile(world.bob.user, avatar=_photo(900, 300))
    stored = Image.open(user.avatar.path)
    assert stored.size == (256, 256)
    small_url = user.avatar.url.rsplit(".", 1)[0] + "-64." + user.avatar.url.rsplit(".", 1)[1]
    client = Client()
    response = client.get(small_url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "immutable" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (64, 64)
    # Only the listed sizes, only of files that exist.
    assert client.get(user.avatar.url.replace(".jpg", "-65.jpg").replace(".png", "-65.png")).status_code == 404
    assert client.get("/media/avatars/nothere-64.png").status_code == 404
