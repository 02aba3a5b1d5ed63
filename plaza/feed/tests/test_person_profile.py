"""The person page and ``GET /users/{id}``: profile fields, per-field visibility, shared
spaces, and who may read a person at all; ``/me`` with the profile fields and the photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from plaza.accounts.models import User
from plaza.core.testing import Api
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db

PROFILE = {
    "title": "Sales manager",
    "organization": "Acme Wines",
    "bio": "Twenty years of Riesling.",
    "phone": "+86 10 1234 5678",
    "location": "Beijing office",
    "visibility": {"email": "shared", "phone": "private", "location": "shared"},
}


def page(world, persona: str, path: str) -> tuple[int, str]:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona).user)
    response = client.get(path)
    return response.status_code, response.content.decode()


def test_me_reads_and_patches_the_profile_fields(world):
    bob = Api(world.bob)
    response = bob.patch("me", PROFILE)
    assert response.status_code == 200, response.json_body
    body = response.json_body
    for key in ("id", "email", "name", "handle", "language", "timezone"):
        assert key in body  # the fixed fields stay
    assert body["title"] == "Sales manager" and body["phone"] == "+86 10 1234 5678"
    assert body["visibility"] == {"email": "shared", "phone": "private", "location": "shared"}
    assert bob.get("me").json_body["bio"] == "Twenty years of Riesling."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "call me maybe"}, "phone"),
        ({"visibility": {"phone": "everyone"}}, "phone"),
        ({"bio": "x" * 501}, "bio"),
        ({"title": "a\u0000b"}, "title"),
    ],
)
def test_bad_profile_input_names_the_field_and_saves_nothing(world, body, field):
    bob = Api(world.bob)
    bob.patch("me", {"title": "Before"})
    response = bob.patch("me", {"organization": "Changed", **body})
    assert response.status_code == 422
    assert field in str(response.json_body["detail"])
    user = User.objects.get(pk=world.bob.user.pk)
    assert (user.title, user.organization) == ("Before", "")


def test_users_id_shows_contact_details_as_their_owner_chose(world):
    Api(world.bob).patch("me", PROFILE)
    bob_id = world.bob.user.pk
    seen = Api(world.alice).get(f"users/{bob_id}")
    assert seen.status_code == 200
    body = seen.json_body
    assert body["title"] == "Sales manager" and body["organization"] == "Acme Wines"
    assert body["contact"] == {"email": "bob@example.com", "phone": None, "location": "Beijing office"}
    assert [s["slug"] for s in body["shared_spaces"]] == ["acme"]
    assert body["following"] is False
    # The owner reads every detail of their own, private ones too.
    mine = Api(world.bob).get(f"users/{bob_id}").json_body
    assert mine["contact"]["phone"] == "+86 10 1234 5678"


def test_users_id_is_404_to_people_who_share_no_space(world):
    bob_id = world.bob.user.pk
    assert Api(world.mallory).get(f"users/{bob_id}").status_code == 404
    assert Api(world.mallory).get("users/999999").status_code == 404
    assert Api().get(f"users/{bob_id}").status_code == 401


def test_shared_spaces_name_only_spaces_the_viewer_is_in(world):
    # bob and mallory both belong to a private space "cellar"; alice does not.
    cellar = do_create_space(world.mallory.user, name="Cellar", slug="cellar", visibility="private", join_policy="invite")
    Membership.objects.create(space=cellar, user=world.bob.user, role=Role.MEMBER)
    as_alice = Api(world.alice).get(f"users/{world.bob.user.pk}").json_body
    assert [s["slug"] for s in as_alice["shared_spaces"]] == ["acme"]
    as_mallory = Api(world.mallory).get(f"users/{world.bob.user.pk}").json_body
    assert [s["slug"] for s in as_mallory["shared_spaces"]] == ["cellar"]
    status, html = page(world, "alice", "/u/bob/")
    assert status == 200 and "Cellar" not in html and 'href="/s/acme/"' in html


def test_person_page_shows_profile_and_respects_field_visibility(world):
    Api(world.bob).patch("me", PROFILE)
    status, html = page(world, "alice", "/u/bob/")
    assert status == 200
    for text in ("Sales manager", "Acme Wines", "Twenty years of Riesling.", "Beijing office", "bob@example.com"):
        assert text in html
    assert "1234 5678" not in html  # phone: only bob
    assert f"/mail/compose/?to={world.bob.user.pk}" in html
    assert 'action="/s/acme/call/"' in html and 'value="follow"' in html
    status, own = page(world, "bob", "/u/bob/")
    assert "1234 5678" in own and 'href="/profile/"' in own
    assert page(world, "mallory", "/u/bob/")[0] == 404


def _image(fmt: str = "PNG", size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 160, 90)).save(out, format=fmt)
    return out.getvalue()


def test_photo_upload_replace_remove_through_the_api(world, django_capture_on_commit_callbacks):
    client = Client()
    auth = world.bob.auth
    first = client.post("/api/v1/me/avatar", {"file": SimpleUploadedFile("a.png", _image(), content_type="image/png")}, **auth)
    assert first.status_code == 200
    url1 = first.json()["avatar_url"]
    assert url1.startswith("/media/avatars/")
    stored = User.objects.get(pk=world.bob.user.pk).avatar
    assert Image.open(stored.path).size == (200, 200)  # cropped square (never enlarged)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            "/api/v1/me/avatar", {"file": SimpleUploadedFile("b.jpg", _image("JPEG"), content_type="image/jpeg")}, **auth
        )
    url2 = second.json()["avatar_url"]
    assert url2 != url1 and client.get(url1).status_code == 404  # the old file is gone
    assert client.get(url2).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.delete("/api/v1/me/avatar", **auth)
    assert removed.status_code == 200 and removed.json()["avatar_url"] is None
    assert client.get(url2).status_code == 404


def test_photo_that_is_not_an_image_is_refused_naming_the_field(world):
    client = Client()
    response = client.post(
        "/api/v1/me/avatar",
        {"file": SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")},
        **world.bob.auth,
    )
    assert response.status_code == 415 and "avatar" in str(response.json())
    assert not User.objects.get(pk=world.bob.user.pk).avatar


def test_photo_upload_replace_remove_through_the_profile_page(world):
    client = Client()
    client.force_login(world.bob.user)
    form = {"name": "Bob", "handle": "bob", "language": "en", "timezone": "UTC", "title": "Buyer"}
    photo = SimpleUploadedFile("me.png", _image(), content_type="image/png")
    assert client.post("/profile/", {**form, "avatar": photo}).status_code == 302
    user = User.objects.get(pk=world.bob.user.pk)
    assert user.avatar and user.title == "Buyer"
    profile = client.get("/profile/").content.decode()
    assert "Remove the photo" in profile and f'src="{user.avatar.url}"' in profile  # 96 px: the 256 px master
    assert user.avatar.url.replace(".png", "-64.png") in profile  # the account menu's 24 px face
    bad = client.post("/profile/", {**form, "avatar": SimpleUploadedFile("x.png", b"nope", content_type="image/png")})
    assert bad.status_code == 200 and "Only JPEG, PNG, GIF and WebP" in bad.content.decode()
    assert client.post("/profile/", {**form, "remove_avatar": "on"}).status_code == 302
    assert not User.objects.get(pk=world.bob.user.pk).avatar
    # Without a photo the generated avatar shows: bob's initial on his colour.
    assert 'aria-hidden="true">B</span>' in client.get("/profile/").content.decode()


def test_profile_page_errors_name_the_field(world):
    client = Client()
    client.force_login(world.bob.user)
    form = {"name": "Bob", "handle": "bob", "language": "en", "timezone": "UTC", "phone": "no digits here"}
    response = client.post("/profile/", form)
    assert response.status_code == 200
    assert 'id="id_phone-error"' in response.content.decode()
