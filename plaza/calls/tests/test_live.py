"""Calls over /ws/: ringing, signalling only between participants, and the end."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from plaza.chat.tests.test_live import call, drain, receive_type, settle, socket  # the chat tests' socket helpers
from plaza.core.testing import CONNECT_TIMEOUT, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world_t(db):
    return build_world()


def test_ring_signal_and_end(world_t):
    world = world_t

    async def scenario():
        alice, bob, gina, mallory = (socket(p.token) for p in (world.alice, world.bob, world.gina, world.mallory))
        for comm in (alice, bob, gina, mallory):
            assert (await comm.connect(timeout=CONNECT_TIMEOUT))[0]
        started = await call(world.alice, "post", "spaces/acme/calls", {"participant_ids": [world.bob.user.pk]})
        cid = started.json_body["id"]
        ring = await receive_type(bob, "call.ring")
        assert ring["call_id"] == cid and ring["from"]["handle"] == "alice" and ring["url"] == f"/calls/{cid}/"
        await call(world.bob, "post", f"calls/{cid}/join")
        # An offer from alice reaches bob, and his answer reaches alice.
        offer = {"kind": "offer", "sdp": {"type": "offer", "sdp": "v=0"}}
        await alice.send_json_to({"type": "call.signal", "call_id": cid, "to": world.bob.user.pk, "payload": offer})
        got = await receive_type(bob, "call.signal")
        assert got == {"type": "call.signal", "call_id": cid, "from": world.alice.user.pk, "payload": offer}
        answer = {"kind": "answer", "sdp": {"type": "answer", "sdp": "v=0"}}
        await bob.send_json_to({"type": "call.signal", "call_id": cid, "to": world.alice.user.pk, "payload": answer})
        assert (await receive_type(alice, "call.signal"))["payload"] == answer
        # Not to or from anyone outside the call: gina (in acme) and mallory (outsider).
        await alice.send_json_to({"type": "call.signal", "call_id": cid, "to": world.gina.user.pk, "payload": offer})
        await gina.send_json_to({"type": "call.signal", "call_id": cid, "to": world.bob.user.pk, "payload": offer})
        await mallory.send_json_to({"type": "call.signal", "call_id": cid, "to": world.alice.user.pk, "payload": offer})
        await mallory.send_json_to({"type": "call.signal", "call_id": "x", "to": None, "payload": 1})
        for comm in (alice, bob, gina, mallory):
            assert [m for m in await drain(comm) if m["type"] == "call.signal"] == []
        assert [m for m in await drain(gina) if m["type"].startswith("call.")] == []
        # The last one out ends the call; both hear it, and signalling stops.
        await call(world.alice, "post", f"calls/{cid}/leave")
        await call(world.bob, "post", f"calls/{cid}/leave")
        assert (await receive_type(alice, "call.ended"))["call_id"] == cid
        assert (await receive_type(bob, "call.ended"))["call_id"] == cid
        await alice.send_json_to({"type": "call.signal", "call_id": cid, "to": world.bob.user.pk, "payload": offer})
        assert [m for m in await drain(bob) if m["type"] == "call.signal"] == []
        for comm in (alice, bob, gina, mallory):
            await comm.disconnect()

    async_to_sync(scenario)()


def test_signal_stops_when_a_participant_leaves_the_space(world_t):
    world = world_t

    async def scenario():
        alice, bob = socket(world.alice.token), socket(world.bob.token)
        assert (await alice.connect(timeout=CONNECT_TIMEOUT))[0] and (await bob.connect(timeout=CONNECT_TIMEOUT))[0]
        cid = (await call(world.alice, "post", "spaces/acme/calls", {"participant_ids": [world.bob.user.pk]})).json_body["id"]
        await receive_type(bob, "call.ring")
        await call(world.alice, "delete", f"spaces/acme/members/{world.bob.user.pk}")
        await settle(bob)
        await alice.send_json_to({"type": "call.signal", "call_id": cid, "to": world.bob.user.pk, "payload": {"kind": "offer"}})
        assert [m for m in await drain(bob) if m["type"] == "call.signal"] == []
        await alice.disconnect()
        await bob.disconnect()

    async_to_sync(scenario)()
