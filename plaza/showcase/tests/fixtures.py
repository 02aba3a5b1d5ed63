"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points showcase routes at."""

from __future__ import annotations

from typing import Any

from plaza.showcase.actions import do_create_exhibitor, do_create_product, do_send_inquiry
from plaza.spaces.access import space_access_for


def bobs_catalogue(world: Any) -> dict[str, int]:
    """An exhibitor of acme managed by bob, a published product of it and an inquiry about it."""
    alice = space_access_for(world.alice.user, world.acme)
    exhibitor = do_create_exhibitor(alice, name="Bob's Winery", manager_ids=[world.bob.user.pk])
    product = do_create_product(space_access_for(world.bob.user, world.acme), exhibitor, name="Red", category="Wine",
                                status="published")
    inquiry = do_send_inquiry(world.alice.user, product, message="Price?")
    return {"exhibitor_id": exhibitor.pk, "product_id": product.pk, "inquiry_id": inquiry.pk}


def public_child(world: Any) -> str:
    """A public sub-space of acme: a linked target for syndication."""
    from plaza.spaces.actions import do_create_space

    do_create_space(world.alice.user, name="Acme Fans", slug="acme-fans", visibility="public", join_policy="open",
                    parent=space_access_for(world.alice.user, world.acme))
    return "acme-fans"
