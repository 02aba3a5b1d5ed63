"""The feed pages through HTTP as each persona: what they see, what they may do, and that
nothing of a post leaks to those who may not see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from plaza.feed.actions import do_publish_post, do_share_post
from plaza.feed.models import Comment, Follow, Like, Post
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def as_(world, name: str) -> Client:
    client = Client()
    persona = world.persona(name)
    if persona is not None:
        client.force_login(persona.user)
    return client


def text(response) -> str:
    return response.content.decode()


def post_as(world, name: str, body: str, slug: str = "acme", team=None) -> Post:
    user = getattr(world, name).user
    space = world.acme if slug == "acme" else world.globex
    return do_publish_post(space_access_for(user, space), body=body, team_id=team.pk if team else None)


def test_space_feed_page_shows_posts_and_composer(world):
    post_as(world, "bob", "Hello **acme** #launch @alice")
    page = as_(world, "alice").get("/s/acme/feed/")
    assert page.status_code == 200
    body = text(page)
    assert "<strong>acme</strong>" in body and 'href="/u/alice/"' in body
    assert 'href="/s/acme/topics/launch/"' in body
    assert "data-composer" in body and "feed.js" in body and "data-feed-live" in body
    assert "<script>" not in body and "style=" not in body
    # The space home links to the feed.
    assert 'href="/s/acme/feed/"' in text(as_(world, "bob").get("/s/acme/"))


def test_outsiders_and_guests(world):
    post_as(world, "bob", "members only")
    assert as_(world, "mallory").get("/s/acme/feed/").status_code == 404
    assert as_(world, "anonymous").get("/s/acme/feed/").status_code == 404
    guest = as_(world, "gina").get("/s/acme/feed/")
    assert guest.status_code == 200 and "members only" not in text(guest)
    assert "data-composer" not in text(guest)  # no team yet: nowhere to post
    post = Post.objects.get()
    for name in ("mallory", "gina", "anonymous"):
        assert as_(world, name).get(f"/p/{post.pk}/").status_code == 404
    assert as_(world, "mallory").get(f"/u/{world.bob.user.handle}/").status_code == 404
    assert as_(world, "anonymous").get("/feed/").status_code == 302


def test_publish_with_htmx_returns_the_post_and_without_redirects(world):
    client = as_(world, "bob")
    response = client.post("/s/acme/feed/", {"body": "via htmx #x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="post' in text(response) and "via htmx" in text(response)
    response = client.post("/s/acme/feed/", {"body": "plain form"})
    assert response.status_code == 302
    too_long = client.post("/s/acme/feed/", {"body": "x" * 5001}, follow=True)
    assert "At most 5000 characters." in text(too_long)
    assert Post.objects.count() == 2
    assert as_(world, "gina").post("/s/acme/feed/", {"body": "guest"}).status_code == 403


def test_guest_composer_offers_only_her_teams(world):
    acc = space_access_for(world.alice.user, world.acme)
    sales = do_create_team(acc, name="Sales", visibility="public")
    do_create_team(acc, name="Hidden", visibility="private")
    do_add_team_member(acc, sales, world.gina.user.pk)
    body = text(as_(world, "gina").get("/s/acme/feed/"))
    assert "Team: Sales" in body and "Hidden" not in body and "Everyone in the space" not in body
    assert as_(world, "gina").post("/s/acme/feed/", {"body": "hi sales", "team_id": sales.pk}).status_code == 302
    assert Post.objects.get().team_id == sales.pk


def test_like_button_swaps_with_htmx(world):
    post = post_as(world, "alice", "like me")
    client = as_(world, "bob")
    response = client.post(f"/p/{post.pk}/like/", {"action": "like"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in text(response) and "1 like" in text(response)
    assert Like.objects.count() == 1
    response = client.post(f"/p/{post.pk}/like/", {"action": "unlike", "next": "/s/acme/feed/"})
    assert response.status_code == 302 and response["Location"] == "/s/acme/feed/"
    assert Like.objects.count() == 0
    assert as_(world, "mallory").post(f"/p/{post.pk}/like/").status_code == 404


def test_post_detail_comments_edit_pin_delete(world):
    post = post_as(world, "bob", "discuss this")
    bob, alice = as_(world, "bob"), as_(world, "alice")
    assert bob.post(f"/p/{post.pk}/", {"action": "comment", "body": "first!"}).status_code == 302
    first = Comment.objects.get()
    assert alice.post(f"/p/{post.pk}/", {"action": "comment", "body": "reply", "reply_to": first.pk}).status_code == 302
    page = text(bob.get(f"/p/{post.pk}/"))
    assert "first!" in page and "replying to Bob" in page
    # alice may not edit bob's post, only pin or delete it.
    assert alice.post(f"/p/{post.pk}/", {"action": "edit", "body": "hijack"}).status_code == 403
    assert bob.post(f"/p/{post.pk}/", {"action": "pin"}).status_code == 403
    assert bob.post(f"/p/{post.pk}/", {"action": "edit", "body": "discuss that"}).status_code == 302
    assert "edited" in text(bob.get(f"/p/{post.pk}/"))
    assert alice.post(f"/p/{post.pk}/", {"action": "pin"}).status_code == 302
    assert "Pinned" in text(bob.get("/s/acme/feed/"))
    assert alice.post(f"/p/{post.pk}/", {"action": "delete"}).status_code == 302
    assert bob.get(f"/p/{post.pk}/").status_code == 404


def test_share_page_and_unavailable_original(world):
    acc = space_access_for(world.alice.user, world.acme)
    board = do_create_team(acc, name="Board", visibility="private")
    original = post_as(world, "alice", "board secret", team=board)
    share = do_share_post(acc, original, into=acc, body="see this")
    page = text(as_(world, "bob").get(f"/p/{share.pk}/"))
    assert "see this" in page and "The original post is not available." in page and "board secret" not in page
    assert "board secret" in text(as_(world, "alice").get(f"/p/{share.pk}/"))
    # Sharing through the form, into a space bob belongs to.
    open_post = post_as(world, "bob", "worth sharing")
    assert as_(world, "bob").get(f"/p/{open_post.pk}/share/").status_code == 200
    response = as_(world, "bob").post(f"/p/{open_post.pk}/share/", {"space": "acme", "body": "again"})
    assert response.status_code == 302
    assert Post.objects.get(body="again").shared_post_id == open_post.pk
    assert as_(world, "bob").post(f"/p/{open_post.pk}/share/", {"space": "globex"}).status_code == 302  # error message
    assert not Post.objects.filter(space=world.globex).exists()


def test_person_page_follow_and_following_feed(world):
    post_as(world, "alice", "alice says hi")
    bob = as_(world, "bob")
    page = bob.get("/u/alice/")
    assert page.status_code == 200 and "alice says hi" in text(page)
    assert bob.post("/u/alice/", {"action": "follow"}).status_code == 302
    assert Follow.objects.filter(follower=world.bob.user, followee=world.alice.user).exists()
    assert "alice says hi" in text(bob.get("/feed/"))
    assert bob.post("/u/alice/", {"action": "unfollow"}).status_code == 302
    assert "alice says hi" not in text(bob.get("/feed/"))


def test_topic_page(world):
    post_as(world, "bob", "Tasting notes #葡萄酒# and #Wine")
    post_as(world, "bob", "unrelated")
    page = as_(world, "alice").get("/s/acme/topics/葡萄酒/")
    assert page.status_code == 200 and "Tasting notes" in text(page) and "unrelated" not in text(page)
    assert as_(world, "alice").get("/s/acme/topics/wine/").status_code == 200
    assert as_(world, "alice").get("/s/acme/topics/nothing/").status_code == 404
    assert as_(world, "mallory").get("/s/acme/topics/wine/").status_code == 404


def test_public_space_feed_for_visitors(world):
    bazaar = do_create_space(world.alice.user, name="Bazaar", slug="bazaar", visibility="public", join_policy="open")
    Membership.objects.create(space=bazaar, user=world.bob.user, role=Role.MEMBER)
    do_publish_post(space_access_for(world.alice.user, bazaar), body="open to all")
    page = as_(world, "anonymous").get("/s/bazaar/feed/")
    assert page.status_code == 200 and "open to all" in text(page) and "data-composer" not in text(page)


def test_show_more_returns_the_items_partial(world):
    for i in range(25):
        post_as(world, "bob", f"post number {i}")
    page = text(as_(world, "alice").get("/s/acme/feed/"))
    assert "post number 24" in page and "post number 4" not in page
    cursor = page.split("cursor=")[1].split('"')[0]
    more = as_(world, "alice").get(f"/s/acme/feed/?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert "post number 4" in text(more) and "<html" not in text(more)


def test_demo_data_has_posts_shares_and_hides_members_only_originals(db):
    from plaza.spaces.demo import seed_demo

    assert seed_demo() is True
    from plaza.accounts.models import User

    assert Post.objects.count() >= 25 and Comment.objects.exists() and Like.objects.exists()
    liu = User.objects.get(email="liu@consumer.example")
    client = Client()
    client.force_login(liu)
    page = client.get("/s/wine-lovers/feed/").content.decode()
    assert "分享一下我们产区今年的采收情况" in page
    with translation.override(liu.language):  # liu reads Plaza in Chinese
        assert translation.gettext("The original post is not available.") in page
    assert "葡萄糖度很理想" not in page  # the members-only original
    assert Client().get("/s/wine-lovers/feed/").status_code == 200


@pytest.mark.parametrize("path", ["/s/acme/feed/", "/feed/", "/u/alice/", "/s/acme/topics/t/"])
def test_page_query_count_does_not_grow(world, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plaza.feed.actions import do_follow, do_like

    counts = []
    client = as_(world, "bob")
    do_follow(world.bob.user, world.alice.user.pk)
    acc = space_access_for(world.alice.user, world.acme)
    for batch in (3, 22):
        for i in range(batch):
            post = post_as(world, "alice", f"post {i} #t @bob")
            do_like(space_access_for(world.bob.user, world.acme), post)
            if i % 4 == 0:
                do_share_post(acc, post, into=acc, body="shared")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts
    PAGE_COUNTS[path] = counts[1]


PAGE_COUNTS: dict[str, int] = {}


def test_guest_sees_only_people_of_her_teams(world):
    assert as_(world, "gina").get("/u/bob/").status_code == 404
    assert as_(world, "gina").get("/u/gina/").status_code == 200
    assert as_(world, "bob").get("/u/gina/").status_code == 200
