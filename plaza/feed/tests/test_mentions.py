"""The composer's @ suggestions: only people who could see the post, never outsiders."""

from __future__ import annotations

import pytest
from django.test import Client

from plaza.core.testing import make_user
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db


def suggest(world, persona: str, q: str, team_id: int | None = None, slug: str = "acme"):
    client = Client()
    client.force_login(getattr(world, persona).user)
    params = {"q": q} | ({"team_id": team_id} if team_id else {})
    return client.get(f"/s/{slug}/feed/mentions/", params)


def test_suggests_members_of_the_space_by_handle_or_name(world):
    page = suggest(world, "bob", "al")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-mention="alice"' in html
    assert "mallory" not in html


def test_space_wide_posts_do_not_suggest_guests_who_cannot_see_them(world):
    assert 'data-mention="gina"' not in suggest(world, "bob", "gi").content.decode()


def test_private_team_suggests_only_its_members_and_admins(world):
    acc = space_access_for(world.bob.user, world.acme)
    team = do_create_team(acc, name="Secret", visibility="private")
    carol = make_user("carol")
    Membership.objects.create(space=world.acme, user=carol, role="member")
    html = suggest(world, "bob", "c", team_id=team.pk).content.decode()
    assert 'data-mention="carol"' not in html
    do_add_team_member(acc, team, carol.pk)
    assert 'data-mention="carol"' in suggest(world, "bob", "c", team_id=team.pk).content.decode()
    do_add_team_member(acc, team, world.gina.user.pk)
    assert 'data-mention="gina"' in suggest(world, "bob", "gi", team_id=team.pk).content.decode()


def test_outsiders_and_signed_out_get_nothing(world):
    assert suggest(world, "mallory", "al").status_code == 404
    assert Client().get("/s/acme/feed/mentions/", {"q": "al"}).status_code == 302
