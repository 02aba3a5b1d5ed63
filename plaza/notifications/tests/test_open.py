"""Opening a notification marks it, and the others about the same thing, read; the top-bar
count follows live over the socket."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client

from plaza.core.testing import CONNECT_TIMEOUT, build_world
from plaza.core.tests.test_websocket import receive_type, socket
from plaza.notifications.actions import notify
from plaza.notifications.models import Notification


def _notify(world, target_type: str, target_id: int) -> None:
    notify(
        recipients=[world.bob.user],
        kind="role_changed",
        actor=world.alice.user,
        space=world.acme,
        target_type=target_type,
        target_id=target_id,
        data={"role": "admin"},
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_opening_marks_it_and_its_siblings_read_and_follows_the_link(world):
    _notify(world, "space", world.acme.pk)
    _notify(world, "space", world.acme.pk)
    notify(
        recipients=[world.bob.user], kind="role_changed", actor=world.alice.user, space=world.acme, data={"role": "admin"}
    )  # about something else: stays unread
    assert Notification.objects.filter(recipient=world.bob.user).count() == 3
    first = Notification.objects.filter(target_id=world.acme.pk).first()
    bob = _client(world.bob.user)
    centre = bob.get("/notifications/").content.decode()
    assert f'href="/notifications/{first.pk}/open/"' in centre
    response = bob.get(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/s/acme/"
    assert Notification.objects.filter(recipient=world.bob.user, read_at__isnull=True).count() == 1
    assert 'data-count="1"' in bob.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_nobody_opens_someone_elses_notification(world):
    _notify(world, "space", world.acme.pk)
    row = Notification.objects.get()
    assert _client(world.mallory.user).get(f"/notifications/{row.pk}/open/").status_code == 404
    assert Client().get(f"/notifications/{row.pk}/open/").status_code == 302  # to sign-in
    assert Notification.objects.get().read_at is None


@pytest.mark.django_db(transaction=True)
def test_the_count_follows_live_when_opened():
    world = build_world()
    _notify(world, "space", world.acme.pk)
    row = Notification.objects.get()

    async def scenario():
        comm = socket(f"/ws/?token={world.bob.token}")
        assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        response = await database_sync_to_async(lambda: _client(world.bob.user).get(f"/notifications/{row.pk}/open/"))()
        assert response.status_code == 302
        assert await receive_type(comm, "notification.count") == {"type": "notification.count", "count": 0}
        await comm.disconnect()

    async_to_sync(scenario)()
