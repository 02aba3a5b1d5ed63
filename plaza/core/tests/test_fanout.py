"""Events for a whole big space or discussion group are one channel-layer message, filtered
by each socket; small audiences get one message each. Either way a socket shows exactly what
its person may see."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from plaza.accounts.models import User
from plaza.core import realtime
from plaza.core.testing import CONNECT_TIMEOUT, Api, build_world
from plaza.core.tests.test_websocket import drain, receive_type, socket
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(token: str) -> WebsocketCommunicator:
    return socket(f"/ws/?token={token}")


async def _next_of_type(comm: WebsocketCommunicator, wanted: str) -> dict:
    return await receive_type(comm, wanted, timeout=10.0)


@pytest.fixture
def sends(monkeypatch):
    """The channel-layer groups every live message of this test went to, in order (whether
    the layer got it through ``group_send`` or from a request thread)."""
    seen: list[str] = []
    original = realtime._send_now

    def spy(messages):
        seen.extend(group for group, _message in messages)
        return original(messages)

    monkeypatch.setattr(realtime, "_send_now", spy)
    return seen


def _add_people(space, count: int) -> None:
    users = User.objects.bulk_create(
        [User(name=f"Extra {i}", email=f"extra{i}@example.com", handle=f"extra{i}") for i in range(count)]
    )
    Membership.objects.bulk_create([Membership(space=space, user=u, role="member") for u in users])


@pytest.fixture(params=["per person", "one per space"])
def fan_out(request, settings):
    """Both ways of fanning out: one message per person (small audiences), or one message
    to the space's or group's channel-layer group (from PLAZA_FANOUT_GROUP_MIN people)."""
    settings.PLAZA_FANOUT_GROUP_MIN = 10_000 if request.param == "per person" else 1
    return request.param


def test_a_post_to_a_big_space_is_one_message_whatever_its_size(sends, settings):
    settings.PLAZA_FANOUT_GROUP_MIN = 50
    world = build_world()
    _add_people(world.acme, 60)
    response = Api(world.bob).post("spaces/acme/posts", {"body": "hello sixty-three people"})
    assert response.status_code == 201, response.json_body
    assert [g for g in sends if g.startswith(("space.", "user."))] == [f"space.{world.acme.pk}"]


def test_a_post_to_a_small_space_goes_to_each_person_who_sees_it(sends, settings):
    settings.PLAZA_FANOUT_GROUP_MIN = 50
    world = build_world()
    response = Api(world.bob).post("spaces/acme/posts", {"body": "hello alice"})
    assert response.status_code == 201, response.json_body
    # alice (owner) sees it; gina is a guest, bob the author, mallory elsewhere.
    assert [g for g in sends if g.startswith(("space.", "user."))] == [f"user.{world.alice.user.pk}"]


def test_sockets_keep_only_what_their_person_sees(fan_out):
    world = build_world()
    team = do_create_team(space_access_for(world.alice.user, world.acme), name="Sales", visibility="private")
    do_add_team_member(space_access_for(world.alice.user, world.acme), team, world.gina.user.pk)

    async def scenario():
        sockets = {name: _socket(getattr(world, name).token) for name in ("alice", "bob", "gina", "mallory")}
        for comm in sockets.values():
            assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        post = await database_sync_to_async(Api(world.alice).post)("spaces/acme/posts", {"body": "all hands"})
        assert (await _next_of_type(sockets["bob"], "feed.new_posts"))["post_id"] == post.json_body["id"]
        in_team = await database_sync_to_async(Api(world.alice).post)(
            "spaces/acme/posts", {"body": "sales only", "team_id": team.pk}
        )
        # gina (a guest) gets the post of her team, and nothing space-wide before it.
        assert (await _next_of_type(sockets["gina"], "feed.new_posts"))["post_id"] == in_team.json_body["id"]
        for name in ("alice", "bob", "mallory"):  # the author; not in the private team; outsider
            got = await drain(sockets[name], timeout=0.3)
            assert [m["post_id"] for m in got if m["type"] == "feed.new_posts"] == [], (name, got)
        for comm in sockets.values():
            await comm.disconnect()

    async_to_sync(scenario)()


def test_a_chat_message_to_a_big_group_is_one_message(sends, settings):
    settings.PLAZA_FANOUT_GROUP_MIN = 2
    world = build_world()
    response = Api(world.alice).post("spaces/acme/groups", {"name": "Floor", "member_ids": [world.bob.user.pk]})
    assert response.status_code == 201, response.json_body
    gid = response.json_body["id"]
    sends.clear()
    response = Api(world.alice).post(f"groups/{gid}/messages", {"body": "lunch?"})
    assert response.status_code == 201, response.json_body
    assert [g for g in sends if g.startswith(("chat.", "user."))] == [f"chat.{gid}"]


def test_a_socket_opened_before_joining_a_small_space_gets_its_next_post():
    world = build_world()
    do_create_space(world.alice.user, name="Open House", slug="open-house", visibility="public", join_policy="open")

    async def scenario():
        mallory = _socket(world.mallory.token)
        assert (await mallory.connect(timeout=CONNECT_TIMEOUT))[0]
        first = await database_sync_to_async(Api(world.alice).post)("spaces/open-house/posts", {"body": "before"})
        assert first.status_code == 201
        assert await mallory.receive_nothing(timeout=0.3)  # a visitor of a public space: no pushes
        joined = await database_sync_to_async(Api(world.mallory).post)("spaces/open-house/join", {})
        assert joined.status_code == 200 and joined.json_body["status"] == "joined"
        second = await database_sync_to_async(Api(world.alice).post)("spaces/open-house/posts", {"body": "after"})
        assert second.status_code == 201
        event = await _next_of_type(mallory, "feed.new_posts")
        assert event["post_id"] == second.json_body["id"]
        await mallory.disconnect()

    async_to_sync(scenario)()


def test_a_member_made_guest_stops_getting_space_wide_posts(fan_out):
    world = build_world()

    async def scenario():
        bob = _socket(world.bob.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0]
        first = await database_sync_to_async(Api(world.alice).post)("spaces/acme/posts", {"body": "for members"})
        assert (await _next_of_type(bob, "feed.new_posts"))["post_id"] == first.json_body["id"]
        changed = await database_sync_to_async(Api(world.alice).patch)(
            f"spaces/acme/members/{world.bob.user.pk}", {"role": "guest"}
        )
        assert changed.status_code == 200, changed.json_body
        await database_sync_to_async(Api(world.alice).post)("spaces/acme/posts", {"body": "members only now"})
        got = [m["type"] for m in await drain(bob, timeout=0.5)]
        assert "feed.new_posts" not in got, got
        await bob.disconnect()

    async_to_sync(scenario)()
