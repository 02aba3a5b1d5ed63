"""An upload's ``url`` is fetched with the API's bearer token, as every API route is
(issue 18, item 10): the token's person gets the file when they may see it, others 404,
a broken token 401 JSON."""

from __future__ import annotations

from django.test import Client

from plaza.uploads.tests.test_uploads import jpeg_with_exif, upload


def test_bearer_token_downloads_what_its_person_may_see(world, api):
    image = upload(world, "bob", "photo.jpg", jpeg_with_exif(), "image/jpeg").json()
    assert api("bob").post("spaces/acme/posts", {"body": "look", "attachment_ids": [image["id"]]}).status_code == 201
    path = image["url"].replace("http://testserver", "")

    for who in ("bob", "alice"):
        got = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {getattr(world, who).token}")
        assert got.status_code == 200, who
        assert got["Content-Type"] == "image/jpeg" and "Authorization" in got["Vary"]
    for who in ("gina", "mallory"):  # a guest sees no space-wide post; an outsider nothing
        assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {getattr(world, who).token}").status_code == 404
    broken = Client().get(path, HTTP_AUTHORIZATION="Bearer plz_not-a-token")
    assert broken.status_code == 401 and broken.json()["code"] == "not_authenticated"
    assert Client().get(path).status_code == 404  # signed out, as before
    assert api("bob").delete("auth/token").status_code == 204
    assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {world.bob.token}").status_code == 401
