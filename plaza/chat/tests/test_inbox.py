"""One inbox (issue 14): direct chats, conversations across spaces, the Message button,
the people pickers' endpoint and removal from the shared space."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.asgi import application
from plaza.core.testing import CONNECT_TIMEOUT, Api, build_world, login, make_persona
from plaza.core.tests.test_websocket import drain, receive_type
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role


def direct(api, who: str, other) -> tuple[int, dict]:
    response = api(who).post("direct-chats", {"user_id": other.user.pk})
    return response.status_code, response.json_body


def test_a_direct_chat_is_one_per_pair_and_idempotent(api, world):
    status, chat = direct(api, "alice", world.bob)
    assert status == 201
    assert chat["kind"] == "direct" and chat["space"] == "acme"
    assert sorted(m["user"]["handle"] for m in chat["members"]) == ["alice", "bob"]
    again, same = direct(api, "alice", world.bob)
    assert (again, same["id"]) == (200, chat["id"])
    back, theirs = direct(api, "bob", world.alice)  # the other way round: the same chat
    assert (back, theirs["id"]) == (200, chat["id"])


def test_a_direct_chat_needs_a_shared_space(api, world):
    assert direct(api, "alice", world.mallory)[0] == 404
    assert direct(api, "mallory", world.alice)[0] == 404
    assert api("alice").post("direct-chats", {"user_id": 10**9}).status_code == 404
    self_chat = api("alice").post("direct-chats", {"user_id": world.alice.user.pk})
    assert self_chat.status_code == 422 and self_chat.json_body["detail"][0]["loc"] == ["body", "user_id"]
    assert api("anonymous").post("direct-chats", {"user_id": world.bob.user.pk}).status_code == 401


def test_a_guest_chats_only_with_people_of_their_teams(api, world):
    assert direct(api, "gina", world.bob)[0] == 404  # gina shares no team with bob
    assert direct(api, "bob", world.gina)[0] == 201  # bob, a full member, knows everyone of acme


def test_exactly_the_two_people_see_a_direct_chat(api, world):
    _status, chat = direct(api, "bob", world.gina)
    gid = chat["id"]
    api("bob").post(f"groups/{gid}/messages", {"body": "Hello Gina"})
    assert api("gina").get(f"groups/{gid}/messages").json_body["items"][0]["body"] == "Hello Gina"
    for outsider in ("alice", "mallory"):  # alice owns acme: a direct chat is still not hers
        assert api(outsider).get(f"groups/{gid}").status_code == 404
        assert api(outsider).get(f"groups/{gid}/messages").status_code == 404
        assert gid not in [c["id"] for c in api(outsider).get("conversations").json_body["items"]]
    # Not a discussion group of the space, and its people never change.
    assert gid not in [g["id"] for g in api("bob").get("spaces/acme/groups").json_body["items"]]
    assert api("bob").patch(f"groups/{gid}", {"name": "Renamed"}).status_code == 403
    assert api("bob").post(f"groups/{gid}/members", {"user_id": world.alice.user.pk}).status_code == 403
    assert api("bob").delete(f"groups/{gid}/members/{world.bob.user.pk}").status_code == 403


def test_conversations_across_spaces_newest_first_with_unread_and_preview(api, world):
    # bob is in a second space too, with mallory.
    Membership.objects.create(space=world.globex, user=world.bob.user, role=Role.MEMBER)
    group = api("alice").post("spaces/acme/groups", {"name": "Planning", "member_ids": [world.bob.user.pk]}).json_body
    _s, with_mallory = direct(api, "mallory", world.bob)
    _s, with_alice = direct(api, "alice", world.bob)
    api("alice").post(f"groups/{group['id']}/messages", {"body": "Agenda is up"})
    api("mallory").post(f"groups/{with_mallory['id']}/messages", {"body": "Hi from Globex"})
    api("alice").post(f"groups/{with_alice['id']}/messages", {"body": "Lunch?"})
    api("alice").post(f"groups/{with_alice['id']}/messages", {"body": "At **noon**"})

    items = api("bob").get("conversations").json_body["items"]
    assert [(c["kind"], c["name"], c["space"]["slug"], c["unread"]) for c in items] == [
        ("direct", "Alice", "acme", 2),
        ("direct", "Mallory", "globex", 1),
        ("group", "Planning", "acme", 1),
    ]
    assert items[0]["other"]["handle"] == "alice"
    assert items[0]["last_message"]["preview"] == "At **noon**"
    assert items[0]["last_message"]["author"]["handle"] == "alice"
    assert items[0]["url"] == f"/groups/{with_alice['id']}/"
    # Reading moves the count; writing makes the conversation the newest.
    newest = items[0]["last_message"]["id"]
    api("bob").post(f"groups/{with_alice['id']}/read", {"message_id": newest})
    api("bob").post(f"groups/{group['id']}/messages", {"body": "Thanks"})
    items = api("bob").get("conversations").json_body["items"]
    assert [(c["name"], c["unread"]) for c in items] == [("Planning", 0), ("Alice", 0), ("Mallory", 1)]
    # Pages: the cursor continues where the first page stopped.
    first = api("bob").get("conversations?limit=2").json_body
    rest = api("bob").get(f"conversations?limit=2&cursor={first['next_cursor']}").json_body
    assert [c["name"] for c in first["items"] + rest["items"]] == ["Planning", "Alice", "Mallory"]
    assert rest["next_cursor"] is None
    assert api("bob").get("conversations?cursor=nonsense").status_code == 422


def test_conversations_query_count_does_not_grow(api, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api("bob").get("conversations").status_code == 200
        return len(queries)

    _s, chat = direct(api, "alice", world.bob)
    api("alice").post(f"groups/{chat['id']}/messages", {"body": "one"})
    count()  # the first call of a token also notes when it was last used
    small = count()
    for n in range(6):
        someone = make_persona(f"p{n}")
        Membership.objects.create(space=world.acme, user=someone.user, role=Role.MEMBER)
        _s, more = direct(api, "bob", someone)
        Api(someone).post(f"groups/{more['id']}/messages", {"body": f"hello {n}"})
        api("bob").post("spaces/acme/groups", {"name": f"G{n}", "member_ids": [someone.user.pk]})
    assert count() == small
    assert small <= 4  # the token, the page, the last messages, the other people


def test_removal_from_the_shared_space_keeps_the_history_for_the_one_who_stays(api, world):
    _s, chat = direct(api, "alice", world.bob)
    gid = chat["id"]
    api("bob").post(f"groups/{gid}/messages", {"body": "See you"})
    assert api("alice").delete(f"spaces/acme/members/{world.bob.user.pk}").status_code == 204
    # bob left acme: the chat is gone for him, as everything of the space.
    assert api("bob").get(f"groups/{gid}/messages").status_code == 404
    assert api("bob").get("conversations").json_body["items"] == []
    # alice keeps the history, and cannot write to someone no longer there.
    assert api("alice").get(f"groups/{gid}/messages").json_body["items"][0]["body"] == "See you"
    refused = api("alice").post(f"groups/{gid}/messages", {"body": "Hello?"})
    assert refused.status_code == 409 and refused.json_body["code"] == "conflict"
    # They share no space any more: no new direct chat either.
    assert direct(api, "alice", world.bob)[0] == 404


def test_a_new_direct_chat_starts_in_another_shared_space_when_the_first_is_left(api, world):
    _s, first = direct(api, "alice", world.bob)
    other = do_create_space(world.alice.user, name="Other", slug="other", visibility="private", join_policy="invite")
    Membership.objects.create(space=other, user=world.bob.user, role=Role.MEMBER)
    assert direct(api, "bob", world.alice)[1]["id"] == first["id"]  # still the acme one
    api("alice").delete(f"spaces/acme/members/{world.bob.user.pk}")
    status, second = direct(api, "bob", world.alice)
    assert status == 201 and second["space"] == "other" and second["id"] != first["id"]


@pytest.mark.django_db(transaction=True)
def test_direct_messages_reach_the_two_people_live_and_nobody_else():
    world = build_world()
    gid = Api(world.alice).post("direct-chats", {"user_id": world.bob.user.pk}).json_body["id"]

    async def scenario():
        from channels.db import database_sync_to_async
        from channels.testing.websocket import WebsocketCommunicator

        def socket(token: str) -> WebsocketCommunicator:
            return WebsocketCommunicator(application, f"/ws/?token={token}", headers=[(b"host", b"127.0.0.1:8000")])

        bob, gina = socket(world.bob.token), socket(world.gina.token)
        assert (await bob.connect(timeout=CONNECT_TIMEOUT))[0] and (await gina.connect(timeout=CONNECT_TIMEOUT))[0]
        await database_sync_to_async(lambda: Api(world.alice).post(f"groups/{gid}/messages", {"body": "Psst"}))()
        event = await receive_type(bob, "chat.message")
        assert event["group_id"] == gid and event["message"]["body"] == "Psst"
        assert [m for m in await drain(gina) if m["type"].startswith("chat.")] == []
        await bob.disconnect()
        await gina.disconnect()

    async_to_sync(scenario)()


# --- pages --------------------------------------------------------------------------------


def test_the_inbox_page_lists_conversations_and_links_mail(api, world):
    _s, chat = direct(api, "alice", world.bob)
    api("alice").post(f"groups/{chat['id']}/messages", {"body": "Lunch at noon?"})
    api("alice").post("mail", {"to": [world.bob.user.pk], "subject": "Hi", "body": "Mail body"})
    page = login(world.bob).get("/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/groups/{chat["id"]}/"' in html and "Alice" in html and "Lunch at noon?" in html
    assert 'href="/mail/"' in html and "1 unread mail" in html
    partial = login(world.bob).get("/inbox/", headers={"HX-Request": "true"}).content.decode()
    assert "Lunch at noon?" in partial and "<html" not in partial
    assert login(world.mallory).get("/inbox/").content.decode().count("inbox-item") == 0
    assert login(world.bob).get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200


def test_the_inbox_needs_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post("/inbox/direct/", {"user_id": 1}).status_code == 302


def test_the_person_page_message_button_opens_the_direct_chat(world):
    bob = login(world.bob)
    page = bob.get("/u/alice/").content.decode()
    assert 'action="/inbox/direct/"' in page and f'value="{world.alice.user.pk}"' in page
    assert 'action="/inbox/direct/"' not in bob.get("/u/bob/").content.decode()  # not on my own page
    first = bob.post("/inbox/direct/", {"user_id": world.alice.user.pk})
    assert first.status_code == 302 and first.url.startswith("/groups/")
    again = bob.post("/inbox/direct/", {"user_id": world.alice.user.pk})
    assert again.url == first.url
    chat = bob.get(first.url).content.decode()
    assert "<h1>Alice</h1>" in chat and "Leave the group" not in chat
    assert login(world.mallory).post("/inbox/direct/", {"user_id": world.alice.user.pk}).status_code == 404


# --- the people pickers' endpoint ---------------------------------------------------------


def handles(response) -> list[str]:
    assert response.status_code == 200, response.json_body
    return [p["handle"] for p in response.json_body["items"]]


def test_people_to_pick_are_only_those_one_may_pick(api, world):
    assert handles(api("alice").get("people")) == ["bob", "gina"]  # mail: people sharing a space
    assert handles(api("alice").get("people?q=bo")) == ["bob"]
    assert handles(api("alice").get("people?q=@gi")) == ["gina"]
    assert handles(api("mallory").get("people")) == []
    assert handles(api("alice").get("people?space=acme")) == ["bob", "gina"]
    assert handles(api("gina").get("people?space=acme")) == []  # a guest knows only her teams' people
    assert api("mallory").get("people?space=acme").status_code == 404
    assert api("anonymous").get("people").status_code == 401
