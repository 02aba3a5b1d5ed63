"""The space feed's hand-built page (``queries.list_space_feed_data``) against the ORM path.

The API serves ``GET /spaces/{slug}/feed`` from SQL built once per shape and returns the
items without validating them again. These tests hold it to the ORM path it replaced
(``queries.list_space_feed`` shaped by ``api.post_out`` and validated by ``PostList``): the
same bytes for every persona and filter, over data exercising each access rule it encodes
by hand; and they state those rules directly as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from plaza.accounts.models import User
from plaza.core.testing import Api, make_persona
from plaza.feed import queries
from plaza.feed.api import post_out
from plaza.feed.models import Like, Post
from plaza.feed.schemas import PostList
from plaza.spaces.access import access_space, space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership, Role


@dataclass
class Data:
    sales: int  # public team of acme; gina is in it
    board: int  # private team of acme; alice only
    club: int  # public team of acme; bob only
    labs_secret: int  # a post in a private team of acme's sub-space "labs"
    deep_secret: int  # a post in a private team of labs' sub-space "deep"
    board_post: int
    share_of_board: int
    share_of_deleted: int
    share_of_globex: int
    share_of_labs: int
    share_of_deep: int
    share_of_bazaar: int
    share_of_bazaar_team: int


def publish(api, who: str, body: str, slug: str = "acme", **extra) -> int:
    response = api(who).post(f"spaces/{slug}/posts", {"body": body, **extra})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def share(api, who: str, post_id: int, into: str = "acme", **extra) -> int:
    response = api(who).post(f"posts/{post_id}/shares", {"space": into, **extra})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


@pytest.fixture
def data(world, api) -> Data:
    alice, bob, mallory = world.alice.user, world.bob.user, world.mallory.user
    acc = space_access_for(alice, world.acme)
    sales = do_create_team(acc, name="Sales", visibility="public")
    do_add_team_member(acc, sales, world.gina.user.pk)
    board = do_create_team(acc, name="Board", visibility="private")
    club = do_create_team(acc, name="Club", visibility="public")
    do_add_team_member(acc, club, bob.pk)
    # Sub-spaces: alice administers them through acme (and labs); carol posts there.
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role=Role.MEMBER)
    labs = do_create_space(alice, name="Labs", slug="labs", parent=acc)
    deep = do_create_space(alice, name="Deep", slug="deep", parent=space_access_for(alice, labs))
    for space in (labs, deep):
        Membership.objects.create(space=space, user=carol.user, role=Role.MEMBER)
        Membership.objects.filter(space=space, user=alice).delete()  # admin by inheritance only
    labs_team = do_create_team(space_access_for(carol.user, labs), name="Lab team", visibility="private")
    deep_team = do_create_team(space_access_for(carol.user, deep), name="Deep team", visibility="private")
    world.carol = carol  # api("carol") from here on
    capi = api
    labs_secret = publish(capi, "carol", "labs secret", slug="labs", team_id=labs_team.pk)
    deep_secret = publish(capi, "carol", "deep secret", slug="deep", team_id=deep_team.pk)
    # A public space: its space-wide posts are anyone's, its team posts are not.
    bazaar = do_create_space(mallory, name="Bazaar", slug="bazaar", visibility="public", join_policy="open")
    bazaar_team = do_create_team(space_access_for(mallory, bazaar), name="Inner", visibility="public")
    for who in (alice, bob):
        Membership.objects.create(space=bazaar, user=who, role=Role.MEMBER)
    bazaar_open = publish(api, "mallory", "bazaar open #market", slug="bazaar")
    bazaar_inner = publish(api, "mallory", "bazaar inner", slug="bazaar", team_id=bazaar_team.pk)
    bazaar_bob = publish(api, "bob", "bob in bazaar @mallory", slug="bazaar")
    Api(world.persona("alice")).post(f"posts/{bazaar_bob}/like")
    # acme: every kind of post.
    Membership.objects.create(space=world.globex, user=alice, role=Role.MEMBER)
    globex_post = publish(api, "mallory", "globex only #g", slug="globex")
    plain = publish(api, "bob", "Hello **team** #Launch and #发布会# @alice @gina")
    sales_post = publish(api, "gina", "sales news #Launch @bob", team_id=sales.pk)
    board_post = publish(api, "alice", "board plans #secret", team_id=board.pk)
    publish(api, "bob", "club talk @alice", team_id=club.pk)
    doomed = publish(api, "alice", "soon deleted")
    share_of_deleted = share(api, "bob", doomed, body="look at this")
    assert api("alice").delete(f"posts/{doomed}").status_code == 204
    share_of_board = share(api, "alice", board_post, body="for everyone")
    share_of_globex = share(api, "alice", globex_post)
    share_of_labs = share(capi, "carol", labs_secret, body="from labs")
    share_of_deep = share(capi, "carol", deep_secret, body="from deep")
    share_of_bazaar = share(api, "bob", bazaar_open, body="from the bazaar")
    share_of_bazaar_team = share(api, "bob", bazaar_inner, body="inner")
    share(api, "bob", plain, team_id=club.pk, body="in the club")
    edited = publish(api, "alice", "first")
    assert api("alice").patch(f"posts/{edited}", {"body": "second #edited"}).status_code == 200
    assert api("alice").post(f"posts/{plain}/pin").status_code == 200
    for who, post_id in [("bob", plain), ("alice", plain), ("gina", sales_post), ("bob", sales_post), ("alice", share_of_board)]:
        assert api(who).post(f"posts/{post_id}/like").status_code == 200
    # Attachments and avatars as the feed shows them (their files are not needed here).
    attachment_data = [
        {"id": 7, "name": "chart.png", "size": 1234, "content_type": "image/png", "is_image": True},
        {"id": 8, "name": "notes.txt", "size": 56, "content_type": "text/plain", "is_image": False},
    ]
    Post.objects.filter(pk__in=[plain, globex_post]).update(attachment_data=attachment_data)
    User.objects.filter(pk=bob.pk).update(avatar="avatars/bob.png")
    # Two posts at the same instant, to page across a tie.
    tie = timezone.now() + timedelta(seconds=1)
    for body in ("tie one", "tie two"):
        Post.objects.filter(pk=publish(api, "bob", body)).update(created=tie)
    return Data(
        sales.pk, board.pk, club.pk, labs_secret, deep_secret, board_post, share_of_board, share_of_deleted,
        share_of_globex, share_of_labs, share_of_deep, share_of_bazaar, share_of_bazaar_team,
    )


def reference(who_user, slug: str, **kw) -> bytes:
    """What the ORM path answers: its rows shaped by ``post_out`` and validated by PostList."""
    acc = access_space(who_user, slug)
    rows, next_cursor = queries.list_space_feed(acc, **kw)
    validated = PostList.from_orm({"items": [post_out(p) for p in rows], "next_cursor": next_cursor}).model_dump()
    return json.dumps(validated, cls=NinjaJSONEncoder).encode()


def query_string(**kw) -> str:
    parts = [f"{k}={v}" for k, v in kw.items() if v is not None]
    return "?" + "&".join(parts) if parts else ""


def user_of(world, who: str):
    from django.contrib.auth.models import AnonymousUser

    if who == "anonymous":
        return AnonymousUser()
    if who == "carol":
        return world.carol.user
    return world.persona(who).user


def client(world, api, who: str):
    return api(who)


PEOPLE = ["alice", "bob", "gina", "carol", "mallory", "anonymous"]


@pytest.mark.parametrize("slug", ["acme", "bazaar", "labs"])
def test_same_json_as_the_orm_path_for_every_persona(world, api, data, slug):
    checked = 0
    for who in PEOPLE:
        user = user_of(world, who)
        filters = [{}, {"limit": 3}, {"topic": "launch"}, {"topic": "MARKET"}, {"team_id": data.club},
                   {"team_id": data.board}, {"team_id": 999999}]
        for kw in filters:
            response = client(world, api, who).get(f"spaces/{slug}/feed{query_string(**kw)}")
            if response.status_code != 200:
                with pytest.raises(Exception):  # noqa: B017 - the ORM path refuses the same caller
                    reference(user, slug, **kw)
                continue
            assert response["Content-Type"] == "application/json; charset=utf-8"
            assert response.content == reference(user, slug, **kw), (who, slug, kw)
            checked += 1
            # Page through to the end with the cursor, comparing every page.
            cursor, pages = response.json_body["next_cursor"], 0
            while cursor and pages < 20:
                page_kw = {**kw, "cursor": cursor}
                page = client(world, api, who).get(f"spaces/{slug}/feed{query_string(**page_kw)}")
                assert page.status_code == 200
                assert page.content == reference(user, slug, **page_kw), (who, slug, page_kw)
                cursor, pages = page.json_body["next_cursor"], pages + 1
    assert checked


def items(api_client, slug: str = "acme", query: str = "") -> dict[int, dict]:
    response = api_client.get(f"spaces/{slug}/feed{query}&limit=100" if query else f"spaces/{slug}/feed?limit=100")
    assert response.status_code == 200, response.json_body
    return {p["id"]: p for p in response.json_body["items"]}


def test_private_team_posts_only_for_its_members_and_admins(world, api, data):
    assert data.board_post in items(api("alice"))
    for who in ("bob", "gina"):
        assert data.board_post not in items(api(who)), who
    assert data.board_post not in items(api("carol"))
    # Guests see only their own teams' posts.
    gina = items(api("gina"))
    assert gina and all(p["team_id"] == data.sales for p in gina.values())


def test_shared_originals_only_when_the_reader_may_see_them(world, api, data):
    bob, alice, carol = items(api("bob")), items(api("alice")), items(api("carol"))
    # A private team's post shared space-wide: the share is visible, its original is not.
    assert bob[data.share_of_board]["shared_post"] is None and bob[data.share_of_board]["is_share"] is True
    assert "board plans" not in json.dumps(bob)
    assert alice[data.share_of_board]["shared_post"]["id"] == data.board_post
    # A deleted original is hidden from everyone.
    assert alice[data.share_of_deleted]["shared_post"] is None
    assert alice[data.share_of_deleted]["is_share"] is True
    # Another space's original: for its members only.
    assert alice[data.share_of_globex]["shared_post"]["space"] == "globex"
    assert bob[data.share_of_globex]["shared_post"] is None
    # A sub-space's private team: its member, and the admins of the parent and grandparent.
    for share_id, original in ((data.share_of_labs, data.labs_secret), (data.share_of_deep, data.deep_secret)):
        assert alice[share_id]["shared_post"]["id"] == original
        assert carol[share_id]["shared_post"]["id"] == original
        assert bob[share_id]["shared_post"] is None
    # A public space's space-wide post is anyone's; its team posts are its members'.
    assert bob[data.share_of_bazaar]["shared_post"]["space"] == "bazaar"
    assert carol[data.share_of_bazaar]["shared_post"]["space"] == "bazaar"
    assert bob[data.share_of_bazaar_team]["shared_post"]["body"] == "bazaar inner"
    assert carol[data.share_of_bazaar_team]["shared_post"] is None


def test_liked_by_me_is_the_callers(world, api, data):
    liked = {who: {pk for pk, p in items(client(world, api, who)).items() if p["liked_by_me"]} for who in ("alice", "bob")}
    for who in ("alice", "bob"):
        user = user_of(world, who)
        expected = set(Like.objects.filter(user=user, space=world.acme).values_list("post_id", flat=True))
        assert liked[who] == expected and expected, who
    assert liked["alice"] != liked["bob"]
    public = items(api("anonymous"), "bazaar")
    assert public and not any(p["liked_by_me"] for p in public.values())


def test_public_space_visitors_see_only_space_wide_posts(world, api, data):
    for who in ("anonymous", "gina", "carol"):
        seen = items(client(world, api, who), "bazaar")
        assert [p["body"] for p in seen.values()] == ["bob in bazaar @mallory", "bazaar open #market"], who
        assert all(p["team_id"] is None for p in seen.values())
    assert "bazaar inner" in {p["body"] for p in items(api("bob"), "bazaar").values()}


def test_hidden_and_missing_spaces_and_teams(world, api, data):
    assert api("mallory").get("spaces/acme/feed").status_code == 404
    assert api("anonymous").get("spaces/acme/feed").status_code == 404
    assert api("bob").get("spaces/labs/feed").status_code == 404
    assert api("bob").get(f"spaces/acme/feed?team_id={data.board}").json_body == {"items": [], "next_cursor": None}
    assert api("bob").get("spaces/acme/feed?cursor=garbage").status_code == 422
    assert api("bob").get("spaces/acme/feed?limit=0").status_code == 422


@pytest.mark.parametrize("who", ["alice", "bob", "gina", "anonymous"])
def test_feed_page_query_count(world, api, data, who):
    slug = "bazaar" if who == "anonymous" else "acme"
    client = api(who)
    response = client.get(f"spaces/{slug}/feed")  # a token is checked once, then cached (accounts.tokencache)
    assert response.status_code == 200 and response.json_body["items"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"spaces/{slug}/feed").status_code == 200
    # The space with the caller's membership, the posts with their topics and mentions, and
    # the originals of the page's shares (only when it holds shares).
    has_shares = any(p["is_share"] for p in response.json_body["items"])
    assert has_shares == (who in ("alice", "bob"))
    expected = 2 + has_shares
    assert len(ctx.captured_queries) == expected, [q["sql"][:150] for q in ctx.captured_queries]


def test_one_post_same_json_as_the_orm_path(world, api, data):
    from plaza.feed.schemas import PostOut

    checked = 0
    for who in PEOPLE:
        user = user_of(world, who)
        for post_id in Post.objects.order_by("pk").values_list("pk", flat=True):
            response = api(who).get(f"posts/{post_id}")
            try:
                _acc, post = queries.get_post(user, post_id)
            except Exception:
                assert response.status_code == 404, (who, post_id)
                continue
            expected = json.dumps(PostOut.from_orm(post_out(post)).model_dump(), cls=NinjaJSONEncoder).encode()
            assert response.status_code == 200 and response.content == expected, (who, post_id)
            checked += 1
    assert checked > 20
