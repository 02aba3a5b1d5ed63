"""Signed-out submitters attach photos and files: through the API (``POST /uploads`` with a
public ``case_type_id`` → a claim code the submission presents) and through the pages (the
files ride in the form's multipart POST). The submitter downloads them again through the
lookup's signed links; at ``/files/<id>/`` only reviewers and admins do."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.cases.access import lookup_file_token
from plaza.cases.models import Case, CaseEvent
from plaza.core.testing import PASSWORD, Api, fetch, make_persona, png_bytes, upload_file
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership
from plaza.uploads.actions import do_purge_orphan_uploads
from plaza.uploads.models import Attachment

FIELDS = [
    {"key": "product", "label": "Wine", "type": "text", "required": True},
    {"key": "photo", "label": "Photo", "type": "image", "required": False},
    {"key": "receipt", "label": "Receipt", "type": "file", "required": False},
]


@pytest.fixture
def lovers(world):
    """A public space with a public counterfeit check (photo and receipt), reviewed by
    rita's team; alice owns it; a members-only type and a public type without files."""
    space = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    rita = make_persona("rita")
    Membership.objects.create(space=space, user=rita.user, role="member")
    gina = Membership.objects.create(space=space, user=world.gina.user, role="guest")
    assert gina.pk
    acc = space_access_for(world.alice.user, space)
    team = do_create_team(acc, name="Review", visibility="private")
    do_add_team_member(acc, team, rita.user.pk)
    alice = Api(world.alice)
    check = alice.post("spaces/lovers/case-types", {"name": "Counterfeit check", "fields": FIELDS, "submitters": "anyone",
                                                     "reviewer_team_id": team.pk, "outcomes": ["Genuine", "Counterfeit"]})
    other = alice.post("spaces/lovers/case-types", {"name": "Cork report", "fields": FIELDS, "submitters": "anyone",
                                                     "outcomes": ["ok"]})
    members = alice.post("spaces/lovers/case-types", {"name": "Members only", "fields": FIELDS, "submitters": "members",
                                                       "outcomes": ["ok"]})
    no_files = alice.post("spaces/lovers/case-types", {
        "name": "Complaint", "fields": [{"key": "what", "label": "What", "type": "text", "required": True}],
        "submitters": "anyone", "outcomes": ["ok"]})
    private = Api(world.alice).post("spaces/acme/case-types", {"name": "Acme public?", "fields": FIELDS,
                                                                "submitters": "anyone", "outcomes": ["ok"]})
    for r in (check, other, members, no_files, private):
        assert r.status_code == 201, r.json_body
    return {"space": space, "rita": rita, "type_id": check.json_body["id"], "other_id": other.json_body["id"],
            "members_id": members.json_body["id"], "no_files_id": no_files.json_body["id"],
            "private_id": private.json_body["id"]}


def anon_upload(type_id, name="photo.png", data=None, client=None):
    """POST /api/v1/uploads signed out for ``type_id``; the response (json_body set)."""
    client = client or Client()
    form = {"file": SimpleUploadedFile(name, png_bytes() if data is None else data)}
    if type_id is not None:
        form["case_type_id"] = str(type_id)
    response = client.post("/api/v1/uploads", form)
    response.json_body = response.json() if response.content else None
    return response


def loc(response):
    return response.json_body["detail"][0]["loc"]


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_signed_out_upload_needs_a_public_case_type_that_takes_files(world, lovers):
    assert anon_upload(None).status_code == 401
    for bad in (lovers["members_id"], lovers["no_files_id"], lovers["private_id"], 999999, "abc", ""):
        r = anon_upload(bad)
        assert r.status_code == 422 and loc(r) == ["body", "case_type_id"], (bad, r.json_body)
    assert Attachment.objects.count() == 0
    # Sniffed and limited as every upload: a script named .png is refused.
    r = anon_upload(lovers["type_id"], "x.png", b"<script>alert(1)</script>")
    assert r.status_code in (415, 422)
    r = anon_upload(lovers["type_id"])
    assert r.status_code == 201, r.json_body
    body = r.json_body
    assert set(body) >= {"id", "name", "size", "content_type", "url", "claim_code"}
    assert len(body["claim_code"]) >= 22  # 128 random bits, url-safe
    found = Attachment.objects.get(pk=body["id"])
    assert found.uploader_id is None and found.claim_scope == f"case_type:{lovers['type_id']}"
    assert body["claim_code"] not in found.claim_code_hash  # stored hashed
    # Nobody downloads it before a claim; signed in, uploads behave as before (no code).
    for persona in (None, world.alice, world.bob):
        assert fetch(persona, body["url"]) == 404
    mine = Client()
    mine.force_login(world.bob.user)
    r = mine.post("/api/v1/uploads", {"file": SimpleUploadedFile("p.png", png_bytes())})
    assert r.status_code == 201 and r.json().get("claim_code") is None


def test_signed_out_uploads_are_rate_limited_per_address(world, lovers):
    client = Client()
    for _ in range(20):
        assert anon_upload(lovers["type_id"], client=client).status_code == 201
    r = anon_upload(lovers["type_id"], client=client)
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1


def test_a_signed_out_case_claims_its_uploads_with_their_codes(world, lovers):
    anon = Api(None)
    photo, receipt = anon_upload(lovers["type_id"]).json_body, anon_upload(lovers["type_id"], "r.pdf", b"%PDF-1.4\n%%EOF\n").json_body
    assert receipt.get("id"), receipt
    base = {"case_type_id": lovers["type_id"]}
    values = {"product": "Lafite 1982", "photo": photo["id"], "receipt": [receipt["id"]]}
    codes = {str(photo["id"]): photo["claim_code"], str(receipt["id"]): receipt["claim_code"]}
    # Missing, wrong, or someone else's: 422 naming the field, and no case.
    r = anon.post("spaces/lovers/cases", {**base, "values": values})
    assert r.status_code == 422 and loc(r) == ["body", "values.photo"]
    r = anon.post("spaces/lovers/cases", {**base, "values": values, "upload_codes": {**codes, str(photo["id"]): "x" * 22}})
    assert r.status_code == 422 and loc(r) == ["body", "values.photo"]
    r = anon.post("spaces/lovers/cases", {**base, "values": values, "upload_codes": {**codes, str(receipt["id"]): photo["claim_code"]}})
    assert r.status_code == 422 and loc(r) == ["body", "values.receipt"]
    r = anon.post("spaces/lovers/cases", {**base, "values": values, "upload_codes": ["nope"]})
    assert r.status_code == 422 and loc(r)[-1] == "upload_codes"
    bobs = upload_file(world.bob)
    r = anon.post("spaces/lovers/cases", {**base, "values": {**values, "photo": bobs}, "upload_codes": {**codes, str(bobs): "x"}})
    assert r.status_code == 422 and loc(r) == ["body", "values.photo"]
    # An upload made for another public type is not this form's.
    elsewhere = anon_upload(lovers["other_id"]).json_body
    r = anon.post("spaces/lovers/cases", {**base, "values": {**values, "photo": elsewhere["id"]},
                                          "upload_codes": {**codes, str(elsewhere["id"]): elsewhere["claim_code"]}})
    assert r.status_code == 422 and loc(r) == ["body", "values.photo"]
    # A file where a photo is asked for.
    r = anon.post("spaces/lovers/cases", {**base, "values": {**values, "photo": receipt["id"], "receipt": None},
                                          "upload_codes": codes})
    assert r.status_code == 422 and loc(r) == ["body", "values.photo"]
    assert Case.objects.count() == 0
    assert not Attachment.objects.exclude(claimed_kind="").exists()

    r = anon.post("spaces/lovers/cases", {**base, "values": values, "upload_codes": codes})
    assert r.status_code == 201, r.json_body
    number, code = r.json_body["number"], r.json_body["access_code"]
    case = Case.objects.get(number=number)
    assert case.values["photo"] == [photo["id"]] and case.submitted_by is None
    # Claimed once: the same upload and code cannot go onto a second case.
    r = anon.post("spaces/lovers/cases", {**base, "values": values, "upload_codes": codes})
    assert r.status_code == 422

    # /files/<id>/: the case's reviewers and the space's admins only.
    url = f"/files/{photo['id']}/"
    assert fetch(lovers["rita"], url) == 200 and fetch(world.alice, url) == 200
    for outsider in (None, world.bob, world.gina, world.mallory):
        assert fetch(outsider, url) == 404

    # The submitter sees their values and files through the lookup (number + code).
    looked = anon.get(f"cases/lookup?number={number}&code={code}")
    assert looked.status_code == 200
    rows = {v["key"]: v for v in looked.json_body["values"]}
    assert rows["product"]["value"] == "Lafite 1982" and rows["product"]["files"] is None
    assert [f["id"] for f in rows["photo"]["files"]] == [photo["id"]]
    assert [f["name"] for f in rows["receipt"]["files"]] == ["r.pdf"]
    photo_link = rows["photo"]["files"][0]["url"]
    assert code not in photo_link and "/files/" not in photo_link.replace("/lookup/files/", "")
    download = Client().get(photo_link.replace("http://testserver", ""))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "photo.png" in download["Content-Disposition"]
    pdf = Client().get(rows["receipt"]["files"][0]["url"].replace("http://testserver", ""))
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment")
    # Wrong code: 404; a tampered link, or one case's link pointed at another's file: 404.
    assert anon.get(f"cases/lookup?number={number}&code=WRONG-CODE").status_code == 404
    token = photo_link.rstrip("/").rsplit("/", 1)[-1]
    assert Client().get(f"/cases/lookup/files/{token[:-2]}xx/").status_code == 404
    other_case = Case.objects.create(space=lovers["space"], case_type=case.case_type, number="KS-1999-000001",
                                     access_code_hash="x", values={})
    assert Client().get(f"/cases/lookup/files/{lookup_file_token(other_case, photo['id'])}/").status_code == 404


def test_expired_lookup_links_stop_working(world, lovers, monkeypatch):
    photo = anon_upload(lovers["type_id"]).json_body
    r = Api(None).post("spaces/lovers/cases", {"case_type_id": lovers["type_id"], "values": {
        "product": "X", "photo": photo["id"]}, "upload_codes": {str(photo["id"]): photo["claim_code"]}})
    assert r.status_code == 201, r.json_body
    case = Case.objects.get(number=r.json_body["number"])
    url = f"/cases/lookup/files/{lookup_file_token(case, photo['id'])}/"
    assert Client().get(url).status_code == 200
    import time

    later = time.time() + 7 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert Client().get(url).status_code == 404


def _need_info(rita: Api, number: str) -> None:
    for to in ("accepted", "in_review"):
        assert rita.post(f"cases/{number}/transition", {"to": to}).status_code == 200
    r = rita.post(f"cases/{number}/transition", {"to": "need_info", "note": "A photo of the back label, please."})
    assert r.status_code == 200


def test_a_signed_out_lookup_answer_attaches_files_with_codes(world, lovers, django_assert_max_num_queries):
    anon = Api(None)
    r = anon.post("spaces/lovers/cases", {"case_type_id": lovers["type_id"], "values": {"product": "Lafite"}})
    assert r.status_code == 201
    number, code = r.json_body["number"], r.json_body["access_code"]
    rita = Api(lovers["rita"])
    _need_info(rita, number)
    assert rita.post(f"cases/{number}/notes", {"body": "Internal: smells fishy", "public": False}).status_code == 201

    back = anon_upload(lovers["type_id"], "back.png").json_body
    body = {"number": number, "code": code, "body": "Here is the back label."}
    # Without its code, with a wrong one, or with someone else's upload: 422, nothing written.
    for extra in ({"attachment_ids": [back["id"]]},
                  {"attachment_ids": [back["id"]], "upload_codes": {str(back["id"]): "wrong"}},
                  {"attachment_ids": [upload_file(world.bob)], "upload_codes": {str(back["id"]): back["claim_code"]}}):
        r = anon.post("cases/lookup/reply", {**body, **extra})
        assert r.status_code == 422 and loc(r) == ["body", "attachment_ids"], r.json_body
    assert Case.objects.get(number=number).status == "need_info"
    assert not CaseEvent.objects.filter(case__number=number, kind="submitter_reply").exists()
    # A wrong access code is 404 (and mallory's session does not help).
    assert anon.post("cases/lookup/reply", {**body, "code": "NOPE"}).status_code == 404
    r = anon.post("cases/lookup/reply", {**body, "attachment_ids": [back["id"]],
                                         "upload_codes": {str(back["id"]): back["claim_code"]}})
    assert r.status_code == 200, r.json_body
    entries = r.json_body["timeline"]
    assert "Internal: smells fishy" not in str(r.json_body)
    answer = next(e for e in entries if e["kind"] == "submitter_reply")
    assert [a["name"] for a in answer["attachments"]] == ["back.png"]
    assert Client().get(answer["attachments"][0]["url"].replace("http://testserver", "")).status_code == 200
    url = f"/files/{back['id']}/"
    assert fetch(lovers["rita"], url) == 200
    for outsider in (None, world.bob, world.gina, world.mallory):
        assert fetch(outsider, url) == 404

    # The lookup's query count does not grow with the number of files.
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(f"cases/lookup?number={number}&code={code}").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    _need_info_again(rita, number)
    more = [anon_upload(lovers["type_id"], f"m{i}.png").json_body for i in range(3)]
    r = anon.post("cases/lookup/reply", {**body, "attachment_ids": [m["id"] for m in more],
                                         "upload_codes": {str(m["id"]): m["claim_code"] for m in more}})
    assert r.status_code == 200, r.json_body
    assert count() <= before
    with django_assert_max_num_queries(before):
        anon.get(f"cases/lookup?number={number}&code={code}")


def _need_info_again(rita: Api, number: str) -> None:
    r = rita.post(f"cases/{number}/transition", {"to": "need_info", "note": "And the cork?"})
    assert r.status_code == 200, r.json_body


def test_unclaimed_signed_out_uploads_are_purged(world, lovers):
    kept = anon_upload(lovers["type_id"]).json_body
    left = anon_upload(lovers["type_id"]).json_body
    r = Api(None).post("spaces/lovers/cases", {"case_type_id": lovers["type_id"], "values": {
        "product": "X", "photo": kept["id"]}, "upload_codes": {str(kept["id"]): kept["claim_code"]}})
    assert r.status_code == 201
    Attachment.objects.update(created=timezone.now() - timedelta(days=2))
    assert do_purge_orphan_uploads() == 1
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept["id"]]
    assert left["id"] != kept["id"]


# --- pages ------------------------------------------------------------------------------


def png_file(name="photo.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def _signed_in(persona) -> Client:
    c = Client()
    assert c.login(email=persona.user.email, password=PASSWORD)
    return c


def test_the_public_form_takes_photos_and_the_lookup_shows_them(world, lovers):
    visitor = Client()
    form_url = f"/s/lovers/cases/new/{lovers['type_id']}/"
    page = visitor.get(form_url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and 'name="v_photo"' in page
    r = visitor.post(form_url, {"v_product": "Lafite 1982", "v_photo": [png_file(), png_file("b.png", (0, 0, 200))]}, follow=True)
    assert r.status_code == 200, r.content.decode()[:2000]
    html = r.content.decode()
    number = re.search(r'id="case-number">([^<]+)<', html).group(1)
    code = re.search(r'id="case-code">([^<]+)<', html).group(1)
    case = Case.objects.get(number=number)
    assert len(case.values["photo"]) == 2
    uploads = Attachment.objects.filter(pk__in=case.values["photo"])
    assert all(a.uploader_id is None and a.claimed_kind == "case" and a.claimed_id == case.pk for a in uploads)
    assert all(a.claim_code_hash == "" for a in uploads)

    # The reviewer sees the photos on the case page.
    rita = _signed_in(lovers["rita"])
    detail = rita.get(f"/s/lovers/cases/{number}/").content.decode()
    for pk in case.values["photo"]:
        assert f'src="/files/{pk}/"' in detail

    # The submitter's lookup: values and photos through signed links, not /files/.
    looked = Client().post("/cases/lookup/", {"number": number, "code": code, "action": "view"}).content.decode()
    assert "Lafite 1982" in looked and "/files/" not in looked.replace("/lookup/files/", "")
    links = re.findall(r'<img src="(/cases/lookup/files/[^"]+)"', looked)
    assert len(links) == 2 and all(Client().get(u).status_code == 200 for u in links)

    # need_info with a public note and an internal one; the answer carries a second photo.
    for to in ("accepted", "in_review"):
        rita.post(f"/s/lovers/cases/{number}/", {"action": "transition", "to": to})
    rita.post(f"/s/lovers/cases/{number}/", {"action": "note", "body": "Internal: compare with batch 7"})
    rita.post(f"/s/lovers/cases/{number}/", {"action": "transition", "to": "need_info", "note": "Back label?"})
    # An error in the answer (a non-image named .png) keeps nothing.
    before_files = len(media_files())
    r = Client().post("/cases/lookup/", {"number": number, "code": code, "action": "reply", "body": "Here",
                                         "attachments": [SimpleUploadedFile("fake.png", b"not an image at all")]})
    assert r.status_code in (415, 422) and 'id="lk-files-error"' in r.content.decode()
    assert Case.objects.get(number=number).status == "need_info" and len(media_files()) == before_files
    r = Client().post("/cases/lookup/", {"number": number, "code": code, "action": "reply", "body": "Here it is",
                                         "attachments": [png_file("back.png", (10, 200, 10))]})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Here it is" in html and "Back label?" in html and "Internal: compare" not in html
    answer = CaseEvent.objects.get(case=case, kind="submitter_reply")
    back_id = answer.data["attachment_ids"][0]
    assert Attachment.objects.get(pk=back_id).claimed_kind == "case_event"
    assert len(re.findall(r'<img src="/cases/lookup/files/', html)) == 3
    assert f'href="/files/{back_id}/"' in rita.get(f"/s/lovers/cases/{number}/").content.decode()
    for outsider in (None, world.bob, world.gina, world.mallory):
        assert fetch(outsider, f"/files/{back_id}/") == 404
    # A wrong code shows nothing of the case.
    wrong = Client().post("/cases/lookup/", {"number": number, "code": "WRONG", "action": "view"})
    assert wrong.status_code == 404 and "/cases/lookup/files/" not in wrong.content.decode()


def test_a_form_error_keeps_no_case_and_no_upload(world, lovers, settings):
    visitor = Client()
    form_url = f"/s/lovers/cases/new/{lovers['type_id']}/"
    # A required field missing while a photo is attached: 422, the field named, nothing kept.
    r = visitor.post(form_url, {"v_product": "", "v_photo": [png_file()], "contact_email": "me@example.com"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="e-product"' in html and 'aria-invalid="true"' in html and 'value="me@example.com"' in html
    # A text file where a photo is asked for: 422 on the photo; the other values stay filled in.
    r = visitor.post(form_url, {"v_product": "Lafite", "v_photo": [SimpleUploadedFile("a.txt", b"hello")]})
    assert r.status_code == 422 and 'id="e-photo"' in r.content.decode() and 'value="Lafite"' in r.content.decode()
    # A bad email after valid files: the files are rolled back and removed.
    r = visitor.post(form_url, {"v_product": "Lafite", "v_photo": [png_file()], "contact_email": "not-an-email"})
    assert r.status_code == 422 and 'id="e-contact"' in r.content.decode()
    settings.PLAZA_MAX_FILE_BYTES = 100
    r = visitor.post(form_url, {"v_product": "Lafite", "v_receipt": [SimpleUploadedFile("r.pdf", b"%PDF-1.4\n" + b"x" * 200)]})
    assert r.status_code == 413 and 'id="e-receipt"' in r.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0 and media_files() == []


def test_case_type_page_shows_field_types_by_label(world, lovers):
    html = _signed_in(world.alice).get("/s/lovers/cases/types/").content.decode()
    assert "Wine (Text, required)" in html and "Photo (Image)" in html and "Receipt (File)" in html
    assert "(image" not in html and "(text," not in html


def test_the_submitter_sees_files_of_public_replies_only(world, lovers):
    anon = Api(None)
    r = anon.post("spaces/lovers/cases", {"case_type_id": lovers["type_id"], "values": {"product": "Lafite"}})
    number, code = r.json_body["number"], r.json_body["access_code"]
    rita = Api(lovers["rita"])
    shown, hidden = upload_file(lovers["rita"], "how-to-check.pdf", b"%PDF-1.4\n%%EOF\n"), upload_file(lovers["rita"])
    r = rita.post(f"cases/{number}/notes", {"body": "See the guide.", "public": True, "attachment_ids": [shown]})
    assert r.status_code == 201, r.json_body
    r = rita.post(f"cases/{number}/notes", {"body": "Lab result, internal.", "public": False, "attachment_ids": [hidden]})
    assert r.status_code == 201
    # Someone else's upload on a note: 422 naming the field, no note.
    r = rita.post(f"cases/{number}/notes", {"body": "x", "public": True, "attachment_ids": [upload_file(world.bob)]})
    assert r.status_code == 422 and loc(r) == ["body", "attachment_ids"]
    looked = anon.get(f"cases/lookup?number={number}&code={code}").json_body
    files = [a for e in looked["timeline"] for a in e["attachments"]]
    assert [a["id"] for a in files] == [shown] and "Lab result" not in str(looked)
    assert Client().get(files[0]["url"].replace("http://testserver", "")).status_code == 200
    case = Case.objects.get(number=number)
    assert Client().get(f"/cases/lookup/files/{lookup_file_token(case, hidden)}/").status_code == 404
    assert fetch(world.alice, f"/files/{hidden}/") == 200
    for outsider in (None, world.bob, world.gina, world.mallory):
        assert fetch(outsider, f"/files/{hidden}/") == 404
    # The desk's note form takes files too.
    page = _signed_in(lovers["rita"])
    r = page.post(f"/s/lovers/cases/{number}/", {"action": "note", "body": "Another view", "public": "on",
                                                  "attachments": [png_file("side.png")]})
    assert r.status_code == 302
    event = CaseEvent.objects.get(case=case, body="Another view")
    assert Attachment.objects.get(pk=event.data["attachment_ids"][0]).uploader_id == lovers["rita"].user.pk
    html = Client().post("/cases/lookup/", {"number": number, "code": code, "action": "view"}).content.decode()
    assert 'alt="side.png"' in html and "how-to-check.pdf" in html
