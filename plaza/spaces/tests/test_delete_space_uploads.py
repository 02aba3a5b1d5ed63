"""Deleting a space takes the files of its polls and products with it."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from plaza.core.testing import fetch, upload_file
from plaza.uploads.actions import do_purge_orphan_uploads
from plaza.uploads.models import Attachment


def test_a_deleted_spaces_poll_and_product_files_are_purged(world, api):
    option_image, product_image, logo = upload_file(world.bob), upload_file(world.bob), upload_file(world.alice)
    r = api("bob").post("spaces/acme/polls", {"question": "Label?", "options": [
        {"text": "Red", "image_id": option_image}, {"text": "Blue"}]})
    assert r.status_code == 201, r.json_body
    r = api("alice").post("spaces/acme/exhibitors", {"name": "Winery", "manager_ids": [world.bob.user.pk], "logo_id": logo})
    assert r.status_code == 201, r.json_body
    r = api("bob").post(f"exhibitors/{r.json_body['id']}/products", {
        "name": "Riesling", "category": "wine", "status": "published", "image_ids": [product_image]})
    assert r.status_code == 201, r.json_body
    ids = [option_image, product_image, logo]
    names = list(Attachment.objects.filter(pk__in=ids).values_list("file", flat=True))
    assert len(names) == 3 and all(default_storage.exists(n) for n in names)
    # Another space's claimed upload must survive the sweep.
    r = api("mallory").post("spaces/globex/polls", {"question": "Keep?", "options": [
        {"text": "Yes", "image_id": upload_file(world.mallory)}, {"text": "No"}]})
    assert r.status_code == 201, r.json_body

    assert api("alice").delete("spaces/acme").status_code == 204
    Attachment.objects.update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 3
    assert not Attachment.objects.filter(pk__in=ids).exists()
    assert not any(default_storage.exists(n) for n in names)
    assert all(fetch(world.bob, f"/files/{i}/") == 404 for i in ids)
    assert Attachment.objects.exclude(claimed_kind="").count() == 1  # globex's option image
