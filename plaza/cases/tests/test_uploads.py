"""Case images and files, and a lookup reply's attachments: uploads claimed for the case (or
its timeline event), downloaded at /files/<id>/ only by the case's reviewers and the space's
admins (the submitter gets signed links through the lookup: test_signed_out_files.py)."""

from __future__ import annotations

from django.test import Client

from plaza.cases.models import CaseEvent
from plaza.cases.tests.test_api import desk, public_desk, submit  # noqa: F401  (fixtures)
from plaza.core.testing import Api, fetch, upload_file


def test_case_files_are_seen_by_reviewers_and_admins_only(world, api, desk):  # noqa: F811
    photo = upload_file(world.bob)
    r = submit(api("bob"), desk["type_id"], product="Château X", photo=photo)
    assert r.status_code == 201, r.json_body
    number, code = r.json_body["number"], r.json_body["access_code"]
    url = f"/files/{photo}/"
    assert fetch(desk["rita"], url) == 200 and fetch(world.alice, url) == 200
    # The submitter follows the case through the lookup (signed links), not /files/<id>/.
    assert fetch(world.bob, url) == 404
    assert fetch(world.mallory, url) == 404 and fetch(None, url) == 404
    client = Client()
    client.force_login(desk["rita"].user)
    assert f'href="{url}"' in client.get(f"/s/acme/cases/{number}/").content.decode()
    # Someone else's upload, a used one, or a file where an image is asked for: 422 naming the field.
    for other in (upload_file(world.alice), photo, upload_file(world.bob, "a.txt", b"x")):
        r = submit(api("bob"), desk["type_id"], product="Château X", photo=other)
        assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "values.photo"]

    # A signed-in submitter's reply through the lookup carries attachments onto its event.
    rita = Api(desk["rita"])
    for to in ("accepted", "in_review"):
        assert rita.post(f"cases/{number}/transition", {"to": to}).status_code == 200
    assert rita.post(f"cases/{number}/transition", {"to": "need_info", "note": "Back label?"}).status_code == 200
    label = upload_file(world.bob, "label.txt", b"back label text")
    body = {"number": number, "code": code, "body": "Here it is."}
    r = Api(None).post("cases/lookup/reply", {**body, "attachment_ids": [label]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "attachment_ids"]
    r = api("mallory").post("cases/lookup/reply", {**body, "attachment_ids": [label]})
    assert r.status_code == 422
    r = api("bob").post("cases/lookup/reply", {**body, "attachment_ids": [label]})
    assert r.status_code == 200, r.json_body
    event = CaseEvent.objects.get(case__number=number, kind="submitter_reply")
    assert event.data == {"attachment_ids": [label]}
    label_url = f"/files/{label}/"
    assert fetch(desk["rita"], label_url) == 200
    assert fetch(world.bob, label_url) == 404 and fetch(world.mallory, label_url) == 404 and fetch(None, label_url) == 404
    assert f'href="{label_url}"' in client.get(f"/s/acme/cases/{number}/").content.decode()
    assert label_url not in Client().get(f"/cases/lookup/?number={number}&code={code}").content.decode()


def test_signed_out_submissions_cannot_attach_someone_elses_upload(world, api, public_desk):  # noqa: F811
    r = Api(world.alice).post("spaces/lovers/case-types", {
        "name": "Photo report", "fields": [{"key": "photo", "label": "Photo", "type": "image", "required": False}],
        "submitters": "anyone", "outcomes": ["done"],
    })
    assert r.status_code == 201
    r = Api(None).post("spaces/lovers/cases", {"case_type_id": r.json_body["id"], "values": {"photo": upload_file(world.bob)}})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "values.photo"]
