"""Dudu calls through the API and the pages: start, join, leave, the end and its record."""

from __future__ import annotations

import pytest
from django.test import Client

from plaza.chat.models import Message


def group_of(api, world, *members) -> int:
    ids = [getattr(world, m).user.pk for m in members]
    return api("alice").post("spaces/acme/groups", {"name": "Calls", "member_ids": ids}).json_body["id"]


def test_call_from_a_group_rings_every_member_and_leaves_a_record(api, world, settings):
    settings.PLAZA_ICE_SERVERS = [{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "c"}]
    gid = group_of(api, world, "bob", "gina")
    started = api("alice").post(f"groups/{gid}/calls", {})
    assert started.status_code == 201
    call = started.json_body
    assert call["ice_servers"] == [{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "c"}]
    assert {p["user"]["handle"]: p["in_call"] for p in call["participants"]} == {"alice": True, "bob": False, "gina": False}
    joined = api("bob").post(f"calls/{call['id']}/join")
    assert joined.status_code == 200
    assert api("alice").post(f"calls/{call['id']}/leave").json_body["active"] is True
    ended = api("bob").post(f"calls/{call['id']}/leave").json_body
    assert ended["active"] is False and ended["ended_at"]
    record = Message.objects.get(group_id=gid, is_call_record=True)
    assert "Alice" in record.body and "Bob" in record.body and "Gina" not in record.body
    history = api("gina").get(f"groups/{gid}/messages").json_body["items"]
    assert history[0]["call_record"] is True
    assert api("gina").post(f"calls/{call['id']}/join").status_code == 409


def test_default_ice_servers():
    from django.conf import settings

    assert settings.PLAZA_ICE_SERVERS == [{"urls": "stun:stun.l.google.com:19302"}]


def test_call_chosen_people_of_the_space(api, world):
    response = api("bob").post("spaces/acme/calls", {"participant_ids": [world.alice.user.pk]})
    assert response.status_code == 201
    cid = response.json_body["id"]
    assert api("alice").get(f"calls/{cid}").status_code == 200
    assert api("gina").get(f"calls/{cid}").status_code == 404
    assert api("mallory").get(f"calls/{cid}").status_code == 404
    assert api("anonymous").get(f"calls/{cid}").status_code == 401
    refused = api("bob").post("spaces/acme/calls", {"participant_ids": [world.mallory.user.pk]})
    assert refused.status_code == 422
    assert api("bob").post("spaces/acme/calls", {"participant_ids": []}).status_code == 422


def test_group_calls_only_ring_group_members_and_at_most_eight(api, world):
    gid = group_of(api, world, "bob")
    assert api("alice").post(f"groups/{gid}/calls", {"participant_ids": [world.gina.user.pk]}).status_code == 422
    assert api("gina").post(f"groups/{gid}/calls", {}).status_code == 404
    assert api("mallory").post(f"groups/{gid}/calls", {}).status_code == 404
    from plaza.core.testing import make_user
    from plaza.spaces.models import Membership

    many = []
    for i in range(8):
        u = make_user(f"caller{i}")
        Membership.objects.create(space=world.acme, user=u, role="member")
        many.append(u.pk)
    assert api("alice").post("spaces/acme/calls", {"participant_ids": many}).status_code == 422
    assert api("alice").post("spaces/acme/calls", {"participant_ids": many[:7]}).status_code == 201


def test_call_pages(api, world):
    gid = group_of(api, world, "bob")
    alice = Client()
    alice.force_login(world.alice.user)
    response = alice.post(f"/groups/{gid}/call/")
    assert response.status_code == 302
    page = alice.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "calls/call.js" in body and "data-call-join" in body and "<script>" not in body
    assert "stun:stun.l.google.com:19302" in body
    mallory = Client()
    mallory.force_login(world.mallory.user)
    assert mallory.get(response["Location"]).status_code == 404
    assert mallory.post(f"/groups/{gid}/call/").status_code == 404
    bob = Client()
    bob.force_login(world.bob.user)
    started = bob.post("/s/acme/call/", {"participant_ids": [world.alice.user.pk]})
    assert started.status_code == 302 and started["Location"].startswith("/calls/")


@pytest.mark.parametrize("path", ["/calls/999/"])
def test_anonymous_is_sent_to_sign_in(path, world):
    assert Client().get(path).status_code == 302
