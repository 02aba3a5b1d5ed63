"""``list_visible_post_ids`` (SQL built once) answers exactly like ``spaces.access.visible_q`` (the ORM
condition) for every kind of person and post."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from plaza.core.testing import make_persona
from plaza.feed.access import list_visible_post_ids
from plaza.feed.models import Post
from plaza.spaces.access import space_access_for, visible_q
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_the_built_once_sql_agrees_with_the_orm_condition(world):
    alice, bob, gina, mallory = world.alice.user, world.bob.user, world.gina.user, world.mallory.user
    acme = space_access_for(alice, world.acme)
    private_team = do_create_team(acme, name="Board", visibility="private")
    public_team = do_create_team(acme, name="Cellar", visibility="public")
    do_add_team_member(acme, private_team, gina.pk)
    sub = do_create_space(alice, name="Acme Labs", slug="acme-labs", parent=acme)  # alice administers it
    sub_team = do_create_team(space_access_for(alice, sub), name="Lab", visibility="private")
    fair = do_create_space(mallory, name="Fair", slug="fair", visibility="public", join_policy="open")
    fair_team = do_create_team(space_access_for(mallory, fair), name="Staff", visibility="public")
    carol = make_persona("carol").user
    Membership.objects.create(space=world.acme, user=carol, role=Role.ADMIN)

    def post(space, author, team=None, deleted=False):
        return Post.objects.create(space=space, author=author, team=team, body="x", html="<p>x</p>", deleted=deleted).pk

    posts = {
        "acme wide": post(world.acme, alice),
        "acme private team": post(world.acme, alice, private_team),
        "acme public team": post(world.acme, bob, public_team),
        "acme deleted": post(world.acme, bob, deleted=True),
        "sub wide": post(sub, alice),
        "sub team": post(sub, alice, sub_team),
        "globex wide": post(world.globex, mallory),
        "fair wide": post(fair, mallory),
        "fair team": post(fair, mallory, fair_team),
    }
    ids = list(posts.values())
    expected_names = {
        "alice": {"acme wide", "acme private team", "acme public team", "sub wide", "sub team", "fair wide"},
        "bob": {"acme wide", "acme public team", "fair wide"},
        "gina": {"acme private team", "fair wide"},
        "mallory": {"globex wide", "fair wide", "fair team"},
        "carol": {"acme wide", "acme private team", "acme public team", "sub wide", "sub team", "fair wide"},
        "anonymous": {"fair wide"},
    }
    people = {"alice": alice, "bob": bob, "gina": gina, "mallory": mallory, "carol": carol, "anonymous": AnonymousUser()}
    for name, user in people.items():
        by_orm = set(Post.objects.filter(pk__in=ids, deleted=False).filter(visible_q(user)).values_list("pk", flat=True))
        by_sql = list_visible_post_ids(user, ids)
        assert by_sql == by_orm, name
        assert by_sql == {posts[n] for n in expected_names[name]}, name
    assert list_visible_post_ids(bob, []) == set()
    assert list_visible_post_ids(bob, [posts["acme wide"], posts["acme wide"]]) == {posts["acme wide"]}
