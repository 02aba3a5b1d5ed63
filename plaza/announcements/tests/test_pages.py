"""Announcement pages: the composer, opening marks read, receipts and the remind button for
admins, and standing announcements at the top of the space home until acknowledged."""

from __future__ import annotations

from django.test import Client

from plaza.announcements.actions import do_publish_announcement
from plaza.announcements.models import Announcement, AnnouncementRecipient
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for


def client_for(world, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who).user)
    return client


def test_composer_is_for_admins(world):
    alice = client_for(world, "alice")
    assert alice.get("/s/acme/announcements/new/").status_code == 200
    assert client_for(world, "bob").get("/s/acme/announcements/new/").status_code == 403
    response = alice.post("/s/acme/announcements/new/", {"title": "Fire drill", "body": "At 10:00", "require_ack": "on"})
    made = Announcement.objects.get(title="Fire drill")
    assert response["Location"] == f"/a/{made.pk}/" and made.require_ack
    assert client_for(world, "mallory").get(f"/a/{made.pk}/").status_code == 404
    assert client_for(world, "gina").get(f"/a/{made.pk}/").status_code == 404
    assert client_for(world, "anonymous").get(f"/a/{made.pk}/").status_code == 302  # to sign-in


def test_opening_marks_read_and_admin_sees_receipts_and_reminds(world):
    made = do_publish_announcement(space_access_for(world.alice.user, world.acme), title="Holiday", body="Closed on Monday")
    alice = client_for(world, "alice")
    page = alice.get(f"/a/{made.pk}/").content.decode()
    assert 'value="remind"' in page and "Bob" in page.split('class="receipts-unread"')[1]
    assert not AnnouncementRecipient.objects.filter(user=world.alice.user).exists()  # the author is not a recipient
    assert "Holiday" in client_for(world, "bob").get(f"/a/{made.pk}/").content.decode()
    assert AnnouncementRecipient.objects.get(user=world.bob.user).read_at is not None
    page = alice.get(f"/a/{made.pk}/").content.decode()
    assert "Bob" in page.split('class="receipts-read"')[1].split("</ul>")[0]
    assert "Holiday" in client_for(world, "bob").get("/s/acme/announcements/").content.decode()


def test_remind_button(world):
    made = do_publish_announcement(space_access_for(world.alice.user, world.acme), title="Survey", body="Please answer")
    alice = client_for(world, "alice")
    alice.post(f"/a/{made.pk}/", {"action": "remind"})
    assert Notification.objects.filter(kind="announcement_reminder", recipient=world.bob.user).count() == 1
    response = alice.post(f"/a/{made.pk}/", {"action": "remind"})
    assert response.status_code == 429 and response["Retry-After"]
    assert client_for(world, "bob").post(f"/a/{made.pk}/", {"action": "remind"}).status_code == 403


def test_unacknowledged_stand_at_the_top_of_the_home_until_acknowledged(world):
    acc = space_access_for(world.alice.user, world.acme)
    made = do_publish_announcement(acc, title="New safety rules", body="Read them", require_ack=True)
    bob = client_for(world, "bob")
    assert "New safety rules" in bob.get("/s/acme/").content.decode()
    bob.get(f"/a/{made.pk}/")  # reading is not acknowledging
    assert "New safety rules" in bob.get("/s/acme/").content.decode()
    bob.post(f"/a/{made.pk}/", {"action": "ack"})
    assert "New safety rules" not in bob.get("/s/acme/").content.decode()
    assert "New safety rules" not in client_for(world, "gina").get("/s/acme/").content.decode()


def test_edit_and_recall_pages(world):
    made = do_publish_announcement(space_access_for(world.alice.user, world.acme), title="Old title", body="x")
    alice = client_for(world, "alice")
    alice.post(f"/a/{made.pk}/", {"action": "edit", "title": "New title", "body": "y", "category": "News"})
    page = alice.get(f"/a/{made.pk}/").content.decode()
    assert "New title" in page and "Old title" in page  # the earlier version is kept
    alice.post(f"/a/{made.pk}/", {"action": "recall"})
    assert client_for(world, "bob").get(f"/a/{made.pk}/").status_code == 404
