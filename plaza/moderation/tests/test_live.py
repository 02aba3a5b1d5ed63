"""Hidden content and the sockets: nothing about a hidden post is pushed to other people,
and a hidden chat message leaves their open pages at once."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from plaza.asgi import application
from plaza.core.testing import CONNECT_TIMEOUT, Api, build_world, make_persona
from plaza.core.tests.test_websocket import settle
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


def _world_with_carol():
    world = build_world()
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role=Role.MEMBER)
    return world, carol


async def _until(comm: WebsocketCommunicator, wanted: str, timeout: float = 10.0) -> list[dict]:
    """Every message up to and including the first of type ``wanted`` (waits up to ``timeout``)."""
    deadline = asyncio.get_running_loop().time() + timeout
    got = []
    while True:
        left = deadline - asyncio.get_running_loop().time()
        got.append(await comm.receive_json_from(timeout=max(left, 0.01)))
        if got[-1].get("type") == wanted:
            return got


async def _connect(persona) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(application, f"/ws/?token={persona.token}", headers=[(b"host", b"127.0.0.1:8000")])
    connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
    assert connected
    return comm


def _call(persona, method: str, path: str, body=None):
    return getattr(Api(persona), method)(path, body) if body is not None else getattr(Api(persona), method)(path)


def test_nothing_about_a_hidden_post_is_pushed_to_other_members():
    world, carol = _world_with_carol()
    post = Api(world.bob).post("spaces/acme/posts", {"body": "watches for sale"}).json_body["id"]
    report = Api(carol).post("reports", {"type": "post", "id": post, "reason": "spam"}).json_body["id"]
    assert Api(world.alice).post(f"reports/{report}/resolve", {"action": "hide"}).status_code == 200

    async def scenario():
        carol_socket, alice_socket = await _connect(carol), await _connect(world.alice)
        await settle(carol_socket)
        await settle(alice_socket)
        made = await database_sync_to_async(_call)(
            world.bob, "post", f"posts/{post}/comments", {"body": f"ask @{carol.user.handle} or @{world.alice.user.handle}"}
        )
        assert made.status_code == 201
        # A post in the space meanwhile: carol's socket is alive and gets it.
        other = await database_sync_to_async(_call)(world.bob, "post", "spaces/acme/posts", {"body": "a fine post"})
        assert other.status_code == 201
        # Everything carol's socket got up to that post (sent after the comment), then the rest.
        carol_got = await _until(carol_socket, "feed.new_posts") + await settle(carol_socket)
        assert [m["post_id"] for m in carol_got if m["type"] == "feed.new_posts"] == [other.json_body["id"]]
        assert [m for m in carol_got if m["type"] == "notification"] == []  # the mention on the hidden post
        alice_got = await _until(alice_socket, "notification")
        assert alice_got[-1]["kind"] == "post_mention"  # admins still see it
        await carol_socket.disconnect()
        await alice_socket.disconnect()

    async_to_sync(scenario)()


def test_a_hidden_chat_message_leaves_the_other_members_pages_live():
    world, carol = _world_with_carol()
    group = (
        Api(world.alice)
        .post("spaces/acme/groups", {"name": "Chat", "member_ids": [world.bob.user.pk, carol.user.pk]})
        .json_body["id"]
    )
    message = Api(world.bob).post(f"groups/{group}/messages", {"body": "rude words"}).json_body["id"]
    report = Api(carol).post("reports", {"type": "message", "id": message, "reason": "harassment"}).json_body["id"]

    async def scenario():
        carol_socket, bob_socket = await _connect(carol), await _connect(world.bob)
        await settle(carol_socket)
        await settle(bob_socket)
        done = await database_sync_to_async(_call)(world.alice, "post", f"reports/{report}/resolve", {"action": "hide"})
        assert done.status_code == 200
        carol_got = await _until(carol_socket, "chat.message_deleted") + await settle(carol_socket)
        assert [m for m in carol_got if m["type"].startswith("chat.")] == [
            {"type": "chat.message_deleted", "message_id": message, "group_id": group}
        ]
        bob_got = await _until(bob_socket, "chat.message_edited") + await settle(bob_socket)
        edited = [m for m in bob_got if m["type"] == "chat.message_edited"]
        assert len(edited) == 1 and edited[0]["message"]["hidden"] is True  # the author sees the mark
        assert not [m for m in bob_got if m["type"] == "chat.message_deleted"]
        # The author edits the hidden message: nobody else hears of it.
        edit = await database_sync_to_async(_call)(
            world.bob, "patch", f"groups/{group}/messages/{message}", {"body": "still rude"}
        )
        assert edit.status_code == 200
        assert (await _until(bob_socket, "chat.message_edited"))[-1]["message"]["body"] == "still rude"
        assert [m for m in await settle(carol_socket) if m["type"].startswith("chat.")] == []
        await carol_socket.disconnect()
        await bob_socket.disconnect()

    async_to_sync(scenario)()
