"""Blog and headline pages: list, editor, detail with the feed's like and comments, the
headlines admin, and headlines as the front page of a public space."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plaza.blogs.actions import do_add_headline, do_create_blog
from plaza.blogs.models import Blog, Headline
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space, do_create_team, do_join_space


def client_for(world, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who).user)
    return client


@pytest.fixture
def fans(world):
    space = do_create_space(world.alice.user, name="Fans", slug="fans", visibility="public", join_policy="open")
    do_join_space(space_access_for(world.bob.user, space))
    return space


def test_write_publish_read_like_and_comment(world):
    bob = client_for(world, "bob")
    assert bob.get("/s/acme/blogs/new/").status_code == 200
    response = bob.post("/s/acme/blogs/new/", {"title": "Quarterly notes", "body": "Sales **up**", "tags": "q3, sales", "action": "draft"})
    blog = Blog.objects.get(title="Quarterly notes")
    assert response.status_code == 302 and response["Location"] == f"/b/{blog.pk}/"
    assert blog.status == "draft" and blog.tags == ["q3", "sales"]
    assert client_for(world, "alice").get(f"/b/{blog.pk}/").status_code == 404  # a draft is its author's
    bob.post(f"/b/{blog.pk}/edit/", {"title": "Quarterly notes", "body": "Sales **up**", "tags": "q3", "action": "publish"})
    blog.refresh_from_db()
    assert blog.status == "published" and blog.post_id
    alice = client_for(world, "alice")
    page = alice.get(f"/b/{blog.pk}/").content.decode()
    assert "<strong>up</strong>" in page and f"/p/{blog.post_id}/like/" in page
    alice.post(f"/p/{blog.post_id}/like/", {"action": "like"})
    alice.post(f"/b/{blog.pk}/", {"action": "comment", "body": "Well done"})
    page = alice.get(f"/b/{blog.pk}/").content.decode()
    assert "Well done" in page and "1 like" in page
    listing = alice.get("/s/acme/blogs/").content.decode()
    assert "Quarterly notes" in listing and "1 comment" in listing
    assert client_for(world, "mallory").get(f"/b/{blog.pk}/").status_code == 404
    assert client_for(world, "mallory").get("/s/acme/blogs/").status_code == 404
    assert alice.get(f"/b/{blog.pk}/edit/").status_code == 403


def test_blog_list_page_query_count_is_fixed(world):
    counts = {}
    acc = space_access_for(world.bob.user, world.acme)
    for n in (3, 25):
        while Blog.objects.count() < n:
            do_create_blog(acc, title=f"Blog {Blog.objects.count()}", body="x", status="published", tags=["a"])
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(world, "alice").get("/s/acme/blogs/").status_code == 200
        counts[n] = len(ctx.captured_queries)
    assert counts[3] == counts[25], counts


def test_headlines_are_the_front_page_of_a_public_space(world, fans):
    acc = space_access_for(world.alice.user, fans)
    blog = do_create_blog(acc, title="Autumn tasting guide", body="Bring glasses", status="published")
    staff = do_create_team(acc, name="Staff", visibility="private")
    secret = do_create_blog(acc, title="Staff secret", body="hush", status="published", team_id=staff.pk)
    do_add_headline(acc, kind="blog", target_id=blog.pk)
    do_add_headline(acc, kind="blog", target_id=secret.pk)
    visitor = client_for(world, "anonymous").get("/s/fans/").content.decode()
    assert "Autumn tasting guide" in visitor and "Staff secret" not in visitor
    assert "Staff secret" in client_for(world, "alice").get("/s/fans/").content.decode()
    headline = Headline.objects.get(target_id=blog.pk)
    assert client_for(world, "anonymous").get(f"/h/{headline.pk}/")["Location"] == f"/b/{blog.pk}/"
    assert Headline.objects.get(pk=headline.pk).view_count == 1
    assert client_for(world, "anonymous").get(f"/b/{blog.pk}/").status_code == 200
    assert client_for(world, "anonymous").get("/s/fans/blogs/").status_code == 200


def test_headlines_admin(world, fans):
    acc = space_access_for(world.alice.user, fans)
    blog = do_create_blog(acc, title="Featured", body="x", status="published")
    alice = client_for(world, "alice")
    assert alice.get("/s/fans/headlines/").status_code == 200
    assert client_for(world, "bob").get("/s/fans/headlines/").status_code == 403
    alice.post("/s/fans/headlines/", {"action": "add", "kind": "blog", "target_id": blog.pk, "position": "", "expires_at": ""})
    headline = Headline.objects.get()
    assert "Featured" in alice.get("/s/fans/headlines/").content.decode()
    alice.post("/s/fans/headlines/", {"action": "add", "kind": "blog", "target_id": 999999})
    assert Headline.objects.count() == 1
    alice.post("/s/fans/headlines/", {"action": "remove", "headline_id": headline.pk})
    assert not Headline.objects.exists()
