"""A private parent space does not leak through its sub-spaces (issue 18, item 2): the API's
``parent``/``parent_id`` and the pages' "Sub-space of" are shown only to those who may know
the parent."""

from __future__ import annotations

import pytest
from django.test import Client

from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role


@pytest.fixture
def lab(world):
    # "Acme" is private; its sub-space "Acme Lab" is public and mallory joined it.
    lab = do_create_space(
        world.alice.user,
        name="Acme Lab",
        slug="acme-lab",
        visibility="public",
        join_policy="open",
        parent=space_access_for(world.alice.user, world.acme),
    )
    Membership.objects.create(space=lab, user=world.mallory.user, role=Role.MEMBER)
    return lab


def test_api_names_the_parent_only_to_who_may_know_it(world, api, lab):
    assert api("alice").get("spaces/acme-lab").json_body["parent"] == "acme"
    assert api("bob").get("spaces/acme-lab").json_body["parent_id"] == world.acme.pk
    for who in ("mallory", "anonymous"):
        body = api(who).get("spaces/acme-lab").json_body
        assert body["parent"] is None and body["parent_id"] is None, who
    mine = {s["slug"]: s for s in api("mallory").get("spaces").json_body["items"]}
    assert mine["acme-lab"]["parent"] is None and mine["acme-lab"]["parent_id"] is None
    listed = {s["slug"]: s for s in api("mallory").get("spaces/directory").json_body["items"]}
    assert listed["acme-lab"]["parent"] is None
    assert "Acme" not in str(mine["acme-lab"]).replace("Acme Lab", "")


def test_page_says_sub_space_of_only_to_who_may_know_it(world, lab):
    outsider = Client()
    outsider.force_login(world.mallory.user)
    page = outsider.get("/s/acme-lab/").content.decode()
    assert "Sub-space of" not in page and "Acme Lab" in page
    anonymous = Client().get("/s/acme-lab/").content.decode()
    assert "Sub-space of" not in anonymous
    member = Client()
    member.force_login(world.bob.user)
    assert "Sub-space of" in member.get("/s/acme-lab/").content.decode()
