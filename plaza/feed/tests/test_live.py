"""feed.new_posts reaches the open sockets of those who may see the post, and no one else."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from plaza.asgi import application
from plaza.core.testing import CONNECT_TIMEOUT, Api, build_world
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team

pytestmark = pytest.mark.django_db(transaction=True)


async def next_of_type(comm: WebsocketCommunicator, wanted: str, timeout: float = 2.0) -> dict:
    """The next message of type ``wanted`` (a timeout fails the test)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await comm.receive_json_from(timeout=max(left, 0.01))
        if message.get("type") == wanted:
            return message


def test_new_posts_are_pushed_to_those_who_may_see_them():
    world = build_world()
    team = do_create_team(space_access_for(world.alice.user, world.acme), name="Sales", visibility="private")
    do_add_team_member(space_access_for(world.alice.user, world.acme), team, world.gina.user.pk)

    async def scenario():
        sockets = {}
        for name in ("bob", "gina", "mallory", "alice"):
            comm = WebsocketCommunicator(application, f"/ws/?token={getattr(world, name).token}", headers=[(b"host", b"127.0.0.1:8000")])
            connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
            assert connected
            sockets[name] = comm
        response = await database_sync_to_async(Api(world.alice).post)("spaces/acme/posts", {"body": "all hands"})
        assert response.status_code == 201
        post_id = response.json_body["id"]
        event = await next_of_type(sockets["bob"], "feed.new_posts")
        assert event == {"type": "feed.new_posts", "space": "acme", "team_id": None, "post_id": post_id}
        assert await sockets["gina"].receive_nothing(timeout=0.3)  # guests: teams only
        assert await sockets["mallory"].receive_nothing(timeout=0.3)
        assert await sockets["alice"].receive_nothing(timeout=0.3)  # not to the author
        response = await database_sync_to_async(Api(world.alice).post)("spaces/acme/posts", {"body": "sales", "team_id": team.pk})
        assert response.status_code == 201, response.json_body
        event = await next_of_type(sockets["gina"], "feed.new_posts")
        assert event["team_id"] == team.pk
        assert await sockets["bob"].receive_nothing(timeout=0.3)  # private team
        for comm in sockets.values():
            await comm.disconnect()

    async_to_sync(scenario)()
