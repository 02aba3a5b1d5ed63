"""The showcase through the API: exhibitors, products, syndication, inquiries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.core.testing import Api
from plaza.notifications.models import Notification
from plaza.showcase.models import Inquiry
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership


@pytest.fixture
def linked(world):
    """acme-assoc (parent) with two children: acme-members (listed) and acme-public (public)."""
    parent = do_create_space(world.alice.user, name="Assoc", slug="assoc", visibility="private", join_policy="invite")
    pacc = space_access_for(world.alice.user, parent)
    members = do_create_space(world.alice.user, name="Members", slug="members", visibility="listed", join_policy="invite", parent=pacc)
    public = do_create_space(world.alice.user, name="Public", slug="public", visibility="public", join_policy="open",
                             parent=space_access_for(world.alice.user, parent))
    Membership.objects.create(space=members, user=world.bob.user, role="member")
    return {"members": members, "public": public}


def exhibitor(api, slug="acme", managers=()):
    r = api.post(f"spaces/{slug}/exhibitors", {"name": "Great Wall Winery", "description": "Ningxia", "contact": "chen@example.com",
                                               "manager_ids": list(managers)})
    assert r.status_code == 201, r.json_body
    return r.json_body


def product(api, exhibitor_id, **extra):
    body = {"name": "Helan Cabernet 2019", "category": "Red", "description": "Dark fruit", "specs": {"ABV": "13.5%"},
            "price": "188.00", "currency": "CNY", "status": "published", **extra}
    r = api.post(f"exhibitors/{exhibitor_id}/products", body)
    assert r.status_code == 201, r.json_body
    return r.json_body


def test_exhibitors_and_products(api, world):
    assert api("bob").post("spaces/acme/exhibitors", {"name": "X"}).status_code == 403
    r = api("alice").post("spaces/acme/exhibitors", {"name": "X", "manager_ids": [world.mallory.user.pk]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "manager_ids"]
    ex = exhibitor(api("alice"), managers=[world.bob.user.pk])
    assert [m["handle"] for m in ex["managers"]] == ["bob"]
    bob = api("bob")
    p = product(bob, ex["id"])
    assert p["price"] == "188.00" and p["specs"] == {"ABV": "13.5%"} and p["exhibitor"]["name"] == "Great Wall Winery"
    for bad, field in (({"price": "-1"}, "price"), ({"currency": "euro", "price": "3"}, "currency"),
                       ({"status": "sold"}, "status"), ({"name": ""}, "name")):
        r = bob.post(f"exhibitors/{ex['id']}/products", {"name": "n", "category": "c", **bad})
        assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", field], bad
    draft = product(bob, ex["id"], name="Secret blend", category="White", status="draft")
    assert api("gina").post(f"exhibitors/{ex['id']}/products", {"name": "n", "category": "c"}).status_code == 404
    carol_like = api("alice")  # admins manage every exhibitor
    assert carol_like.patch(f"products/{p['id']}", {"price": "199.00"}).json_body["price"] == "199.00"
    # A member who is not a manager sees published products but cannot change them.
    Membership.objects.create(space=world.acme, user=world.mallory.user, role="member")
    mallory = api("mallory")
    assert mallory.get(f"products/{p['id']}").status_code == 200
    assert mallory.get(f"products/{draft['id']}").status_code == 404
    assert mallory.patch(f"products/{p['id']}", {"name": "Mine"}).status_code == 403
    assert mallory.delete(f"products/{p['id']}").status_code == 403
    names = [x["name"] for x in mallory.get("spaces/acme/products").json_body["items"]]
    assert names == ["Helan Cabernet 2019"]
    assert bob.delete(f"products/{draft['id']}").status_code == 204


def test_catalogue_filters_by_category_and_search(api, world):
    ex = exhibitor(api("alice"), managers=[world.bob.user.pk])
    product(api("bob"), ex["id"], name="Helan Cabernet", category="Red")
    product(api("bob"), ex["id"], name="Chardonnay", category="White", description="Crisp apple")
    items = api("bob").get("spaces/acme/products?category=White").json_body["items"]
    assert [p["name"] for p in items] == ["Chardonnay"]
    assert [p["name"] for p in api("bob").get("spaces/acme/products?q=apple").json_body["items"]] == ["Chardonnay"]
    assert [p["name"] for p in api("bob").get("spaces/acme/products?q=great%20wall").json_body["items"]] == ["Chardonnay", "Helan Cabernet"]


def test_outsiders_see_nothing(api, world):
    ex = exhibitor(api("alice"), managers=[world.bob.user.pk])
    p = product(api("bob"), ex["id"])
    mallory = api("mallory")
    assert mallory.get("spaces/acme/products").status_code == 404
    assert mallory.get("spaces/acme/exhibitors").status_code == 404
    assert mallory.get(f"products/{p['id']}").status_code == 404
    assert mallory.post(f"products/{p['id']}/inquiries", {"message": "hi"}).status_code == 404
    assert mallory.get(f"exhibitors/{ex['id']}/inquiries").status_code == 404
    assert Api(None).get(f"products/{p['id']}").status_code == 404
    assert api("gina").get("spaces/acme/products").status_code == 403  # guests do not browse the catalogue


def test_syndication_to_a_linked_public_space(api, world, linked):
    ex = exhibitor(api("alice"), slug="members", managers=[world.bob.user.pk])
    p = product(api("bob"), ex["id"])
    draft = product(api("bob"), ex["id"], name="Not yet", status="draft")
    bob = api("bob")
    assert bob.post(f"products/{p['id']}/syndicate", {"space": "acme"}).status_code == 422  # not linked, not public
    assert bob.post(f"products/{p['id']}/syndicate", {"space": "assoc"}).status_code == 422  # parent, but private
    assert bob.post(f"products/{p['id']}/syndicate", {"space": "globex"}).status_code == 422  # unknown to bob
    r = bob.post(f"products/{p['id']}/syndicate", {"space": "public"})
    assert r.status_code == 201
    assert bob.post(f"products/{p['id']}/syndicate", {"space": "public"}).status_code == 409
    assert bob.post(f"products/{draft['id']}/syndicate", {"space": "public"}).status_code == 201
    anon = Api(None)
    items = anon.get("spaces/public/products").json_body["items"]
    assert [(x["name"], x["syndicated"]) for x in items] == [("Helan Cabernet 2019", True)]  # drafts stay hidden
    assert anon.get(f"products/{p['id']}").status_code == 200
    assert anon.get(f"products/{draft['id']}").status_code == 404
    assert anon.get("spaces/members/products").status_code == 404  # the source catalogue is members only
    assert api("mallory").get(f"products/{p['id']}").status_code == 200  # via the public space


def test_inquiries_signed_out_need_contact_and_reach_managers(api, world, linked):
    ex = exhibitor(api("alice"), slug="members", managers=[world.bob.user.pk])
    p = product(api("bob"), ex["id"])
    api("bob").post(f"products/{p['id']}/syndicate", {"space": "public"})
    anon = Api(None)
    r = anon.post(f"products/{p['id']}/inquiries", {"message": "Price for 12?"})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "contact"]
    r = anon.post(f"products/{p['id']}/inquiries", {"message": "Price for 12?", "contact": "me@example.com"})
    assert r.status_code == 201 and r.json_body["status"] == "new"
    assert Notification.objects.filter(kind="inquiry_received", recipient=world.bob.user).count() == 1
    r = api("mallory").post(f"products/{p['id']}/inquiries", {"message": "Do you ship to Shanghai?"})
    assert r.status_code == 201
    inbox = api("bob").get(f"exhibitors/{ex['id']}/inquiries")
    assert inbox.status_code == 200 and len(inbox.json_body["items"]) == 2
    assert api("mallory").get(f"exhibitors/{ex['id']}/inquiries").status_code == 404  # cannot see the members space
    inquiry_id = r.json_body["id"]
    assert api("mallory").patch(f"inquiries/{inquiry_id}", {"status": "closed"}).status_code == 404
    r = api("bob").patch(f"inquiries/{inquiry_id}", {"status": "replied"})
    assert r.status_code == 422  # a reply needs text
    r = api("bob").patch(f"inquiries/{inquiry_id}", {"status": "replied", "reply": "Yes, SF Express."})
    assert r.status_code == 200 and r.json_body["status"] == "replied"
    assert Notification.objects.filter(kind="inquiry_replied", recipient=world.mallory.user).exists()
    assert api("bob").patch(f"inquiries/{inquiry_id}", {"status": "closed"}).json_body["status"] == "closed"
    assert api("bob").patch(f"inquiries/{inquiry_id}", {"status": "replied", "reply": "again"}).status_code == 409
    assert api("bob").patch(f"inquiries/{inquiry_id}", {"status": "new"}).status_code == 409
    assert Inquiry.objects.count() == 2


def test_signed_out_inquiries_are_rate_limited(api, world, linked):
    ex = exhibitor(api("alice"), slug="public", managers=[world.alice.user.pk])
    p = product(api("alice"), ex["id"])
    anon = Api(None)
    statuses = [anon.post(f"products/{p['id']}/inquiries", {"message": "hi", "contact": "x@example.com"}).status_code
                for _ in range(6)]
    assert statuses == [201] * 5 + [429]


@pytest.mark.parametrize("count", [3, 25])
def test_product_list_query_count_is_fixed(api, world, count):
    ex = exhibitor(api("alice"), managers=[world.bob.user.pk])
    for i in range(count):
        product(api("bob"), ex["id"], name=f"Wine {i}")
    with CaptureQueriesContext(connection) as ctx:
        r = api("bob").get("spaces/acme/products?limit=100")
    assert r.status_code == 200 and len(r.json_body["items"]) == count
    # Upper bounds (the access helpers may get cheaper), the same for 3 products as for 25.
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        r = api("bob").get("spaces/acme/exhibitors?limit=100")
    assert len(ctx.captured_queries) <= 5
