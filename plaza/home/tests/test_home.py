"""The home across spaces, a space's home and the apps a space turns on and off (issue 14).

Personas (core/testing.py): in acme alice (owner), bob (member), gina (guest); in globex
mallory (owner). Everything goes through the pages and the API.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.announcements.actions import do_publish_announcement
from plaza.blogs.actions import do_create_blog
from plaza.core.testing import login
from plaza.events.actions import do_create_event
from plaza.feed.actions import do_publish_post
from plaza.polls.actions import do_create_poll
from plaza.spaces.access import access_space
from plaza.spaces.actions import do_create_space, do_create_team
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def _acc(persona, slug):
    return access_space(persona.user, slug)


@pytest.fixture
def content(world):
    """Something of every kind in acme (space-wide and in a private team bob is not in) and
    in globex, where bob is also a member."""
    alice, mallory, bob = world.alice, world.mallory, world.bob
    Membership.objects.create(space=world.globex, user=bob.user, role=Role.MEMBER)
    acme = _acc(alice, "acme")
    secret_team = do_create_team(acme, name="Board", visibility="private")
    soon = timezone.now() + timedelta(days=3)
    do_publish_post(acme, body="acme post for everyone")
    do_publish_post(acme, body="acme board secret post", team_id=secret_team.pk)
    do_publish_announcement(acme, title="acme notice to acknowledge", require_ack=True)
    do_create_event(acme, title="acme tasting evening", starts_at=soon, ends_at=soon + timedelta(hours=2))
    do_create_poll(acme, question="acme lunch poll?", options=[{"text": "yes"}, {"text": "no"}])
    do_create_blog(acme, title="acme blog story", body="words", status="published")
    globex = _acc(mallory, "globex")
    do_publish_post(globex, body="globex post for its members")
    do_create_event(globex, title="globex summit", starts_at=soon, ends_at=soon + timedelta(hours=2))
    return secret_team


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_streams_every_space_of_mine_and_nothing_hidden(world, content):
    html = _page(login(world.bob), "/")
    for text in ("acme post for everyone", "globex post for its members", "acme notice to acknowledge",
                 "acme tasting evening", "acme lunch poll?", "acme blog story", "globex summit"):
        assert text in html, text
    assert "acme board secret post" not in html  # a private team bob is not in
    assert "Waiting for your acknowledgement" in html


def test_home_forgets_a_space_i_left(world, content, api):
    assert api("bob").delete(f"/api/v1/spaces/globex/members/{world.bob.user.pk}").status_code == 204
    html = _page(login(world.bob), "/")
    assert "acme post for everyone" in html
    assert "globex post for its members" not in html
    assert "globex summit" not in html


def test_home_for_a_guest_shows_only_their_teams(world, content):
    html = _page(login(world.gina), "/")
    assert "acme post for everyone" not in html
    assert "acme board secret post" not in html


def test_home_signed_out_is_the_welcome_page(world):
    assert "Welcome to Plaza" in _page(Client(), "/")


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/", "/s/acme/"])
def test_homes_run_a_fixed_number_of_queries(world, content, url):
    client = login(world.alice)
    client.get(url)  # warm the session and caches
    few = _count_queries(client, url)
    acme = _acc(world.alice, "acme")
    soon = timezone.now() + timedelta(days=5)
    for i in range(8):
        do_publish_post(acme, body=f"more {i} #topic{i} @bob")
        do_create_poll(acme, question=f"poll {i}?", options=[{"text": "a"}, {"text": "b"}])
        do_create_event(acme, title=f"event {i}", starts_at=soon, ends_at=soon + timedelta(hours=1))
        do_create_blog(acme, title=f"blog {i}", body="b", status="published")
        do_publish_announcement(acme, title=f"notice {i}")
    assert _count_queries(client, url) == few
    assert few <= 40


def test_home_pages_through_the_stream(world):
    acme = _acc(world.alice, "acme")
    for i in range(25):
        do_publish_post(acme, body=f"numbered post {i:02d}")
    client = login(world.bob)
    first = _page(client, "/")
    assert "numbered post 24" in first and "numbered post 00" not in first
    cursor = first.split('hx-get="?before=')[1].split('"')[0]
    second = client.get("/?before=" + cursor, HTTP_HX_REQUEST="true").content.decode()
    assert "numbered post 00" in second and "numbered post 24" not in second
    assert client.get("/?before=not-a-date").status_code == 400


def test_space_home_sections_follow_visibility(world, content):
    member = _page(login(world.bob), "/s/acme/")
    for text in ("acme post for everyone", "acme tasting evening", "acme lunch poll?", "acme blog story", "New members"):
        assert text in member, text
    assert "acme board secret post" not in member
    admin = _page(login(world.alice), "/s/acme/")
    assert "acme board secret post" in admin
    guest = _page(login(world.gina), "/s/acme/")
    assert "acme post for everyone" not in guest and "New members" not in guest
    assert login(world.mallory).get("/s/acme/").status_code == 404
    assert Client().get("/s/acme/").status_code in (302, 404)


def test_public_space_landing_for_signed_out_visitors(world):
    alice = world.alice
    space = do_create_space(alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    acc = _acc(alice, space.slug)
    team = do_create_team(acc, name="Staff", visibility="private")
    soon = timezone.now() + timedelta(days=2)
    do_publish_post(acc, body="public hello")
    do_publish_post(acc, body="staff only note", team_id=team.pk)
    do_create_event(acc, title="open wine fair", starts_at=soon, ends_at=soon + timedelta(hours=3))
    html = _page(Client(), "/s/lovers/")
    assert "public hello" in html and "open wine fair" in html
    assert "staff only note" not in html
    assert "Sign in to join" in html
    assert "New members" not in html


# --- apps on and off ----------------------------------------------------------------------


def test_apps_are_on_by_default_and_listed_in_the_api(world, api):
    body = api("bob").get("/api/v1/spaces/acme").json()
    assert body["apps"] == ["feed", "announcements", "events", "polls", "blogs", "headlines", "groups", "calls", "showcase", "cases"]


def test_an_admin_turns_apps_off_and_their_routes_answer_404(world, content, api):
    response = api("alice").patch("/api/v1/spaces/acme", {"apps": ["feed", "announcements", "blogs", "headlines", "groups", "calls", "showcase", "cases"]})
    assert response.status_code == 200, response.content
    assert "polls" not in response.json()["apps"] and "events" not in response.json()["apps"]
    for who in ("alice", "bob"):
        assert api(who).get("/api/v1/spaces/acme/polls").status_code == 404
        assert api(who).get("/api/v1/spaces/acme/events").status_code == 404
        assert api(who).get("/api/v1/spaces/acme/feed").status_code == 200
    poll_id = api("alice").get("/api/v1/search?q=lunch").json()["items"]
    assert poll_id == []  # search leaves out what an off app holds
    client = login(world.bob)
    assert client.get("/s/acme/polls/").status_code == 404
    assert client.get("/s/acme/events/").status_code == 404
    html = _page(client, "/s/acme/")
    assert 'href="/s/acme/polls/"' not in html and 'href="/s/acme/events/"' not in html
    assert 'href="/s/acme/feed/"' in html
    assert "acme lunch poll?" not in html and "acme tasting evening" not in html
    home = _page(client, "/")
    assert "acme lunch poll?" not in home and "acme tasting evening" not in home
    assert "globex summit" in home  # the app is on in globex
    # Turned on again, everything is back.
    assert api("alice").patch("/api/v1/spaces/acme", {"apps": ["feed", "events", "polls"]}).status_code == 200
    assert api("bob").get("/api/v1/spaces/acme/polls").status_code == 200
    assert client.get("/s/acme/polls/").status_code == 200


def test_an_off_app_hides_its_rows_by_id_too(world, content, api):
    post_id = api("bob").get("/api/v1/spaces/acme/feed").json()["items"][0]["id"]
    assert api("alice").patch("/api/v1/spaces/acme", {"apps": ["events"]}).status_code == 200
    assert api("bob").get(f"/api/v1/posts/{post_id}").status_code == 404
    assert api("alice").get(f"/api/v1/posts/{post_id}").status_code == 404
    assert login(world.bob).get(f"/p/{post_id}/").status_code == 404


def test_apps_changes_are_checked_and_admin_only(world, api):
    bad = api("alice").patch("/api/v1/spaces/acme", {"apps": ["feed", "teleport"]})
    assert bad.status_code == 422 and "apps" in str(bad.json()["detail"])
    assert api("alice").get("/api/v1/spaces/acme").json()["apps"][0] == "feed"  # nothing changed
    assert api("bob").patch("/api/v1/spaces/acme", {"apps": []}).status_code == 403
    assert api("mallory").patch("/api/v1/spaces/acme", {"apps": []}).status_code == 404


def test_apps_page_for_admins(world):
    assert login(world.bob).get("/s/acme/settings/apps/").status_code == 403
    assert login(world.mallory).get("/s/acme/settings/apps/").status_code == 404
    client = login(world.alice)
    html = _page(client, "/s/acme/settings/apps/")
    assert 'value="polls"' in html
    response = client.post("/s/acme/settings/apps/", {"apps": ["feed", "events"]})
    assert response.status_code == 302
    page = _page(client, "/s/acme/")
    assert 'href="/s/acme/polls/"' not in page and 'href="/s/acme/blogs/"' not in page
    assert 'href="/s/acme/headlines/"' not in page
    assert client.get("/s/acme/blogs/").status_code == 404
    assert client.get("/s/acme/headlines/").status_code == 404


def test_manage_menu_holds_every_admin_item_only_for_admins(world):
    admin = _page(login(world.alice), "/s/acme/")
    for url in ("invitations/", "requests/", "headlines/", "settings/", "settings/apps/", "audit/", "webhooks/", "export/"):
        assert f'href="/s/acme/{url}"' in admin, url
    assert "manage-menu" in admin
    member = _page(login(world.bob), "/s/acme/")
    assert "manage-menu" not in member and 'href="/s/acme/audit/"' not in member


def test_bottom_bar_for_signed_in_people_only(world):
    html = _page(login(world.bob), "/")
    assert 'class="bottombar"' in html
    assert 'href="/calendar/"' in html and 'href="/notifications/"' in html
    assert 'class="bottombar"' not in _page(Client(), "/")
