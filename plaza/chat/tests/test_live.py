"""Discussion groups over /ws/: delivery, edits and deletes, typing, and removal."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from plaza.asgi import application
from plaza.core.realtime import publish_on_commit
from plaza.core.testing import CONNECT_TIMEOUT, Api, build_world
from plaza.core.tests.test_websocket import drain, receive_type, settle

pytestmark = pytest.mark.django_db(transaction=True)


def socket(token: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/?token={token}", headers=[(b"host", b"127.0.0.1:8000")])


def call(persona, method: str, path: str, data=None):
    return database_sync_to_async(lambda: getattr(Api(persona), method)(path, *([data] if data is not None else [])))()


@pytest.fixture
def world_t(db):
    return build_world()


def _group(world, members=("bob", "gina")) -> int:
    ids = [getattr(world, m).user.pk for m in members]
    response = Api(world.alice).post("spaces/acme/groups", {"name": "Live", "member_ids": ids})
    assert response.status_code == 201
    return response.json_body["id"]


def test_messages_edits_and_deletes_reach_members_live(world_t):
    world = world_t
    gid = _group(world)

    async def scenario():
        bob, mallory = socket(world.bob.token), socket(world.mallory.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0] and (await mallory.connect(timeout=CONNECT_TIMEOUT))[0]
        sent = await call(world.alice, "post", f"groups/{gid}/messages", {"body": "Tasting on **Friday**"})
        event = await receive_type(bob, "chat.message")
        assert event["group_id"] == gid
        assert event["message"]["id"] == sent.json_body["id"]
        assert "<strong>Friday</strong>" in event["message"]["html"]
        assert event["message"]["author"]["handle"] == "alice"
        mid = sent.json_body["id"]
        await call(world.alice, "patch", f"groups/{gid}/messages/{mid}", {"body": "Tasting on Saturday"})
        edited = await receive_type(bob, "chat.message_edited")
        assert edited["message"]["body"] == "Tasting on Saturday" and edited["message"]["edited"] is True
        await call(world.alice, "delete", f"groups/{gid}/messages/{mid}")
        deleted = await receive_type(bob, "chat.message_deleted")
        assert deleted == {"type": "chat.message_deleted", "message_id": mid, "group_id": gid}
        assert [m for m in await drain(mallory) if m["type"].startswith("chat.")] == []
        await bob.disconnect()
        await mallory.disconnect()

    async_to_sync(scenario)()


def test_a_socket_opened_before_joining_gets_the_new_groups_messages(world_t):
    world = world_t

    async def scenario():
        bob = socket(world.bob.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0]
        gid = await database_sync_to_async(_group)(world, ("bob",))
        await call(world.alice, "post", f"groups/{gid}/messages", {"body": "Welcome"})
        assert (await receive_type(bob, "chat.message"))["message"]["body"] == "Welcome"
        await bob.disconnect()

    async_to_sync(scenario)()


def test_typing_is_relayed_to_the_other_members_only(world_t):
    world = world_t
    gid = _group(world, ("bob",))

    async def scenario():
        alice, bob, gina, mallory = (socket(p.token) for p in (world.alice, world.bob, world.gina, world.mallory))
        for comm in (alice, bob, gina, mallory):
            assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        await bob.send_json_to({"type": "chat.typing", "group_id": gid})
        typing = await receive_type(alice, "chat.typing")
        assert typing["group_id"] == gid and typing["user"]["handle"] == "bob"
        assert [m for m in await drain(bob) if m["type"] == "chat.typing"] == []  # not echoed
        assert [m for m in await drain(gina) if m["type"] == "chat.typing"] == []  # in acme, not in the group
        # Outsiders and non-members typing into the group reach nobody.
        await mallory.send_json_to({"type": "chat.typing", "group_id": gid})
        await gina.send_json_to({"type": "chat.typing", "group_id": gid})
        await gina.send_json_to({"type": "chat.typing", "group_id": "x"})
        assert [m for m in await drain(alice) if m["type"] == "chat.typing"] == []
        assert [m for m in await drain(bob) if m["type"] == "chat.typing"] == []
        for comm in (alice, bob, gina, mallory):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_removed_member_socket_opened_before_removal_gets_nothing_more(world_t):
    world = world_t
    gid = _group(world)

    async def scenario():
        bob = socket(world.bob.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0]
        await call(world.gina, "post", f"groups/{gid}/messages", {"body": "before"})
        assert (await receive_type(bob, "chat.message"))["message"]["body"] == "before"
        removed = await call(world.alice, "delete", f"groups/{gid}/members/{world.bob.user.pk}")
        assert removed.status_code == 204
        await settle(bob)
        await call(world.gina, "post", f"groups/{gid}/messages", {"body": "after"})
        await world_gina_typing(world, gid)
        # An event already addressed to him (in flight at removal) is dropped by his socket.
        await database_sync_to_async(publish_on_commit)(
            [world.bob.user.pk], {"type": "chat.message", "group_id": gid}, space_id=world.acme.pk, group_id=gid
        )
        got = await drain(bob)
        assert [m for m in got if m.get("group_id") == gid] == []
        # Nor can he read the history any more.
        assert (await call(world.bob, "get", f"groups/{gid}/messages")).status_code == 404
        await bob.disconnect()

    async_to_sync(scenario)()


async def world_gina_typing(world, gid: int) -> None:
    gina = socket(world.gina.token)
    assert (await gina.connect(timeout=CONNECT_TIMEOUT))[0]
    await gina.send_json_to({"type": "chat.typing", "group_id": gid})
    await settle(gina)
    await gina.disconnect()


def test_removed_from_the_space_gets_nothing_more_of_the_group(world_t):
    world = world_t
    gid = _group(world)

    async def scenario():
        bob = socket(world.bob.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0]
        removed = await call(world.alice, "delete", f"spaces/acme/members/{world.bob.user.pk}")
        assert removed.status_code == 204
        await settle(bob)
        await call(world.gina, "post", f"groups/{gid}/messages", {"body": "after"})
        assert [m for m in await drain(bob) if m.get("group_id") == gid] == []
        await bob.disconnect()

    async_to_sync(scenario)()
