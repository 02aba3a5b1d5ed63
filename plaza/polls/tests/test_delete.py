"""Deleting a poll (DELETE /polls/{id} and the poll page): the author or an admin; its option
images are released, so nobody who saw them through the poll downloads them any more."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from plaza.core.models import AuditEntry
from plaza.core.testing import fetch, upload_file
from plaza.polls.models import Poll, PollOption, Voter
from plaza.uploads.actions import do_purge_orphan_uploads
from plaza.uploads.models import Attachment


def make_poll(api, **extra):
    r = api.post("spaces/acme/polls", {"question": "Lunch?", "options": [{"text": "Noodles"}, {"text": "Dumplings"}], **extra})
    assert r.status_code == 201, r.json_body
    return r.json_body


def test_author_or_admin_deletes_and_outsiders_cannot(api, world):
    poll = make_poll(api("alice"))
    assert api("bob").delete(f"polls/{poll['id']}").status_code == 403  # sees it, neither author nor admin
    assert api("gina").delete(f"polls/{poll['id']}").status_code == 404
    assert api("mallory").delete(f"polls/{poll['id']}").status_code == 404
    assert api("anonymous").delete(f"polls/{poll['id']}").status_code == 401
    assert Poll.objects.filter(pk=poll["id"]).exists()
    bobs = make_poll(api("bob"), ballot="secret")
    api("alice").post(f"polls/{bobs['id']}/votes", {"option_ids": [bobs["options"][1]["id"]]})
    assert api("bob").delete(f"polls/{bobs['id']}").status_code == 204
    assert api("alice").delete(f"polls/{poll['id']}").status_code == 204
    assert not Poll.objects.exists() and not PollOption.objects.exists() and not Voter.objects.exists()
    assert api("alice").get(f"polls/{poll['id']}").status_code == 404
    assert api("alice").delete(f"polls/{poll['id']}").status_code == 404
    entry = AuditEntry.objects.get(action="poll.delete", target_id=bobs["id"])
    assert entry.actor == world.bob.user and entry.before["question"] == "Lunch?"
    assert entry.before["tally"] == {"Noodles": 0, "Dumplings": 1}  # the tally, never who voted how
    assert set(entry.before) == {"question", "max_choices", "closes_at", "ballot", "results", "team", "status", "tally"}


def test_deleting_releases_option_images(api, world):
    red, blue = upload_file(world.bob), upload_file(world.bob)
    r = api("bob").post("spaces/acme/polls", {"question": "Which label?", "options": [
        {"text": "Red", "image_id": red}, {"text": "Blue", "image_id": blue}]})
    assert r.status_code == 201, r.json_body
    urls = [f"/files/{red}/", f"/files/{blue}/"]
    for url in urls:
        assert fetch(world.alice, url) == 200 and fetch(world.bob, url) == 200
    assert api("alice").delete(f"polls/{r.json_body['id']}").status_code == 204
    for url in urls:
        # alice saw them through the poll; mallory and signed-out visitors never did.
        assert fetch(world.alice, url) == 404 and fetch(world.mallory, url) == 404 and fetch(None, url) == 404
    assert set(Attachment.objects.filter(pk__in=[red, blue]).values_list("claimed_kind", flat=True)) == {""}
    # Orphans again: bob's own until the hourly purge deletes rows and files.
    Attachment.objects.filter(pk__in=[red, blue]).update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 2
    assert all(fetch(world.bob, url) == 404 for url in urls)


def test_delete_from_the_poll_page(api, world):
    poll = make_poll(api("bob"))
    bob = Client()
    bob.force_login(world.bob.user)
    page = bob.get(f"/polls/{poll['id']}/").content.decode()
    assert 'value="delete"' in page
    other = Client()
    other.force_login(world.alice.user)
    alices = make_poll(api("alice"))
    assert 'value="delete"' not in bob.get(f"/polls/{alices['id']}/").content.decode()
    assert bob.post(f"/polls/{alices['id']}/", {"action": "delete", "confirm": "1"}).status_code == 403
    bob.post(f"/polls/{poll['id']}/", {"action": "delete"})  # the box not ticked: nothing happens
    assert Poll.objects.filter(pk=poll["id"]).exists()
    r = bob.post(f"/polls/{poll['id']}/", {"action": "delete", "confirm": "1"})
    assert r.status_code == 302 and r["Location"] == "/s/acme/polls/"
    assert not Poll.objects.filter(pk=poll["id"]).exists()
