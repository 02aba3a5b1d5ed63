"""The /ws/ socket: who may connect, what reaches it, and that removal stops delivery."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from plaza.asgi import application
from plaza.core.realtime import publish_on_commit
from plaza.core.testing import CONNECT_TIMEOUT, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def run(coro_fn):
    return async_to_sync(coro_fn)()


def socket(path: str = "/ws/", *, origin: str | None = None, cookie: str | None = None) -> WebsocketCommunicator:
    headers = [(b"host", b"127.0.0.1:8000")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def drain(comm: WebsocketCommunicator, timeout: float = 0.4) -> list[dict]:
    """Everything that arrives within ``timeout`` seconds."""
    got = []
    while not await comm.receive_nothing(timeout=timeout):
        got.append(await comm.receive_json_from())
    return got


async def receive_type(comm: WebsocketCommunicator, wanted: str, timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await comm.receive_json_from(timeout=max(left, 0.01))
        if message.get("type") == wanted:
            return message

async def settle(comm: WebsocketCommunicator, timeout: float = 10.0) -> list[dict]:
    """Wait until the socket's consumer has handled what was sent to it before (a removal,
    a typing notice): a ping is answered after the events already queued for it. Returns
    the messages that came before the pong."""
    await comm.send_json_to({"type": "ping"})
    got = []
    while (message := await comm.receive_json_from(timeout=timeout)).get("type") != "pong":
        got.append(message)
    return got



@pytest.fixture
def world_t(db):
    return build_world()


def test_token_connects_and_receives_its_events(world_t):
    world = world_t

    async def scenario():
        comm = socket(f"/ws/?token={world.bob.token}")
        connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
        assert connected
        await database_sync_to_async(publish_on_commit)([world.bob.user.pk], {"type": "notification.count", "count": 3})
        assert await receive_type(comm, "notification.count") == {"type": "notification.count", "count": 3}
        await comm.send_json_to({"type": "ping"})
        assert await receive_type(comm, "pong") == {"type": "pong"}
        await comm.disconnect()

    run(scenario)


def test_session_cookie_connects(world_t):
    client = Client()
    client.force_login(world_t.bob.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    async def scenario():
        comm = socket(cookie=cookie, origin="http://127.0.0.1:8000")
        connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
        assert connected
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize("path", ["/ws/", "/ws/?token=plz_not-a-real-token"])
def test_signed_out_or_bad_token_is_refused(world_t, path):
    async def scenario():
        connected, code = await socket(path).connect(timeout=CONNECT_TIMEOUT)
        assert not connected

    run(scenario)


def test_foreign_origin_is_refused(world_t):
    async def scenario():
        comm = socket(f"/ws/?token={world_t.bob.token}", origin="https://evil.example")
        connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
        assert not connected

    run(scenario)


def test_other_peoples_events_do_not_arrive(world_t):
    world = world_t

    async def scenario():
        comm = socket(f"/ws/?token={world.mallory.token}")
        assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        await database_sync_to_async(publish_on_commit)([world.bob.user.pk], {"type": "notification", "id": 1})
        assert await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()

    run(scenario)


def test_removed_member_socket_opened_before_removal_gets_nothing_more(world_t):
    world = world_t

    async def scenario():
        comm = socket(f"/ws/?token={world.bob.token}")
        assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        event = {"type": "feed.new_posts", "count": 1}
        await database_sync_to_async(publish_on_commit)([world.bob.user.pk], event, space_id=world.acme.pk)
        assert await receive_type(comm, "feed.new_posts") == event
        # alice removes bob through the API; the socket stays open but acme's events stop.
        response = await database_sync_to_async(
            lambda: Client().delete(f"/api/v1/spaces/acme/members/{world.bob.user.pk}", HTTP_AUTHORIZATION=f"Bearer {world.alice.token}")
        )()
        assert response.status_code == 204
        got = await settle(comm)
        await database_sync_to_async(publish_on_commit)([world.bob.user.pk], event, space_id=world.acme.pk)
        got += await drain(comm)
        # bob hears that he was removed, and nothing more from acme.
        assert [m["type"] for m in got if m["type"] == "feed.new_posts"] == []
        while not any(m["type"] == "notification" and m["kind"] == "removed_from_space" for m in got):
            got.append(await comm.receive_json_from(timeout=10))
        await comm.disconnect()

    run(scenario)


def test_token_revocation_closes_sockets_opened_with_it(world_t):
    world = world_t

    async def scenario():
        comm = socket(f"/ws/?token={world.bob.token}")
        assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        response = await database_sync_to_async(
            lambda: Client().delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {world.bob.token}")
        )()
        assert response.status_code == 204
        output = await comm.receive_output(timeout=10)
        assert output["type"] == "websocket.close"
        await database_sync_to_async(publish_on_commit)([world.bob.user.pk], {"type": "notification", "id": 9})

    run(scenario)


def test_deactivation_closes_every_socket(world_t):
    world = world_t
    client = Client()
    client.force_login(world.bob.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    async def scenario():
        by_token = socket(f"/ws/?token={world.bob.token}")
        by_session = socket(cookie=cookie)
        assert (await by_token.connect(timeout=CONNECT_TIMEOUT))[0] and (await by_session.connect(timeout=CONNECT_TIMEOUT))[0]
        from plaza.accounts.actions import do_deactivate_account

        await database_sync_to_async(do_deactivate_account)(world.bob.user)
        for comm in (by_token, by_session):
            output = await comm.receive_output(timeout=10)
            assert output["type"] == "websocket.close"
        # A new socket with the same cookie or token is refused.
        assert not (await socket(cookie=cookie).connect(timeout=CONNECT_TIMEOUT))[0]
        assert not (await socket(f"/ws/?token={world.bob.token}").connect(timeout=CONNECT_TIMEOUT))[0]

    run(scenario)
