"""The canary sweep (issue 18): marked content is planted where a persona must not see it,
then every read that persona can make is searched for the mark. It covers a removed member
(API, pages, notifications, mail and socket), the parent of a sub-space, and a session or
socket left behind by a password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core import mail
from django.test import Client
from django.utils import timezone

from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import CONNECT_TIMEOUT, PASSWORD, build_world
from plaza.core.tests.test_websocket import socket
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role, Space

CANARY = "CANARY7f3"

API_READS = [
    "me",
    "spaces",
    "spaces/directory",
    "notifications",
    "notifications?unread=true",
    "notifications/unread-count",
    "feed/following",
    "calendar",
    "mail/folders/inbox",
]
PAGES = ["/", "/notifications/", "/feed/", "/calendar/", "/directory/", "/mail/"]


def sweep(client: Client, headers: dict[str, str], extra_api: list[str] = (), extra_pages: list[str] = ()) -> dict[str, int]:
    """Every read; fails naming the first that shows the canary. Returns the statuses."""
    statuses = {}
    for path in [*API_READS, *extra_api]:
        response = client.get(f"/api/v1/{path}", **headers)
        statuses[path] = response.status_code
        assert CANARY not in response.content.decode(), f"GET /api/v1/{path} leaks the canary"
    for path in [*PAGES, *extra_pages]:
        response = client.get(path, **headers)
        statuses[path] = response.status_code
        assert CANARY not in response.content.decode(), f"GET {path} leaks the canary"
    return statuses


def test_a_removed_member_hears_nothing_more(world, api):
    alice, bob = api("alice"), api("bob")
    start = timezone.now() + timedelta(days=2)
    post = alice.post("spaces/acme/posts", {"body": f"{CANARY} post @bob"}).json_body
    ann = alice.post(
        "spaces/acme/announcements", {"title": "Plain title", "body": f"{CANARY} body", "require_ack": True}
    ).json_body
    event = alice.post(
        "spaces/acme/events",
        {
            "title": f"{CANARY} event",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "timezone": "UTC",
        },
    ).json_body
    assert bob.post(f"events/{event['id']}/rsvp", {"status": "going"}).status_code == 200
    run_pending_tasks()
    assert alice.delete(f"spaces/acme/members/{world.bob.user.pk}").status_code == 204
    mail.outbox.clear()
    # What admins do after the removal reaches bob by no channel.
    alice.patch(f"announcements/{ann['id']}", {"title": f"{CANARY} new title"})
    alice.post(f"announcements/{ann['id']}/remind")
    alice.patch(f"events/{event['id']}", {"location": f"{CANARY} room"})
    alice.patch(f"posts/{post['id']}", {"body": f"{CANARY} edited @bob"})
    run_pending_tasks()
    assert not [m for m in mail.outbox if "bob@example.com" in m.to and CANARY in m.subject + m.body]

    reads = [
        f"announcements/{ann['id']}",
        f"posts/{post['id']}",
        f"events/{event['id']}",
        "spaces/acme",
        "spaces/acme/feed",
        "spaces/acme/announcements",
        f"events/{event['id']}/attendees",
    ]
    statuses = sweep(Client(), world.bob.auth, extra_api=reads)
    assert all(statuses[r] == 404 for r in reads), statuses
    page = Client()
    page.force_login(world.bob.user)
    sweep(page, {}, extra_pages=[f"/a/{ann['id']}/", f"/p/{post['id']}/", f"/events/{event['id']}/", "/s/acme/"])
    receipts = alice.get(f"announcements/{ann['id']}/receipts").json_body
    assert "bob" not in str(receipts)


@pytest.fixture
def hidden_parent(world):
    Space.objects.filter(pk=world.acme.pk).update(name=f"{CANARY} Holdings", slug="canary7f3-holdings")
    world.acme.refresh_from_db()
    lab = do_create_space(
        world.alice.user,
        name="Lab",
        slug="lab",
        visibility="public",
        join_policy="open",
        parent=space_access_for(world.alice.user, world.acme),
    )
    Membership.objects.create(space=lab, user=world.mallory.user, role=Role.MEMBER)
    return lab


def test_a_sub_space_does_not_reveal_its_private_parent(world, hidden_parent):
    reads = ["spaces/lab", "spaces/lab/members", "spaces/lab/feed"]
    sweep(Client(), world.mallory.auth, extra_api=reads)
    mallory = Client()
    mallory.force_login(world.mallory.user)
    sweep(mallory, {}, extra_pages=["/s/lab/"])
    sweep(Client(), {}, extra_api=["spaces/lab", "spaces/directory"], extra_pages=["/s/lab/"])


@pytest.mark.django_db(transaction=True)
def test_a_session_and_socket_left_behind_by_a_password_change_see_nothing_new():
    world = build_world()
    owner, thief = Client(), Client()
    assert owner.login(email="bob@example.com", password=PASSWORD) and thief.login(email="bob@example.com", password=PASSWORD)
    cookie = f"sessionid={thief.cookies['sessionid'].value}"

    async def scenario():
        comm = socket(cookie=cookie, origin="http://127.0.0.1:8000")
        assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        changed = await database_sync_to_async(owner.post)(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": "a-new-horse-staple-42", "password2": "a-new-horse-staple-42"},
        )
        assert changed.status_code == 302
        await database_sync_to_async(
            lambda: Client().post(
                "/api/v1/spaces/acme/posts", {"body": f"{CANARY} @bob"}, content_type="application/json", **world.alice.auth
            )
        )()
        while True:  # everything the socket still gets before it is closed
            message = await comm.receive_output(timeout=2)
            assert CANARY not in str(message)
            if message["type"] == "websocket.close":
                break

    async_to_sync(scenario)()
    statuses = sweep(thief, {}, extra_api=["spaces/acme/feed"])
    assert statuses["me"] == 401 and statuses["spaces/acme/feed"] in (401, 404)
    assert Client().get("/api/v1/me", **world.bob.auth).status_code == 401  # its token is revoked too
