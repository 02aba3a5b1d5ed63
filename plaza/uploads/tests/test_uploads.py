"""POST /api/v1/uploads, attachments on posts, and who may download them."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from plaza.uploads.models import Attachment


def png_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    img.save(out, format="PNG", exif=exif)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (30, 30, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(world, who: str, name: str, data: bytes, content_type: str = "application/octet-stream"):
    client = Client()
    return client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        HTTP_AUTHORIZATION=f"Bearer {getattr(world, who).token}",
    )


def download(world, who: str, url: str):
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who).user)
    return client.get(url.replace("http://testserver", ""))


def test_images_are_reencoded_without_exif(world):
    response = upload(world, "bob", "photo.jpg", jpeg_with_exif(), "image/jpeg")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"id", "name", "size", "content_type", "url"}
    assert body["content_type"] == "image/jpeg" and body["name"] == "photo.jpg"
    stored = Attachment.objects.get(pk=body["id"])
    data = stored.file.read()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert not img.getexif()
    assert b"SecretCam" not in Attachment.objects.get(pk=upload(world, "bob", "p.png", png_with_exif()).json()["id"]).file.read()


def test_types_sizes_and_mismatches(world, settings):
    assert upload(world, "bob", "notes.txt", "你好, plain text".encode()).status_code == 201
    assert upload(world, "bob", "doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n").status_code == 201
    # Unknown or dangerous types are refused; a name that lies about the content is invalid.
    assert upload(world, "bob", "run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64).status_code == 415
    assert upload(world, "bob", "page.html", b"<script>alert(1)</script>").status_code == 415
    assert upload(world, "bob", "binary.txt", b"\xff\xfe\x00\x00bad").status_code == 415
    response = upload(world, "bob", "photo.pdf", png_with_exif())
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert upload(world, "bob", "doc.png", b"%PDF-1.4\n").status_code == 422
    assert upload(world, "bob", "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).status_code == 422
    settings.PLAZA_MAX_FILE_BYTES = 100
    response = upload(world, "bob", "big.txt", b"x" * 101)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    settings.PLAZA_MAX_FILE_BYTES = 10**6
    settings.PLAZA_MAX_IMAGE_BYTES = 100
    assert upload(world, "bob", "p.png", png_with_exif()).status_code == 413
    assert Client().post("/api/v1/uploads", {"file": SimpleUploadedFile("a.txt", b"x")}).status_code == 401


def test_attachments_are_served_only_to_who_may_see_the_post(world, api):
    image = upload(world, "bob", "photo.png", png_with_exif()).json()
    doc = upload(world, "bob", "notes.txt", b"minutes").json()
    # Before attaching: the uploader's alone.
    assert download(world, "bob", image["url"]).status_code == 200
    assert download(world, "alice", image["url"]).status_code == 404
    # Someone else's uploads cannot be attached.
    stolen = api("alice").post("spaces/acme/posts", {"body": "mine now", "attachment_ids": [image["id"]]})
    assert stolen.status_code == 422 and stolen.json_body["detail"][0]["loc"] == ["body", "attachment_ids"]
    post = api("bob").post("spaces/acme/posts", {"body": "", "attachment_ids": [image["id"], doc["id"]]})
    assert post.status_code == 201, post.json_body
    assert [a["name"] for a in post.json_body["attachments"]] == ["photo.png", "notes.txt"]
    again = api("bob").post("spaces/acme/posts", {"body": "twice", "attachment_ids": [image["id"]]})
    assert again.status_code == 422
    for who, status in [("alice", 200), ("bob", 200), ("gina", 404), ("mallory", 404), ("anonymous", 404)]:
        assert download(world, who, image["url"]).status_code == status, who
    response = download(world, "alice", doc["url"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert download(world, "alice", image["url"])["Content-Disposition"].startswith("inline")
    # Pages show the image to those who see the post.
    client = Client()
    client.force_login(world.alice.user)
    assert f'src="/files/{image["id"]}/"' in client.get("/s/acme/feed/").content.decode()
    # Once the post is deleted, nobody may download its files.
    api("bob").delete(f"posts/{post.json_body['id']}")
    assert download(world, "bob", image["url"]).status_code == 404


@pytest.mark.parametrize("count,status", [(9, 201), (10, 422)])
def test_at_most_nine_attachments(world, api, count, status):
    ids = [upload(world, "bob", f"n{i}.txt", b"x").json()["id"] for i in range(count)]
    assert api("bob").post("spaces/acme/posts", {"body": "many", "attachment_ids": ids}).status_code == status


def test_composer_uploads_files(world):
    client = Client()
    client.force_login(world.bob.user)
    response = client.post("/s/acme/feed/", {"body": "with a picture", "files": [SimpleUploadedFile("a.png", png_with_exif())]})
    assert response.status_code == 302
    assert Attachment.objects.get().post.body == "with a picture"


def test_uploads_never_attached_are_purged_after_a_day(world, api):
    from datetime import timedelta

    from django.utils import timezone

    from plaza.core.scheduler import JOBS
    from plaza.uploads.actions import do_purge_orphan_uploads

    assert "uploads.purge_orphan_uploads" in JOBS
    kept = upload(world, "bob", "kept.txt", b"attached").json()
    api("bob").post("spaces/acme/posts", {"body": "with file", "attachment_ids": [kept["id"]]})
    fresh = upload(world, "bob", "fresh.txt", b"new").json()
    old = upload(world, "bob", "old.txt", b"old").json()
    Attachment.objects.filter(pk__in=[kept["id"], old["id"]]).update(created=timezone.now() - timedelta(days=2))
    path = Attachment.objects.get(pk=old["id"]).file.path
    assert do_purge_orphan_uploads() == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {kept["id"], fresh["id"]}
    import os

    assert not os.path.exists(path)
