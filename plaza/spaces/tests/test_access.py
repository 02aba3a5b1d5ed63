"""Who knows and reaches which space and team: private/listed/public spaces, sub-spaces,
guests, private teams. Missing and forbidden look the same (404); 403 only where the caller
may know the object."""

from __future__ import annotations

import pytest

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.core.testing import make_persona
from plaza.spaces.access import access_space, access_team, access_team_by_id, space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team


@pytest.fixture
def teams(world):
    acc = space_access_for(world.alice.user, world.acme)
    public = do_create_team(acc, name="Sales", visibility="public")
    private = do_create_team(acc, name="Board", visibility="private")
    guests = do_create_team(acc, name="Customers", visibility="public")
    do_add_team_member(acc, guests, world.gina.user.pk)
    return public, private, guests


def test_private_space_is_unknown_to_outsiders_and_visitors(world):
    with pytest.raises(NotFound):
        access_space(world.mallory.user, "acme")
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        access_space(AnonymousUser(), "acme")


def test_listed_space_visitor_knows_it_but_may_not_read_members(api, world):
    do_create_space(world.mallory.user, name="Listed", slug="listed", visibility="listed", join_policy="request")
    assert api("bob").get("spaces/listed").status_code == 200
    assert api("anonymous").get("spaces/listed").status_code == 200
    assert api("bob").get("spaces/listed/members").status_code == 403
    assert api("bob").get("spaces/listed/teams").status_code == 403
    assert api("anonymous").get("spaces/listed/members").status_code == 401


def test_roles_required(world):
    assert access_space(world.alice.user, "acme", role="owner").is_owner
    with pytest.raises(Forbidden):
        access_space(world.bob.user, "acme", role="admin")
    with pytest.raises(NotFound):
        access_space(world.mallory.user, "acme", role="guest")
    do_create_space(world.mallory.user, name="Pub", slug="pub", visibility="public", join_policy="open")
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        access_space(AnonymousUser(), "pub", role="member")


def test_guest_sees_only_own_teams(api, world, teams):
    public, private, guests = teams
    names = {t["name"] for t in api("gina").get("spaces/acme/teams").json_body["items"]}
    assert names == {"Customers"}
    assert api("gina").get(f"teams/{public.pk}").status_code == 404
    assert api("gina").get(f"teams/{guests.pk}").status_code == 200


def test_member_sees_public_teams_and_own_private_ones(api, world, teams):
    public, private, guests = teams
    assert {t["name"] for t in api("bob").get("spaces/acme/teams").json_body["items"]} == {"Sales", "Customers"}
    assert api("bob").get(f"teams/{private.pk}").status_code == 404
    assert api("bob").get(f"teams/{private.pk}/members").status_code == 404
    assert api("bob").post(f"teams/{private.pk}/join").status_code == 404
    do_add_team_member(space_access_for(world.alice.user, world.acme), private, world.bob.user.pk)
    assert api("bob").get(f"teams/{private.pk}").status_code == 200
    assert "Board" in {t["name"] for t in api("bob").get("spaces/acme/teams").json_body["items"]}


def test_admin_sees_every_team(api, world, teams):
    assert {t["name"] for t in api("alice").get("spaces/acme/teams").json_body["items"]} == {"Sales", "Board", "Customers"}


def test_team_of_another_space_is_404_even_for_its_id(world, teams):
    public, *_ = teams
    acc = space_access_for(world.mallory.user, world.globex)
    with pytest.raises(NotFound):
        access_team(acc, public.pk)
    with pytest.raises(NotFound):
        access_team_by_id(world.mallory.user, public.pk)


@pytest.fixture
def tree(world):
    """acme > eu > eu-fr (depth 3); acme > us (sibling of eu). carol owns eu; dave owns us."""
    carol, dave = make_persona("carol"), make_persona("dave")
    acme_acc = space_access_for(world.alice.user, world.acme)
    eu = do_create_space(world.alice.user, name="EU", slug="eu", parent=acme_acc)
    us = do_create_space(world.alice.user, name="US", slug="us", parent=acme_acc)
    from plaza.spaces.models import Membership

    Membership.objects.create(space=eu, user=carol.user, role="owner")
    Membership.objects.create(space=us, user=dave.user, role="owner")
    fr = do_create_space(carol.user, name="FR", slug="eu-fr", parent=space_access_for(carol.user, eu))
    return {"carol": carol, "dave": dave, "eu": eu, "us": us, "fr": fr}


def test_parent_admins_administer_sub_spaces_without_being_members(api, world, tree):
    acc = access_space(world.alice.user, "eu-fr", role="admin")
    assert acc.inherited and acc.membership is None
    assert api("alice").patch("spaces/eu-fr", {"description": "Bonjour"}).status_code == 200
    # Administering is not membership: the sub-space is not among alice's spaces.
    assert "eu-fr" not in {s["slug"] for s in api("alice").get("spaces?limit=100").json_body["items"]}


def test_membership_of_the_parent_is_not_inherited(api, world, tree):
    assert api("bob").get("spaces/eu").status_code == 404
    assert api("gina").get("spaces/eu").status_code == 404


def test_sibling_sub_spaces_see_nothing_of_each_other(api, tree):
    carol = Api_for(tree["carol"])
    assert carol.get("spaces/us").status_code == 404
    assert carol.get("spaces/us/members").status_code == 404
    dave = Api_for(tree["dave"])
    assert dave.get("spaces/eu").status_code == 404
    assert dave.get("spaces/eu-fr").status_code == 404
    # and a sub-space owner does not administer the parent
    assert carol.get("spaces/acme").status_code == 404


def Api_for(persona):  # noqa: N802 - reads like the api fixture
    from plaza.core.testing import Api

    return Api(persona)
