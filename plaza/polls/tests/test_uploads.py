"""Option images: uploads claimed for their poll, downloaded by whoever may see the poll."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from plaza.core.testing import fetch, upload_file
from plaza.uploads.actions import do_purge_orphan_uploads
from plaza.uploads.models import Attachment


def poll_body(image_id, other=None):
    return {"question": "Which label?", "options": [{"text": "Red", "image_id": image_id},
                                                    {"text": "Blue", "image_id": other}]}


def test_option_image_is_claimed_and_shown_to_who_sees_the_poll(world, api):
    image = upload_file(world.bob)
    r = api("bob").post("spaces/acme/polls", poll_body(image))
    assert r.status_code == 201, r.json_body
    url = f"/files/{image}/"
    assert r.json_body["options"][0]["image_url"] == url and r.json_body["options"][1]["image_url"] is None
    poll_id = r.json_body["id"]
    assert api("alice").get(f"polls/{poll_id}").json_body["options"][0]["image_url"] == url
    assert fetch(world.alice, url) == 200 and fetch(world.bob, url) == 200
    assert fetch(world.mallory, url) == 404 and fetch(None, url) == 404
    client = Client()
    client.force_login(world.alice.user)
    assert f'src="{url}"' in client.get(f"/polls/{poll_id}/").content.decode()
    # Claimed uploads are no orphans, however old.
    Attachment.objects.filter(pk=image).update(created=timezone.now() - timedelta(days=3))
    assert do_purge_orphan_uploads() == 0 and Attachment.objects.filter(pk=image).exists()
    # Claimed once: neither a second poll nor a post can take it.
    r = api("bob").post("spaces/acme/polls", poll_body(image))
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "options.0.image_id"]
    assert api("bob").post("spaces/acme/posts", {"body": "x", "attachment_ids": [image]}).status_code == 422


def test_someone_elses_or_a_non_image_upload_is_422(world, api):
    alices = upload_file(world.alice)
    r = api("bob").post("spaces/acme/polls", poll_body(upload_file(world.bob), alices))
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "options.1.image_id"]
    assert Attachment.objects.get(pk=alices).claimed_kind == ""  # the failed poll claimed nothing
    text = upload_file(world.bob, "notes.txt", b"hello")
    r = api("bob").post("spaces/acme/polls", poll_body(text))
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "options.0.image_id"]
    r = api("bob").post("spaces/acme/polls", poll_body(987654))
    assert r.status_code == 422
