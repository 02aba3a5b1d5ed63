"""Micro-mail through the API: sending, folders, threads, replies, forwarding, privacy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.core.testing import Api, make_persona
from plaza.mail.models import Delivery
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team
from plaza.spaces.models import Membership, Role


def send(api, who, **data):
    body = {"subject": "Hi", "body": "Hello", **data}
    return api(who).post("mail", body)


def test_send_read_and_folders(api, world):
    response = send(api, "alice", to=[world.bob.user.pk], cc=[world.gina.user.pk], subject="Tasting", body="Bring **glasses**")
    assert response.status_code == 201
    mid = response.json_body["id"]
    assert response.json_body["thread_id"] == mid
    inbox = api("bob").get("mail/folders/inbox").json_body["items"]
    assert [(m["subject"], m["unread"], m["from"]["handle"]) for m in inbox] == [("Tasting", True, "alice")]
    assert [u["handle"] for u in inbox[0]["to"]] == ["bob"]
    sent = api("alice").get("mail/folders/sent").json_body["items"]
    assert [m["id"] for m in sent] == [mid]
    read = api("bob").get(f"mail/messages/{mid}").json_body
    assert "<strong>glasses</strong>" in read["html"]
    assert [u["handle"] for u in read["cc"]] == ["gina"]
    assert api("bob").get("mail/folders/inbox").json_body["items"][0]["unread"] is False
    assert api("gina").get("mail/folders/inbox").json_body["items"][0]["unread"] is True
    assert Notification.objects.filter(kind="mail_received", recipient=world.bob.user, target_id=mid).exists()
    item = api("bob").get("notifications").json_body["items"][0]
    assert item["target"]["url"] == f"/mail/m/{mid}/"


def test_only_people_who_share_a_space_and_no_existence_leak(api, world):
    unknown = send(api, "alice", to=[world.mallory.user.pk])
    missing = send(api, "alice", to=[999999])
    assert unknown.status_code == missing.status_code == 404
    assert unknown.json_body == missing.json_body  # names nobody
    assert not Delivery.objects.filter(user=world.mallory.user).exists()
    # A guest knows only the people of her teams.
    assert send(api, "gina", to=[world.bob.user.pk]).status_code == 404


def test_team_recipients_are_expanded_at_send_time(api, world):
    alice_acc = space_access_for(world.alice.user, world.acme)
    team = do_create_team(alice_acc, name="Ops", visibility="private")
    do_add_team_member(alice_acc, team, world.bob.user.pk)
    assert send(api, "alice", team_ids=[team.pk]).status_code == 201
    assert len(api("bob").get("mail/folders/inbox").json_body["items"]) == 1
    # bob now sees the private team; gina (not in it) may not even know it exists.
    assert send(api, "gina", team_ids=[team.pk]).status_code == 404
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role=Role.MEMBER)
    do_add_team_member(alice_acc, team, carol.user.pk)
    send(api, "alice", team_ids=[team.pk], subject="Second")
    assert [m["subject"] for m in Api(carol).get("mail/folders/inbox").json_body["items"]] == ["Second"]


def test_reply_and_reply_all_keep_the_thread(api, world):
    first = send(api, "alice", to=[world.bob.user.pk], cc=[world.gina.user.pk], subject="Plan").json_body
    reply = send(api, "bob", to=[world.alice.user.pk], subject="Re: Plan", reply_to=first["id"]).json_body
    # gina, a guest in no team, may still answer those who wrote to her with her.
    assert send(api, "gina", to=[world.alice.user.pk]).status_code == 404
    reply_all = send(api, "gina", to=[world.alice.user.pk], cc=[world.bob.user.pk], subject="Re: Plan", reply_to=first["id"]).json_body
    assert reply["thread_id"] == reply_all["thread_id"] == first["id"]
    thread = api("alice").get(f"mail/threads/{first['id']}").json_body
    assert [m["id"] for m in thread["messages"]] == [first["id"], reply["id"], reply_all["id"]]
    # gina sees only the messages she has: not bob's reply to alice.
    assert [m["id"] for m in api("gina").get(f"mail/threads/{first['id']}").json_body["messages"]] == [first["id"], reply_all["id"]]
    assert api("mallory").get(f"mail/threads/{first['id']}").status_code == 404
    # Replying to mail you do not have is 404.
    assert send(api, "mallory", to=[], reply_to=first["id"]).status_code == 404


def test_forward_and_private_mail(api, world):
    normal = send(api, "alice", to=[world.bob.user.pk], body="Secret recipe").json_body
    forwarded = api("bob").post(f"mail/messages/{normal['id']}/forward", {"to": [world.gina.user.pk]})
    assert forwarded.status_code == 201
    got = api("gina").get(f"mail/messages/{forwarded.json_body['id']}").json_body
    assert got["subject"] == "Fwd: Hi" and "Secret recipe" in got["body"]
    private = send(api, "alice", to=[world.bob.user.pk], private=True).json_body
    refused = api("bob").post(f"mail/messages/{private['id']}/forward", {"to": [world.gina.user.pk]})
    assert refused.status_code == 409 and refused.json_body["code"] == "conflict"


def test_move_between_folders(api, world):
    mid = send(api, "alice", to=[world.bob.user.pk]).json_body["id"]
    assert api("bob").post(f"mail/messages/{mid}/move", {"folder": "archive"}).json_body["folder"] == "archive"
    assert api("bob").get("mail/folders/inbox").json_body["items"] == []
    assert len(api("bob").get("mail/folders/archive").json_body["items"]) == 1
    api("bob").post(f"mail/messages/{mid}/move", {"folder": "trash"})
    assert len(api("bob").get("mail/folders/trash").json_body["items"]) == 1
    assert api("bob").post(f"mail/messages/{mid}/move", {"folder": "spam"}).status_code == 422
    assert api("bob").get("mail/folders/spam").status_code == 404
    # alice's copy stays in her sent folder.
    assert len(api("alice").get("mail/folders/sent").json_body["items"]) == 1


@pytest.mark.parametrize("n", [3, 25])
def test_folder_query_count_does_not_grow(api, world, n):
    for i in range(n):
        send(api, "alice", to=[world.bob.user.pk], cc=[world.gina.user.pk], subject=f"m{i}")
    for who, folder in (("bob", "inbox"), ("alice", "sent")):
        with CaptureQueriesContext(connection) as ctx:
            response = api(who).get(f"mail/folders/{folder}")
        assert len(response.json_body["items"]) == min(n, 20)
        COUNTS[(folder, n)] = len(ctx.captured_queries)
    if n == 25:
        assert COUNTS[("inbox", 25)] == COUNTS[("inbox", 3)] and COUNTS[("sent", 25)] == COUNTS[("sent", 3)], COUNTS


COUNTS: dict[tuple[str, int], int] = {}
