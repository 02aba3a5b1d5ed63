"""Editing and removing exhibitors (PATCH/DELETE /exhibitors/{id} and the edit page), and
the uploads they and their products release when they change or go."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from plaza.core.models import AuditEntry
from plaza.core.testing import Api, fetch, upload_file
from plaza.showcase.models import Exhibitor, Inquiry, Product, Syndication
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership
from plaza.uploads.actions import do_purge_orphan_uploads
from plaza.uploads.models import Attachment


def make_exhibitor(api, slug="acme", **extra):
    r = api.post(f"spaces/{slug}/exhibitors", {"name": "Great Wall Winery", "description": "Ningxia",
                                               "contact": "chen@example.com", **extra})
    assert r.status_code == 201, r.json_body
    return r.json_body


def make_product(api, exhibitor_id, **extra):
    r = api.post(f"exhibitors/{exhibitor_id}/products", {"name": "Helan Cabernet", "category": "Red", "status": "published",
                                                         **extra})
    assert r.status_code == 201, r.json_body
    return r.json_body


def signed_in(persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_managers_and_admins_edit_the_exhibitor(api, world):
    ex = make_exhibitor(api("alice"), manager_ids=[world.bob.user.pk])
    r = api("bob").patch(f"exhibitors/{ex['id']}", {"name": "长城酒庄 Great Wall", "contact": "+86 951 000"})
    assert r.status_code == 200, r.json_body
    assert r.json_body["name"] == "长城酒庄 Great Wall" and r.json_body["contact"] == "+86 951 000"
    assert r.json_body["description"] == "Ningxia"  # not sent, not changed
    r = api("alice").patch(f"exhibitors/{ex['id']}", {"manager_ids": [world.alice.user.pk, world.bob.user.pk],
                                                      "description": ""})
    assert r.status_code == 200
    assert sorted(m["handle"] for m in r.json_body["managers"]) == ["alice", "bob"] and r.json_body["description"] == ""
    entry = AuditEntry.objects.filter(action="exhibitor.update", target_id=ex["id"]).order_by("pk").first()
    assert entry.actor == world.bob.user
    assert entry.before["name"] == "Great Wall Winery" and entry.after["name"] == "长城酒庄 Great Wall"
    assert entry.after["manager_ids"] == [world.bob.user.pk]
    # Nothing changed, nothing logged.
    count = AuditEntry.objects.filter(action="exhibitor.update").count()
    assert api("bob").patch(f"exhibitors/{ex['id']}", {"name": "长城酒庄 Great Wall"}).status_code == 200
    assert AuditEntry.objects.filter(action="exhibitor.update").count() == count


def test_edit_validates_each_field_and_writes_nothing_on_failure(api, world):
    ex = make_exhibitor(api("alice"), manager_ids=[world.bob.user.pk])
    alices = upload_file(world.alice)
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"contact": "x" * 301}, "contact"),
        ({"manager_ids": [world.mallory.user.pk]}, "manager_ids"),
        ({"manager_ids": None}, "manager_ids"),
        ({"logo_id": 0}, "logo_id"),
        ({"logo_id": 987654}, "logo_id"),
        ({"logo_id": alices}, "logo_id"),  # someone else's upload
        ({"logo_id": upload_file(world.bob, "notes.txt", b"hello")}, "logo_id"),  # not an image
        # A valid name with a bad manager list: neither is written.
        ({"name": "Renamed", "manager_ids": [world.mallory.user.pk]}, "manager_ids"),
        # A valid logo with a bad name: the logo is not claimed.
        ({"logo_id": upload_file(world.bob), "name": ""}, "name"),
    ):
        r = api("bob").patch(f"exhibitors/{ex['id']}", body)
        assert r.status_code == 422, body
        assert r.json_body["code"] == "invalid" and r.json_body["detail"][0]["loc"] == ["body", field], body
    row = Exhibitor.objects.get(pk=ex["id"])
    assert row.name == "Great Wall Winery" and row.logo_id is None
    assert list(row.managers.values_list("pk", flat=True)) == [world.bob.user.pk]
    assert not Attachment.objects.exclude(claimed_kind="").exists()
    assert not AuditEntry.objects.filter(action="exhibitor.update").exists()


def test_outsiders_cannot_edit_or_remove(api, world):
    ex = make_exhibitor(api("alice"))  # no managers: bob is a plain member
    def call(who: str, method: str) -> int:
        client = api(who)
        path = f"exhibitors/{ex['id']}"
        return (client.patch(path, {"name": "Mine"}) if method == "patch" else client.delete(path)).status_code

    for method in ("patch", "delete"):
        assert call("bob", method) == 403  # sees the exhibitor, does not manage it
        assert call("gina", method) == 404  # guests do not see catalogues
        assert call("mallory", method) == 404
        assert call("anonymous", method) == 401
    assert Exhibitor.objects.get(pk=ex["id"]).name == "Great Wall Winery"
    assert signed_in(world.bob).get(f"/exhibitors/{ex['id']}/edit/").status_code == 403
    assert signed_in(world.mallory).get(f"/exhibitors/{ex['id']}/edit/").status_code == 404
    assert Client().get(f"/exhibitors/{ex['id']}/edit/").status_code == 302  # to the sign-in page


def test_logo_is_replaced_and_removed_and_the_old_one_released(api, world):
    do_create_space(world.alice.user, name="Fair", slug="fair", visibility="public", join_policy="open")
    Membership.objects.create(space_id=api("alice").get("spaces/fair").json_body["id"], user=world.bob.user, role="member")
    first = upload_file(world.alice)
    ex = make_exhibitor(api("alice"), slug="fair", manager_ids=[world.bob.user.pk], logo_id=first)
    assert fetch(None, f"/files/{first}/") == 200 and fetch(world.mallory, f"/files/{first}/") == 200
    # Sending the current logo again keeps it (whoever uploaded it).
    assert api("bob").patch(f"exhibitors/{ex['id']}", {"logo_id": first}).json_body["logo_url"] == f"/files/{first}/"
    second = upload_file(world.bob)
    r = api("bob").patch(f"exhibitors/{ex['id']}", {"logo_id": second})
    assert r.status_code == 200 and r.json_body["logo_url"] == f"/files/{second}/"
    assert fetch(None, f"/files/{second}/") == 200
    # The replaced logo is served to nobody who saw it through the exhibitor.
    for who in (None, world.mallory, world.bob):
        assert fetch(who, f"/files/{first}/") == 404
    assert Attachment.objects.get(pk=first).claimed_kind == ""
    r = api("alice").patch(f"exhibitors/{ex['id']}", {"logo_id": None})
    assert r.status_code == 200 and r.json_body["logo_url"] is None
    assert fetch(None, f"/files/{second}/") == 404 and fetch(world.alice, f"/files/{second}/") == 404
    # Released uploads are orphans: the purge deletes them (and their files) once a day old.
    Attachment.objects.filter(pk__in=[first, second]).update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 2
    assert fetch(world.alice, f"/files/{first}/") == 404 and fetch(world.bob, f"/files/{second}/") == 404


def test_deleting_a_product_releases_its_images(api, world):
    do_create_space(world.alice.user, name="Fair", slug="fair", visibility="public", join_policy="open")
    Membership.objects.create(space_id=api("alice").get("spaces/fair").json_body["id"], user=world.bob.user, role="member")
    ex = make_exhibitor(api("alice"), slug="fair", manager_ids=[world.bob.user.pk])
    images = [upload_file(world.bob), upload_file(world.bob)]
    p = make_product(api("bob"), ex["id"], image_ids=images)
    urls = [f"/files/{i}/" for i in images]
    for url in urls:
        assert all(fetch(who, url) == 200 for who in (None, world.mallory, world.alice))
    assert api("alice").delete(f"products/{p['id']}").status_code == 204
    for url in urls:
        assert all(fetch(who, url) == 404 for who in (None, world.mallory, world.alice))
    assert set(Attachment.objects.filter(pk__in=images).values_list("claimed_kind", flat=True)) == {""}
    Attachment.objects.filter(pk__in=images).update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 2
    assert not Attachment.objects.filter(pk__in=images).exists()
    assert all(fetch(world.bob, url) == 404 for url in urls)


def test_admins_remove_an_exhibitor_with_its_catalogue(api, world):
    do_create_space(world.alice.user, name="Fair", slug="fair", visibility="public", join_policy="open")
    Membership.objects.create(space_id=api("alice").get("spaces/fair").json_body["id"], user=world.bob.user, role="member")
    logo = upload_file(world.alice)
    ex = make_exhibitor(api("alice"), slug="fair", manager_ids=[world.bob.user.pk], logo_id=logo)
    image, draft_image = upload_file(world.bob), upload_file(world.bob)
    p = make_product(api("bob"), ex["id"], image_ids=[image])
    make_product(api("bob"), ex["id"], name="Not yet", status="draft", image_ids=[draft_image])
    assert Api(None).post(f"products/{p['id']}/inquiries", {"message": "Price?", "contact": "me@example.com"}).status_code == 201
    other = make_exhibitor(api("alice"), slug="fair", name="Other")
    kept = make_product(api("alice"), other["id"], image_ids=[upload_file(world.alice)])
    assert fetch(None, f"/files/{logo}/") == 200 and fetch(None, f"/files/{image}/") == 200
    assert fetch(world.bob, f"/files/{draft_image}/") == 200

    assert api("bob").delete(f"exhibitors/{ex['id']}").status_code == 403  # managers delete products, not the exhibitor
    assert api("alice").delete(f"exhibitors/{ex['id']}").status_code == 204
    assert not Exhibitor.objects.filter(pk=ex["id"]).exists()
    assert not Product.objects.filter(exhibitor_id=ex["id"]).exists() and not Inquiry.objects.exists()
    assert api("alice").get(f"products/{p['id']}").status_code == 404
    assert api("alice").delete(f"exhibitors/{ex['id']}").status_code == 404
    for upload in (logo, image):
        assert fetch(None, f"/files/{upload}/") == 404 and fetch(world.mallory, f"/files/{upload}/") == 404
    assert fetch(world.alice, f"/files/{image}/") == 404  # an admin saw it before, not any more
    assert fetch(world.alice, f"/files/{draft_image}/") == 404
    assert Attachment.objects.filter(pk__in=[logo, image, draft_image]).exclude(claimed_kind="").count() == 0
    # The other exhibitor and its images are untouched.
    assert fetch(None, kept["image_urls"][0]) == 200
    entry = AuditEntry.objects.get(action="exhibitor.delete")
    assert entry.actor == world.alice.user and entry.before["name"] == "Great Wall Winery"
    assert len(entry.before["product_ids"]) == 2


def test_removing_takes_its_syndications_along(api, world):
    parent = do_create_space(world.alice.user, name="Assoc", slug="assoc", visibility="private", join_policy="invite")
    from plaza.spaces.access import space_access_for

    pacc = space_access_for(world.alice.user, parent)
    do_create_space(world.alice.user, name="Members", slug="members", visibility="listed", join_policy="invite", parent=pacc)
    do_create_space(world.alice.user, name="Public", slug="public", visibility="public", join_policy="open",
                    parent=space_access_for(world.alice.user, parent))
    ex = make_exhibitor(api("alice"), slug="members")
    image = upload_file(world.alice)
    p = make_product(api("alice"), ex["id"], image_ids=[image])
    assert api("alice").post(f"products/{p['id']}/syndicate", {"space": "public"}).status_code == 201
    assert fetch(None, f"/files/{image}/") == 200  # through the public space
    assert api("alice").delete(f"exhibitors/{ex['id']}").status_code == 204
    assert not Syndication.objects.exists()
    assert Api(None).get("spaces/public/products").json_body["items"] == []
    assert fetch(None, f"/files/{image}/") == 404


def test_edit_page(api, world):
    ex = make_exhibitor(api("alice"), manager_ids=[world.bob.user.pk])
    bob = signed_in(world.bob)
    page = bob.get(f"/exhibitors/{ex['id']}/").content.decode()
    assert f'href="/exhibitors/{ex["id"]}/edit/"' in page
    page = bob.get(f"/exhibitors/{ex['id']}/edit/").content.decode()
    assert 'value="Great Wall Winery"' in page and 'name="manager_ids"' in page
    assert 'value="delete"' not in page  # only admins remove exhibitors
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.core.testing import png_bytes

    r = bob.post(f"/exhibitors/{ex['id']}/edit/", {
        "name": "Great Wall 长城", "description": "Helan Mountain", "contact": "bob@example.com",
        "manager_ids": [str(world.bob.user.pk), str(world.alice.user.pk)],
        "logo": SimpleUploadedFile("logo.png", png_bytes()),
    })
    assert r.status_code == 302 and r["Location"] == f"/exhibitors/{ex['id']}/"
    row = Exhibitor.objects.get(pk=ex["id"])
    assert row.name == "Great Wall 长城" and row.contact == "bob@example.com"
    assert set(row.managers.values_list("handle", flat=True)) == {"alice", "bob"}
    assert row.logo_id and Attachment.objects.get(pk=row.logo_id).claimed_kind == "exhibitor"
    page = bob.get(f"/exhibitors/{ex['id']}/").content.decode()
    assert "Great Wall 长城" in page and f'src="/files/{row.logo_id}/"' in page
    # A bad entry names its field and changes nothing.
    r = bob.post(f"/exhibitors/{ex['id']}/edit/", {"name": "", "manager_ids": [str(world.bob.user.pk)]}, follow=True)
    assert "This field is required." in r.content.decode()
    assert Exhibitor.objects.get(pk=ex["id"]).name == "Great Wall 长城"
    old_logo = row.logo_id
    r = bob.post(f"/exhibitors/{ex['id']}/edit/", {"name": "Great Wall", "manager_ids": [str(world.bob.user.pk)],
                                                   "remove_logo": "1"})
    assert r.status_code == 302 and Exhibitor.objects.get(pk=ex["id"]).logo_id is None
    assert fetch(world.alice, f"/files/{old_logo}/") == 404
    # Removing: admins only, with the box ticked.
    assert bob.post(f"/exhibitors/{ex['id']}/edit/", {"action": "delete", "confirm": "1"}).status_code == 403
    alice = signed_in(world.alice)
    assert 'value="delete"' in alice.get(f"/exhibitors/{ex['id']}/edit/").content.decode()
    alice.post(f"/exhibitors/{ex['id']}/edit/", {"action": "delete"})
    assert Exhibitor.objects.filter(pk=ex["id"]).exists()
    r = alice.post(f"/exhibitors/{ex['id']}/edit/", {"action": "delete", "confirm": "1"})
    assert r.status_code == 302 and r["Location"] == "/s/acme/products/"
    assert not Exhibitor.objects.filter(pk=ex["id"]).exists()
