"""Feed API (API.md, Feed) through /api/v1 as the personas."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.accounts.models import User
from plaza.core.testing import Api, make_persona
from plaza.feed.models import PostRevision
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership, Role

POST_FIELDS = {
    "id", "body", "html", "author", "space", "team_id", "created_at", "edited", "like_count", "comment_count",
    "share_count", "liked_by_me", "topics", "mentions", "shared_post",
}


@dataclass
class Teams:
    sales: int  # public; gina is in it
    board: int  # private; alice only
    club: int  # public; bob only


@pytest.fixture
def teams(world) -> Teams:
    acc = space_access_for(world.alice.user, world.acme)
    sales = do_create_team(acc, name="Sales", visibility="public")
    do_add_team_member(acc, sales, world.gina.user.pk)
    board = do_create_team(acc, name="Board", visibility="private")
    club = do_create_team(acc, name="Club", visibility="public")
    do_add_team_member(acc, club, world.bob.user.pk)
    return Teams(sales.pk, board.pk, club.pk)


def publish(api, who: str, body: str, slug: str = "acme", **extra) -> dict:
    response = api(who).post(f"spaces/{slug}/posts", {"body": body, **extra})
    assert response.status_code == 201, response.json_body
    return response.json_body


def feed_ids(api, who: str, query: str = "", slug: str = "acme") -> list[int]:
    response = api(who).get(f"spaces/{slug}/feed{query}")
    assert response.status_code == 200, response.json_body
    return [p["id"] for p in response.json_body["items"]]


def notifications(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


# --- publishing ---------------------------------------------------------------------------


def test_publish_returns_the_post_shape(world, api):
    body = publish(api, "bob", "Hello **team** #Launch and #发布会# @alice")
    assert set(body) >= POST_FIELDS
    assert body["space"] == "acme" and body["team_id"] is None
    assert body["author"]["handle"] == "bob" and set(body["author"]) >= {"id", "name", "handle", "avatar_url"}
    assert "<strong>team</strong>" in body["html"]
    assert body["topics"] == ["Launch", "发布会"]
    assert [m["handle"] for m in body["mentions"]] == ["alice"]
    assert 'href="/u/alice/"' in body["html"]
    assert 'href="/s/acme/topics/launch/"' in body["html"]
    assert body["edited"] is False and body["liked_by_me"] is False and body["shared_post"] is None
    assert (body["like_count"], body["comment_count"], body["share_count"]) == (0, 0, 0)


def test_body_limits(world, api):
    assert api("bob").post("spaces/acme/posts", {"body": "x" * 5000}).status_code == 201
    response = api("bob").post("spaces/acme/posts", {"body": "x" * 5001})
    assert response.status_code == 422
    assert response.json_body["code"] == "invalid"
    assert response.json_body["detail"][0]["loc"] == ["body", "body"]
    assert api("bob").post("spaces/acme/posts", {"body": "   "}).status_code == 422


def test_who_may_publish_where(world, api, teams):
    # Guests post only in their teams.
    assert api("gina").post("spaces/acme/posts", {"body": "hi"}).status_code == 403
    assert api("gina").post("spaces/acme/posts", {"body": "hi", "team_id": teams.sales}).status_code == 201
    assert api("gina").post("spaces/acme/posts", {"body": "hi", "team_id": teams.club}).status_code == 422
    # A private team bob cannot see is not a team to him; a public one needs joining.
    response = api("bob").post("spaces/acme/posts", {"body": "hi", "team_id": teams.board})
    assert response.status_code == 422 and response.json_body["detail"][0]["loc"] == ["body", "team_id"]
    assert api("bob").post("spaces/acme/posts", {"body": "hi", "team_id": teams.sales}).status_code == 403
    assert api("bob").post("spaces/acme/posts", {"body": "hi", "team_id": teams.club}).status_code == 201
    assert api("alice").post("spaces/acme/posts", {"body": "hi", "team_id": teams.board}).status_code == 201
    # Outsiders do not learn the space exists; signed-out callers must sign in.
    assert api("mallory").post("spaces/acme/posts", {"body": "hi"}).status_code == 404
    assert api("anonymous").post("spaces/acme/posts", {"body": "hi"}).status_code == 401


# --- reading ------------------------------------------------------------------------------


def test_feed_visibility_by_role_and_team(world, api, teams):
    space_wide = publish(api, "bob", "space-wide")["id"]
    sales = publish(api, "gina", "sales", team_id=teams.sales)["id"]
    board = publish(api, "alice", "board", team_id=teams.board)["id"]
    club = publish(api, "bob", "club", team_id=teams.club)["id"]
    assert feed_ids(api, "alice") == [club, board, sales, space_wide]
    assert feed_ids(api, "bob") == [club, sales, space_wide]
    assert feed_ids(api, "gina") == [sales]
    assert api("mallory").get("spaces/acme/feed").status_code == 404
    assert api("anonymous").get("spaces/acme/feed").status_code == 404
    assert feed_ids(api, "bob", f"?team_id={teams.sales}") == [sales]
    # A hidden team's feed is empty, exactly like a team that does not exist.
    assert feed_ids(api, "bob", f"?team_id={teams.board}") == feed_ids(api, "bob", "?team_id=999999") == []
    for who, post_id, status in [
        ("bob", board, 404), ("gina", space_wide, 404), ("gina", club, 404), ("mallory", space_wide, 404),
        ("anonymous", space_wide, 404), ("gina", sales, 200), ("alice", board, 200),
    ]:
        assert api(who).get(f"posts/{post_id}").status_code == status, (who, post_id)


def test_public_space_is_readable_signed_out_but_team_posts_are_not(world, api):
    bazaar = do_create_space(world.alice.user, name="Bazaar", slug="bazaar", visibility="public", join_policy="open")
    Membership.objects.create(space=bazaar, user=world.bob.user, role=Role.MEMBER)
    team = do_create_team(space_access_for(world.alice.user, bazaar), name="Inner", visibility="public")
    open_post = publish(api, "alice", "welcome", slug="bazaar")["id"]
    team_post = publish(api, "alice", "team only", slug="bazaar", team_id=team.pk)["id"]
    assert feed_ids(api, "anonymous", slug="bazaar") == [open_post]
    assert feed_ids(api, "mallory", slug="bazaar") == [open_post]
    assert api("anonymous").get(f"posts/{open_post}").status_code == 200
    assert api("anonymous").get(f"posts/{team_post}").status_code == 404
    assert api("anonymous").get(f"posts/{open_post}/comments").status_code == 200
    # Visitors read; they join before they write.
    assert api("mallory").post("spaces/bazaar/posts", {"body": "hi"}).status_code == 403
    assert api("mallory").post(f"posts/{open_post}/like").status_code == 403


def test_listed_space_content_is_for_members(world, api):
    listed = do_create_space(world.alice.user, name="Guild", slug="guild", visibility="listed", join_policy="request")
    assert listed
    publish(api, "alice", "members only", slug="guild")
    assert api("mallory").get("spaces/guild/feed").status_code == 403
    assert api("anonymous").get("spaces/guild/feed").status_code == 401


def test_topic_filter_and_pagination(world, api):
    ids = [publish(api, "bob", f"post {i} #wine")["id"] for i in range(5)]
    publish(api, "bob", "other #beer")
    assert feed_ids(api, "alice", "?topic=WINE") == ids[::-1]
    first = api("alice").get("spaces/acme/feed?topic=wine&limit=2").json_body
    assert [p["id"] for p in first["items"]] == ids[:2:-1][:2]
    second = api("alice").get(f"spaces/acme/feed?topic=wine&limit=2&cursor={first['next_cursor']}").json_body
    assert [p["id"] for p in second["items"]] == [ids[2], ids[1]]
    assert api("alice").get("spaces/acme/feed?cursor=garbage").status_code == 422
    assert api("alice").get("spaces/acme/feed?limit=101").status_code == 422


# --- editing, deleting, pinning -----------------------------------------------------------


def test_edit_is_author_only_and_keeps_history(world, api):
    post = publish(api, "bob", "first #old")
    assert api("alice").patch(f"posts/{post['id']}", {"body": "hijack"}).status_code == 403
    assert api("gina").patch(f"posts/{post['id']}", {"body": "hijack"}).status_code == 404
    assert api("mallory").patch(f"posts/{post['id']}", {"body": "hijack"}).status_code == 404
    response = api("bob").patch(f"posts/{post['id']}", {"body": "second #new"})
    assert response.status_code == 200
    assert response.json_body["edited"] is True and response.json_body["topics"] == ["new"]
    assert list(PostRevision.objects.filter(post_id=post["id"]).values_list("body", flat=True)) == ["first #old"]
    assert api("bob").patch(f"posts/{post['id']}", {"body": "x" * 5001}).status_code == 422


def test_delete_by_author_or_admin(world, api):
    first, second = publish(api, "bob", "one")["id"], publish(api, "bob", "two")["id"]
    mine = publish(api, "alice", "alice's")["id"]
    assert api("bob").delete(f"posts/{mine}").status_code == 403
    assert api("mallory").delete(f"posts/{first}").status_code == 404
    assert api("bob").delete(f"posts/{first}").status_code == 204
    assert api("alice").delete(f"posts/{second}").status_code == 204
    assert api("bob").get(f"posts/{first}").status_code == 404
    assert feed_ids(api, "alice") == [mine]
    assert api("alice").get("spaces/acme/audit-log").json_body["items"][0]["action"] == "post.delete"


def test_pin_is_for_admins(world, api):
    post = publish(api, "bob", "pin me")["id"]
    assert api("bob").post(f"posts/{post}/pin").status_code == 403
    response = api("alice").post(f"posts/{post}/pin")
    assert response.status_code == 200 and response.json_body["pinned"] is True
    assert api("bob").delete(f"posts/{post}/pin").status_code == 403
    assert api("alice").delete(f"posts/{post}/pin").status_code == 204
    assert api("bob").get(f"posts/{post}").json_body["pinned"] is False


# --- comments, likes, shares --------------------------------------------------------------


def test_comments_replies_and_notifications(world, api, teams):
    post = publish(api, "alice", "discuss")["id"]
    other = publish(api, "alice", "elsewhere")["id"]
    response = api("bob").post(f"posts/{post}/comments", {"body": "I agree"})
    assert response.status_code == 201
    assert set(response.json_body) >= {"id", "body", "author", "created_at"}
    comment = response.json_body["id"]
    assert api("alice").post(f"posts/{post}/comments", {"body": "thanks", "reply_to": comment}).status_code == 201
    other_comment = api("bob").post(f"posts/{other}/comments", {"body": "x"}).json_body["id"]
    bad = api("alice").post(f"posts/{post}/comments", {"body": "x", "reply_to": other_comment})
    assert bad.status_code == 422 and bad.json_body["detail"][0]["loc"] == ["body", "reply_to"]
    listed = api("bob").get(f"posts/{post}/comments").json_body["items"]
    assert [c["body"] for c in listed] == ["thanks", "I agree"]
    assert api("bob").get(f"posts/{post}").json_body["comment_count"] == 2
    assert len(notifications(world.alice.user, "post_comment")) == 2  # one per post bob commented on
    assert len(notifications(world.bob.user, "comment_reply")) == 1
    assert api("mallory").post(f"posts/{post}/comments", {"body": "x"}).status_code == 404
    assert api("gina").get(f"posts/{post}/comments").status_code == 404
    assert api("anonymous").post(f"posts/{post}/comments", {"body": "x"}).status_code == 401


def test_likes_are_idempotent_counted_and_batched(world, api, teams):
    post = publish(api, "gina", "like me", team_id=teams.sales)["id"]
    carol = make_persona("carol")
    dave = make_persona("dave")
    for p in (carol, dave):
        Membership.objects.create(space=world.acme, user=p.user, role=Role.MEMBER)
    for _ in range(2):
        response = api("bob").post(f"posts/{post}/like")
        assert response.status_code == 200
        assert response.json_body == {"like_count": 1, "liked_by_me": True}
    assert api("bob").get(f"posts/{post}").json_body["liked_by_me"] is True
    assert api("alice").get(f"posts/{post}").json_body["liked_by_me"] is False
    Api(carol).post(f"posts/{post}/like")
    Api(dave).post(f"posts/{post}/like")
    assert api("alice").post(f"posts/{post}/like").json_body["like_count"] == 4
    rows = notifications(world.gina.user, "post_like")
    assert len(rows) == 1
    text = api("gina").get("notifications").json_body["items"][0]["text"]
    assert text == "Alice and 3 others liked your post."
    assert api("bob").delete(f"posts/{post}/like").json_body == {"like_count": 3, "liked_by_me": False}
    assert api("bob").delete(f"posts/{post}/like").json_body == {"like_count": 3, "liked_by_me": False}
    assert api("mallory").post(f"posts/{post}/like").status_code == 404
    assert api("anonymous").post(f"posts/{post}/like").status_code == 401


def test_share_links_the_original_only_for_those_who_see_it(world, api, teams):
    original = publish(api, "alice", "secret plans", team_id=teams.board)["id"]
    # alice shares her private-team post space-wide: bob sees the share, not the original.
    response = api("alice").post(f"posts/{original}/shares", {"space": "acme", "body": "look"})
    assert response.status_code == 201
    share = response.json_body
    assert share["shared_post"]["id"] == original and share["shared_post"]["body"] == "secret plans"
    bob_view = api("bob").get(f"posts/{share['id']}").json_body
    assert bob_view["shared_post"] is None and "secret" not in str(bob_view)
    assert api("alice").get(f"posts/{original}").json_body["share_count"] == 1
    feed = api("bob").get("spaces/acme/feed").json_body["items"]
    assert feed[0]["id"] == share["id"] and feed[0]["shared_post"] is None


def test_share_roams_between_spaces(world, api):
    public_post = publish(api, "bob", "great news")["id"]
    # mallory may not see acme's post; bob may not share into a space he is not in.
    assert api("mallory").post(f"posts/{public_post}/shares", {"space": "globex"}).status_code == 404
    assert api("bob").post(f"posts/{public_post}/shares", {"space": "globex"}).status_code == 422
    Membership.objects.create(space=world.globex, user=world.bob.user, role=Role.MEMBER)
    share = api("bob").post(f"posts/{public_post}/shares", {"space": "globex", "body": "from acme"}).json_body
    assert share["space"] == "globex" and share["shared_post"]["id"] == public_post
    seen_by_mallory = api("mallory").get(f"posts/{share['id']}").json_body
    assert seen_by_mallory["shared_post"] is None and "great news" not in str(seen_by_mallory)
    # The original's author is not told about a share he shares no space with... alice isn't in globex.
    alice_share = api("alice").post(f"posts/{public_post}/shares", {"space": "acme"}).json_body
    assert alice_share["shared_post"]["id"] == public_post
    assert len(notifications(world.bob.user, "post_share")) == 1


# --- mentions -----------------------------------------------------------------------------


def test_mentions_link_and_notify_only_people_who_see_the_post(world, api, teams):
    body = publish(api, "alice", "ping @bob @gina @mallory", team_id=teams.club)
    assert [m["handle"] for m in body["mentions"]] == ["bob"]
    assert 'href="/u/bob/"' in body["html"] and "/u/gina/" not in body["html"] and "/u/mallory/" not in body["html"]
    assert len(notifications(world.bob.user, "post_mention")) == 1
    assert notifications(world.gina.user, "post_mention") == []
    assert notifications(world.mallory.user, "post_mention") == []


# --- follows ------------------------------------------------------------------------------


def test_follow_people_you_share_a_space_with(world, api, teams):
    alice_id, mallory_id = world.alice.user.pk, world.mallory.user.pk
    assert api("bob").post(f"users/{mallory_id}/follow").status_code == 404
    assert api("bob").delete(f"users/{mallory_id}/follow").status_code == 404
    assert api("bob").post(f"users/{world.bob.user.pk}/follow").status_code == 422
    assert api("anonymous").post(f"users/{alice_id}/follow").status_code == 401
    response = api("bob").post(f"users/{alice_id}/follow")
    assert response.status_code == 200 and response.json_body["following"] is True
    assert api("bob").post(f"users/{alice_id}/follow").status_code == 200
    seen = publish(api, "alice", "for everyone")["id"]
    publish(api, "alice", "board", team_id=teams.board)
    publish(api, "gina", "gina's", team_id=teams.sales)
    assert [p["id"] for p in api("bob").get("feed/following").json_body["items"]] == [seen]
    assert api("bob").delete(f"users/{alice_id}/follow").status_code == 204
    assert api("bob").get("feed/following").json_body["items"] == []
    assert api("anonymous").get("feed/following").status_code == 401


# --- query counts -------------------------------------------------------------------------


def _fill(api, world, teams, n: int) -> None:
    Membership.objects.create(space=world.globex, user=world.alice.user, role=Role.MEMBER)
    original = publish(api, "mallory", "globex only #g", slug="globex")["id"]
    visible = publish(api, "alice", "acme original")["id"]
    publish(api, "bob", "in the club", team_id=teams.club)
    for i in range(n):
        if i % 3 == 0:
            api("alice").post(f"posts/{original if i % 2 else visible}/shares", {"space": "acme", "body": f"share {i}"})
        else:
            post = publish(api, "alice" if i % 2 else "bob", f"post {i} #t{i % 4} @bob @alice", team_id=teams.club if i % 5 == 0 else None)
            api("bob").post(f"posts/{post['id']}/like")


@pytest.mark.parametrize("n", [3, 25])
def test_feed_query_count_is_fixed(world, api, teams, n):
    _fill(api, world, teams, n)
    client = api("bob")
    for path in ["spaces/acme/feed", "feed/following", f"spaces/acme/feed?team_id={teams.club}"]:
        if path == "feed/following":
            client.post(f"users/{world.alice.user.pk}/follow")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200
        items = response.json_body["items"]
        assert items
        assert len(ctx.captured_queries) <= 6, (path, n, [q["sql"][:120] for q in ctx.captured_queries])
        MEASURED[(path.split("?")[0] + ("?team_id" if "team_id" in path else ""), n)] = len(ctx.captured_queries)
    if n == 25:
        for key in [k for k in MEASURED if k[1] == 25]:
            assert MEASURED[key] == MEASURED.get((key[0], 3), MEASURED[key]), MEASURED


MEASURED: dict[tuple[str, int], int] = {}


def test_guests_know_only_the_people_of_their_teams(world, api, teams):
    # gina is in Sales; bob is not, so to her he is unknown.
    assert api("gina").post(f"users/{world.bob.user.pk}/follow").status_code == 404
    acc = space_access_for(world.alice.user, world.acme)
    do_add_team_member(acc, acc.space.teams.get(pk=teams.sales), world.alice.user.pk)
    assert api("gina").post(f"users/{world.alice.user.pk}/follow").status_code == 200
    # Full members know the guests of their space.
    assert api("bob").post(f"users/{world.gina.user.pk}/follow").status_code == 200
