"""Blogs and headlines through the API: audience, drafts, publishing into the feed, likes
and comments through the feed, covers, headlines, outsiders and query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from plaza.blogs.models import Blog, Headline
from plaza.feed.models import Post
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team, do_join_space
from plaza.spaces.models import Space


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def upload(world, who: str, name: str = "cover.png", data: bytes | None = None) -> int:
    response = Client().post(
        "/api/v1/uploads", {"file": SimpleUploadedFile(name, data or png(), content_type="image/png")},
        HTTP_AUTHORIZATION=f"Bearer {getattr(world, who).token}",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def create(api, who: str, slug: str = "acme", **body):
    body.setdefault("title", "A title")
    body.setdefault("body", "Some *text*.")
    response = api(who).post(f"spaces/{slug}/blogs", body)
    assert response.status_code == 201, response.content
    return response.json_body


@pytest.fixture
def public_space(world):
    """"fans": a public, open space of alice's that bob has joined."""
    from plaza.spaces.actions import do_create_space

    space = do_create_space(world.alice.user, name="Fans", slug="fans", visibility="public", join_policy="open")
    do_join_space(space_access_for(world.bob.user, space))
    return space


def test_draft_is_its_authors_until_published_into_the_feed(world, api):
    blog = create(api, "bob", title="Hello [world]", body="First **draft**", tags=["news", "#News", " wine "])
    assert blog["status"] == "draft" and blog["post_id"] is None
    assert blog["tags"] == ["news", "wine"]
    assert "<strong>draft</strong>" in blog["html"]
    for who in ("alice", "gina", "mallory"):
        assert api(who).get(f"blogs/{blog['id']}").status_code == 404, who
    assert [b["id"] for b in api("alice").get("spaces/acme/blogs").json_body["items"]] == []
    # Comments and likes wait for publishing.
    assert api("bob").post(f"blogs/{blog['id']}/like").status_code == 409
    assert api("bob").post(f"blogs/{blog['id']}/comments", {"body": "x"}).status_code == 409

    published = api("bob").patch(f"blogs/{blog['id']}", {"status": "published"}).json_body
    assert published["status"] == "published" and published["published_at"]
    post = Post.objects.get(pk=published["post_id"])
    assert post.body.startswith("[") and f"/b/{blog['id']}/" in post.html and "Hello [world]" in post.html
    assert api("alice").get(f"blogs/{blog['id']}").status_code == 200
    feed_ids = [p["id"] for p in api("alice").get("spaces/acme/feed").json_body["items"]]
    assert post.pk in feed_ids
    # Published is final: the graph has no way back.
    assert api("bob").patch(f"blogs/{blog['id']}", {"status": "draft"}).status_code == 409


def test_likes_and_comments_are_the_feed_posts(world, api):
    blog = create(api, "bob", status="published")
    liked = api("alice").post(f"blogs/{blog['id']}/like").json_body
    assert liked == {"like_count": 1, "liked_by_me": True}
    assert api("alice").post(f"blogs/{blog['id']}/like").json_body["like_count"] == 1  # idempotent
    comment = api("alice").post(f"blogs/{blog['id']}/comments", {"body": "Great read"})
    assert comment.status_code == 201 and comment.json_body["body"] == "Great read"
    post = api("alice").get(f"posts/{blog['post_id']}").json_body
    assert post["like_count"] == 1 and post["comment_count"] == 1
    detail = api("alice").get(f"blogs/{blog['id']}").json_body
    assert detail["like_count"] == 1 and detail["comment_count"] == 1 and detail["liked_by_me"] is True
    assert [c["body"] for c in api("bob").get(f"blogs/{blog['id']}/comments").json_body["items"]] == ["Great read"]
    assert Notification.objects.filter(recipient=world.bob.user, kind="post_comment").exists()
    assert api("alice").delete(f"blogs/{blog['id']}/like").json_body == {"like_count": 0, "liked_by_me": False}


def test_markdown_is_sanitized(world, api):
    blog = create(api, "bob", body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    html = blog["html"]
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_bad_input_is_422_naming_the_field(world, api):
    cases = [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "t", "status": "archived"}, "status"),
        ({"title": "t", "team_id": 999999}, "team_id"),
        ({"title": "t", "tags": ["x" * 31]}, "tags"),
        ({"title": "t", "tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"title": "t", "body": "x" * 50_001}, "body"),
        ({"title": "t", "cover_id": upload(world, "alice")}, "cover_id"),  # someone else's upload
        ({"title": "t", "cover_id": 987654}, "cover_id"),
    ]
    for body, field in cases:
        response = api("bob").post("spaces/acme/blogs", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json_body["code"] == "invalid"
        assert field in str(response.json_body["detail"]), (field, response.json_body)


def test_writing_as_the_space_is_for_admins(world, api):
    assert api("bob").post("spaces/acme/blogs", {"title": "t", "as_space": True}).status_code == 403
    blog = create(api, "alice", as_space=True, status="published")
    assert blog["as_space"] is True and blog["byline"] == "Acme"
    # Another admin edits a blog written as the space; a member may not.
    from plaza.spaces.models import Membership

    Membership.objects.filter(space=world.acme, user=world.bob.user).update(role="admin")
    assert api("bob").patch(f"blogs/{blog['id']}", {"title": "By the space"}).status_code == 200
    Membership.objects.filter(space=world.acme, user=world.bob.user).update(role="member")
    assert api("bob").patch(f"blogs/{blog['id']}", {"title": "Mine now"}).status_code == 403


def test_team_blog_is_for_the_team(world, api):
    acc = space_access_for(world.alice.user, world.acme)
    board = do_create_team(acc, name="Board", visibility="private")
    blog = create(api, "alice", team_id=board.pk, status="published")
    assert api("bob").get(f"blogs/{blog['id']}").status_code == 404
    assert api("bob").post(f"blogs/{blog['id']}/comments", {"body": "x"}).status_code == 404
    assert blog["id"] not in [b["id"] for b in api("bob").get("spaces/acme/blogs").json_body["items"]]
    do_add_team_member(acc, board, world.bob.user.pk)
    assert api("bob").get(f"blogs/{blog['id']}").status_code == 200


def test_outsiders_and_signed_out(world, api, public_space):
    blog = create(api, "bob", status="published")
    assert api("mallory").get(f"blogs/{blog['id']}").status_code == 404
    assert api("mallory").get("spaces/acme/blogs").status_code == 404
    assert api("mallory").post(f"blogs/{blog['id']}/comments", {"body": "x"}).status_code == 404
    assert api("mallory").delete(f"blogs/{blog['id']}").status_code == 404
    assert api("anonymous").get(f"blogs/{blog['id']}").status_code == 404
    assert api("anonymous").post("spaces/fans/blogs", {"title": "t"}).status_code == 401
    # A public space's space-wide blogs are read signed out; its drafts and team blogs not.
    fan = create(api, "bob", slug="fans", status="published", title="For everyone")
    draft = create(api, "bob", slug="fans", title="Not yet")
    team = do_create_team(space_access_for(world.alice.user, public_space), name="Club", visibility="public")
    team_blog = create(api, "alice", slug="fans", status="published", team_id=team.pk)
    anon = api("anonymous")
    assert anon.get(f"blogs/{fan['id']}").status_code == 200
    assert anon.get(f"blogs/{fan['id']}/comments").status_code == 200
    assert anon.get(f"blogs/{draft['id']}").status_code == 404
    assert anon.get(f"blogs/{team_blog['id']}").status_code == 404
    assert [b["id"] for b in anon.get("spaces/fans/blogs").json_body["items"]] == [fan["id"]]
    assert anon.post(f"blogs/{fan['id']}/like").status_code == 401
    # mallory, signed in but not a member, reads but does not take part.
    assert api("mallory").get(f"blogs/{fan['id']}").status_code == 200
    assert api("mallory").post(f"blogs/{fan['id']}/like").status_code == 403


def test_cover_is_served_to_exactly_the_readers(world, api):
    cover = upload(world, "bob")
    blog = create(api, "bob", cover_id=cover, status="published")
    assert blog["cover"]["url"] == f"/files/{cover}/"

    def fetch(who):
        client = Client()
        client.force_login(getattr(world, who).user)
        return client.get(blog["cover"]["url"])

    assert fetch("alice").status_code == 200
    assert fetch("mallory").status_code == 404
    # A published blog keeps its cover (it travels with the feed post).
    assert api("bob").patch(f"blogs/{blog['id']}", {"cover_id": upload(world, "bob")}).status_code == 409


def test_author_list_and_delete(world, api):
    mine = create(api, "bob", status="published")
    create(api, "alice", status="published")
    ids = [b["id"] for b in api("alice").get(f"spaces/acme/blogs?author={world.bob.user.pk}").json_body["items"]]
    assert ids == [mine["id"]]
    assert api("gina").delete(f"blogs/{mine['id']}").status_code == 404  # gina cannot see space-wide blogs
    assert api("alice").delete(f"blogs/{mine['id']}").status_code == 204  # admin moderation
    assert not Blog.objects.filter(pk=mine["id"]).exists()
    assert Post.objects.get(pk=mine["post_id"]).deleted


def _fill(api, world, n: int) -> None:
    for i in range(n):
        blog = create(api, "alice" if i % 2 else "bob", status="published" if i % 3 else "draft", tags=[f"t{i}"])
        if blog["status"] == "published":
            api("bob").post(f"blogs/{blog['id']}/like")
            kind, target = ("blog", blog["id"]) if i % 2 else ("post", blog["post_id"])
            assert api("alice").post("spaces/acme/headlines", {"kind": kind, "id": target}).status_code == 201


MEASURED: dict[tuple[str, int], int] = {}


@pytest.mark.parametrize("n", [3, 25])
def test_list_query_count_is_fixed(world, api, n):
    _fill(api, world, n)
    for path in ["spaces/acme/blogs", "spaces/acme/headlines"]:
        with CaptureQueriesContext(connection) as ctx:
            response = api("bob").get(path)
        assert response.status_code == 200
        MEASURED[(path, n)] = len(ctx.captured_queries)
    assert api("bob").get("spaces/acme/blogs").json_body["items"]
    assert api("bob").get("spaces/acme/headlines").json_body["items"]
    if n == 25:
        for path in ["spaces/acme/blogs", "spaces/acme/headlines"]:
            assert MEASURED[(path, 25)] == MEASURED[(path, 3)], MEASURED


# --- headlines -----------------------------------------------------------------------------


def test_headlines_are_curated_by_admins_in_order(world, api, public_space):
    blog = create(api, "bob", slug="fans", status="published", title="Tasting notes")
    post = api("bob").post("spaces/fans/posts", {"body": "Hello fans"}).json_body
    cover = upload(world, "alice")
    assert api("bob").post("spaces/fans/headlines", {"kind": "blog", "id": blog["id"]}).status_code == 403
    first = api("alice").post("spaces/fans/headlines", {"kind": "post", "id": post["id"], "cover_id": cover})
    assert first.status_code == 201, first.content
    second = api("alice").post("spaces/fans/headlines", {"kind": "blog", "id": blog["id"], "position": -1}).json_body
    items = api("anonymous").get("spaces/fans/headlines").json_body["items"]
    assert [i["id"] for i in items] == [second["id"], first.json_body["id"]]
    assert items[0]["title"] == "Tasting notes" and items[1]["cover_url"] == f"/h/{first.json_body['id']}/cover/"
    # The cover is served to those who may see the headline's item.
    assert Client().get(items[1]["cover_url"]).status_code == 200
    # Opening through the headline counts a view and leads to the item.
    response = Client().get(items[0]["url"])
    assert response.status_code == 302 and response["Location"] == f"/b/{blog['id']}/"
    Client().get(items[0]["url"])
    assert Headline.objects.get(pk=second["id"]).view_count == 2
    assert api("alice").delete(f"spaces/fans/headlines/{second['id']}").status_code == 204
    assert len(api("anonymous").get("spaces/fans/headlines").json_body["items"]) == 1


def test_headlines_never_show_what_the_viewer_cannot_see(world, api, public_space):
    team = do_create_team(space_access_for(world.alice.user, public_space), name="Staff", visibility="private")
    hidden = api("alice").post("spaces/fans/posts", {"body": "Staff only", "team_id": team.pk}).json_body
    shown = api("alice").post("spaces/fans/posts", {"body": "Everyone"}).json_body
    for item in (hidden, shown):
        assert api("alice").post("spaces/fans/headlines", {"kind": "post", "id": item["id"]}).status_code == 201
    assert len(api("alice").get("spaces/fans/headlines").json_body["items"]) == 2
    for who in ("bob", "anonymous", "mallory"):
        items = api(who).get("spaces/fans/headlines").json_body["items"]
        assert [i["target_id"] for i in items] == [shown["id"]], who
    hidden_headline = Headline.objects.get(target_id=hidden["id"])
    assert Client().get(f"/h/{hidden_headline.pk}/").status_code == 404
    # A deleted post leaves the headlines.
    api("alice").delete(f"posts/{shown['id']}")
    assert api("bob").get("spaces/fans/headlines").json_body["items"] == []


def test_expired_headlines_are_hidden(world, api, public_space):
    blog = create(api, "bob", slug="fans", status="published")
    soon = timezone.now() + timedelta(minutes=5)
    made = api("alice").post("spaces/fans/headlines", {"kind": "blog", "id": blog["id"], "expires_at": soon.isoformat()}).json_body
    assert len(api("bob").get("spaces/fans/headlines").json_body["items"]) == 1
    Headline.objects.filter(pk=made["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api("bob").get("spaces/fans/headlines").json_body["items"] == []


def test_headline_bad_input_is_422_naming_the_field(world, api, public_space):
    other = create(api, "bob", status="published")  # in acme, not in fans
    draft = create(api, "bob", slug="fans")
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    cases = [
        ({"kind": "video", "id": 1}, "kind"),
        ({"kind": "blog", "id": other["id"]}, "id"),
        ({"kind": "blog", "id": draft["id"]}, "id"),
        ({"kind": "post", "id": 999999}, "id"),
        ({"kind": "announcement", "id": 999999}, "id"),
        ({"kind": "blog", "id": draft["id"], "expires_at": past}, "expires_at"),
        ({"kind": "blog"}, "id"),
    ]
    for body, field in cases:
        response = api("alice").post("spaces/fans/headlines", body)
        assert response.status_code == 422, (body, response.content)
        assert field in str(response.json_body["detail"]), (field, response.json_body)
    assert api("mallory").get("spaces/acme/headlines").status_code == 404
    assert Space.objects.filter(slug="fans").exists()


def test_covers_in_use_survive_the_orphan_upload_purge(world, api, public_space):
    from plaza.uploads.actions import do_purge_orphan_uploads
    from plaza.uploads.models import Attachment

    draft_cover, headline_cover, unused = upload(world, "bob"), upload(world, "alice"), upload(world, "bob")
    draft = create(api, "bob", slug="fans", cover_id=draft_cover)
    blog = create(api, "bob", slug="fans", status="published")
    made = api("alice").post("spaces/fans/headlines", {"kind": "blog", "id": blog["id"], "cover_id": headline_cover})
    assert made.status_code == 201
    Attachment.objects.update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {draft_cover, headline_cover}
    assert Client().get(made.json_body["cover_url"]).status_code == 200
    published = api("bob").patch(f"blogs/{draft['id']}", {"status": "published"}).json_body
    assert Attachment.objects.get(pk=draft_cover).post_id == published["post_id"]
    assert unused not in Attachment.objects.values_list("pk", flat=True)
