"""Discussion groups through the API: create, members, messages, history, unread, mentions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.core.testing import Api, make_persona
from plaza.notifications.models import Notification
from plaza.spaces.models import Membership, Role


def make_group(api, world, *, name="Planning", members=("bob", "gina")):
    ids = [getattr(world, m).user.pk for m in members]
    response = api("alice").post("spaces/acme/groups", {"name": name, "member_ids": ids})
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_create_group_with_members_of_any_role(api, world):
    group = make_group(api, world)
    assert group["name"] == "Planning"
    assert {m["user"]["handle"]: m["role"] for m in group["members"]} == {"alice": "creator", "bob": "member", "gina": "member"}
    assert group["my_role"] == "creator"
    listed = api("gina").get("spaces/acme/groups").json_body["items"]
    assert [g["name"] for g in listed] == ["Planning"]


def test_members_must_be_in_the_space(api, world):
    response = api("alice").post("spaces/acme/groups", {"name": "X", "member_ids": [world.mallory.user.pk]})
    assert response.status_code == 422
    assert response.json_body["detail"][0]["loc"] == ["body", "member_ids"]


def test_guests_cannot_create_groups(api, world):
    response = api("gina").post("spaces/acme/groups", {"name": "X", "member_ids": []})
    assert response.status_code == 403


def test_outsiders_and_non_members_see_nothing(api, world):
    group = make_group(api, world, members=("bob",))
    assert api("mallory").get(f"groups/{group['id']}").status_code == 404
    assert api("mallory").get(f"groups/{group['id']}/messages").status_code == 404
    assert api("gina").get(f"groups/{group['id']}").status_code == 404  # in acme, not in the group
    assert api("gina").post(f"groups/{group['id']}/messages", {"body": "hi"}).status_code == 404
    assert api("anonymous").get(f"groups/{group['id']}").status_code == 401
    assert api("mallory").get("spaces/acme/groups").status_code == 404


def test_messages_history_with_before_pagination(api, world):
    group = make_group(api, world)
    bob = api("bob")
    ids = [bob.post(f"groups/{group['id']}/messages", {"body": f"m{i}"}).json_body["id"] for i in range(5)]
    page = api("alice").get(f"groups/{group['id']}/messages?limit=2").json_body
    assert [m["body"] for m in page["items"]] == ["m4", "m3"]
    assert page["next_cursor"] == str(ids[3])
    older = api("alice").get(f"groups/{group['id']}/messages?limit=2&before={page['next_cursor']}").json_body
    assert [m["body"] for m in older["items"]] == ["m2", "m1"]
    last = api("alice").get(f"groups/{group['id']}/messages?limit=2&before={ids[1]}").json_body
    assert [m["body"] for m in last["items"]] == ["m0"]
    assert last["next_cursor"] is None


def test_edit_and_delete_only_own(api, world):
    group = make_group(api, world)
    mid = api("bob").post(f"groups/{group['id']}/messages", {"body": "Hello"}).json_body["id"]
    assert api("alice").patch(f"groups/{group['id']}/messages/{mid}", {"body": "Hacked"}).status_code == 403
    assert api("alice").delete(f"groups/{group['id']}/messages/{mid}").status_code == 403
    edited = api("bob").patch(f"groups/{group['id']}/messages/{mid}", {"body": "Hello **all**"})
    assert edited.status_code == 200
    assert edited.json_body["edited"] is True
    assert "<strong>all</strong>" in edited.json_body["html"]
    assert api("bob").delete(f"groups/{group['id']}/messages/{mid}").status_code == 204
    assert api("alice").get(f"groups/{group['id']}/messages").json_body["items"] == []
    assert api("bob").patch(f"groups/{group['id']}/messages/{mid}", {"body": "again"}).status_code == 404


def test_unread_counts_and_read_marker(api, world):
    group = make_group(api, world)
    ids = [api("bob").post(f"groups/{group['id']}/messages", {"body": f"m{i}"}).json_body["id"] for i in range(3)]
    assert api("alice").get(f"groups/{group['id']}").json_body["unread"] == 3
    assert api("bob").get(f"groups/{group['id']}").json_body["unread"] == 0  # own messages
    read = api("alice").post(f"groups/{group['id']}/read", {"message_id": ids[1]})
    assert read.json_body == {"last_read_message_id": ids[1], "unread": 1}
    assert api("alice").get("spaces/acme/groups").json_body["items"][0]["unread"] == 1
    # The marker never moves back.
    assert api("alice").post(f"groups/{group['id']}/read", {"message_id": ids[0]}).json_body["unread"] == 1
    assert api("alice").post(f"groups/{group['id']}/read", {"message_id": 999999}).status_code == 422


def test_mentions_notify_group_members_only(api, world):
    group = make_group(api, world, members=("bob",))
    api("bob").post(f"groups/{group['id']}/messages", {"body": "@alice and @gina look"})
    assert Notification.objects.filter(recipient=world.alice.user, kind="chat_mention").count() == 1
    assert not Notification.objects.filter(recipient=world.gina.user).exists()
    item = api("alice").get("notifications").json_body["items"][0]
    assert item["target"]["url"].startswith(f"/groups/{group['id']}/")


def test_manage_members_rename_leave(api, world):
    group = make_group(api, world, members=("bob",))
    gid = group["id"]
    assert api("bob").post(f"groups/{gid}/members", {"user_id": world.gina.user.pk}).status_code == 403
    assert api("alice").post(f"groups/{gid}/members", {"user_id": world.gina.user.pk, "role": "admin"}).status_code == 201
    # gina, a group admin now, may add and remove; nobody removes the creator.
    assert api("gina").delete(f"groups/{gid}/members/{world.bob.user.pk}").status_code == 204
    assert api("gina").delete(f"groups/{gid}/members/{world.alice.user.pk}").status_code == 403
    assert api("bob").get(f"groups/{gid}/messages").status_code == 404
    assert api("alice").patch(f"groups/{gid}", {"name": "Renamed"}).json_body["name"] == "Renamed"
    # The creator leaves: the group admin takes over.
    assert api("alice").delete(f"groups/{gid}/members/{world.alice.user.pk}").status_code == 204
    assert api("gina").get(f"groups/{gid}").json_body["my_role"] == "creator"


def test_removed_from_space_loses_the_group(api, world):
    group = make_group(api, world, members=("bob",))
    Membership.objects.filter(space=world.acme, user=world.bob.user).delete()
    assert api("bob").get(f"groups/{group['id']}/messages").status_code == 404
    members = api("alice").get(f"groups/{group['id']}").json_body["members"]
    assert [m["user"]["handle"] for m in members] == ["alice"]


@pytest.mark.parametrize("n", [3, 25])
def test_list_query_counts_do_not_grow(api, world, n):
    people = []
    for i in range(n):
        p = make_persona(f"p{n}_{i}")
        Membership.objects.create(space=world.acme, user=p.user, role=Role.MEMBER)
        people.append(p)
    alice = api("alice")
    for i in range(n):
        gid = alice.post("spaces/acme/groups", {"name": f"g{i}", "member_ids": [people[i].user.pk]}).json_body["id"]
        Api(people[i]).post(f"groups/{gid}/messages", {"body": f"hello {i}"})
    for path in ["spaces/acme/groups", f"groups/{gid}/messages"]:
        with CaptureQueriesContext(connection) as ctx:
            response = alice.get(path)
        assert response.status_code == 200 and response.json_body["items"]
        MEASURED[(path.split("/")[0], n)] = len(ctx.captured_queries)
    if n == 25:
        for kind in ("spaces", "groups"):
            assert MEASURED[(kind, 25)] == MEASURED[(kind, 3)], MEASURED


MEASURED: dict[tuple[str, int], int] = {}
