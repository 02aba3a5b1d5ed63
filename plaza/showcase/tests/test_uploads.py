"""Product images and exhibitor logos: uploads claimed for them, downloaded by whoever may
see the product or exhibitor (anyone, signed out too, in a public space)."""

from __future__ import annotations

from django.test import Client

from plaza.core.testing import fetch, upload_file
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership
from plaza.uploads.models import Attachment


def test_public_product_images_and_logo_are_seen_by_anyone(world, api):
    do_create_space(world.alice.user, name="Fair", slug="fair", visibility="public", join_policy="open")
    Membership.objects.create(space_id=api("alice").get("spaces/fair").json_body["id"], user=world.bob.user, role="member")
    logo = upload_file(world.alice)
    r = api("alice").post("spaces/fair/exhibitors", {"name": "Winery", "manager_ids": [world.bob.user.pk], "logo_id": logo})
    assert r.status_code == 201, r.json_body
    exhibitor_id = r.json_body["id"]
    assert r.json_body["logo_url"] == f"/files/{logo}/"
    first, second = upload_file(world.bob), upload_file(world.bob)
    r = api("bob").post(f"exhibitors/{exhibitor_id}/products",
                        {"name": "Red", "category": "Wine", "status": "published", "image_ids": [first, second]})
    assert r.status_code == 201, r.json_body
    product_id = r.json_body["id"]
    assert r.json_body["image_urls"] == [f"/files/{first}/", f"/files/{second}/"]
    for url in (f"/files/{first}/", f"/files/{logo}/"):
        assert fetch(None, url) == 200 and fetch(world.mallory, url) == 200
    assert f'src="/files/{first}/"' in Client().get(f"/products/{product_id}/").content.decode()
    assert f'src="/files/{logo}/"' in Client().get(f"/exhibitors/{exhibitor_id}/").content.decode()
    # An edit keeps one image and drops the other: the dropped one is no longer served.
    r = api("alice").patch(f"products/{product_id}", {"image_ids": [second]})
    assert r.status_code == 200, r.json_body
    assert r.json_body["image_urls"] == [f"/files/{second}/"]
    assert fetch(None, f"/files/{second}/") == 200 and fetch(None, f"/files/{first}/") == 404
    assert Attachment.objects.get(pk=first).claimed_kind == ""
    # A draft is seen by its managers only, and so are its images.
    r = api("bob").patch(f"products/{product_id}", {"status": "draft"})
    assert fetch(None, f"/files/{second}/") == 404 and fetch(world.bob, f"/files/{second}/") == 200


def test_private_space_images_and_someone_elses_uploads(world, api):
    r = api("alice").post("spaces/acme/exhibitors", {"name": "Winery", "manager_ids": [world.bob.user.pk]})
    exhibitor_id = r.json_body["id"]
    assert r.json_body["logo_url"] is None
    image = upload_file(world.bob)
    body = {"name": "Red", "category": "Wine", "status": "published", "image_ids": [image]}
    r = api("bob").post(f"exhibitors/{exhibitor_id}/products", body)
    assert r.status_code == 201
    url = f"/files/{image}/"
    assert fetch(world.alice, url) == 200
    assert fetch(world.mallory, url) == 404 and fetch(None, url) == 404
    r = api("bob").post(f"exhibitors/{exhibitor_id}/products", {**body, "image_ids": [upload_file(world.alice)]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "image_ids"]
    r = api("bob").post(f"exhibitors/{exhibitor_id}/products", {**body, "image_ids": [upload_file(world.bob, "a.txt", b"x")]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "image_ids"]
    r = api("alice").post("spaces/acme/exhibitors", {"name": "Other", "logo_id": upload_file(world.bob)})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "logo_id"]
