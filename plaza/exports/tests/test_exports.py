"""Exports through the API and the pages: one space and nothing else, a person's own data,
who may download, and expiry."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api, World, png_bytes, upload_file
from plaza.exports.actions import do_delete_expired_exports

pytestmark = pytest.mark.django_db(transaction=False)

CANARY = "CANARY-GLOBEX-7f3a"
SECRET_PNG = png_bytes((12, 34, 56))


def _ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.content
    return response.json_body


def _fill_acme(world: World, api: Any) -> dict[str, Any]:
    """Content of every kind in acme, by alice, bob and gina."""
    alice, bob, gina = api("alice"), api("bob"), api("gina")
    made: dict[str, Any] = {}
    team = _ok(alice.post("spaces/acme/teams", {"name": "Cellar", "visibility": "private"}))
    upload = upload_file(world.alice, "label.png", SECRET_PNG)
    post = _ok(alice.post("spaces/acme/posts", {"body": "Harvest starts **Monday**", "attachment_ids": [upload]}))
    made["post"] = post["id"]
    _ok(bob.post(f"posts/{post['id']}/comments", {"body": "Count me in"}))
    _ok(bob.post(f"posts/{post['id']}/like"), 200)
    _ok(alice.post("spaces/acme/posts", {"body": "Cellar only", "team_id": team["id"]}))
    _ok(bob.post("spaces/acme/blogs", {"title": "Tasting notes", "body": "Dry and long", "status": "published"}))
    _ok(bob.post("spaces/acme/blogs", {"title": "Bob's draft", "body": "not yet", "status": "draft"}))
    made["announcement"] = _ok(
        alice.post("spaces/acme/announcements", {"title": "Office closed", "body": "Friday", "require_ack": True})
    )["id"]
    _ok(bob.post(f"announcements/{made['announcement']}/read"), 200)
    starts = timezone.now() + timedelta(days=3)
    event = _ok(
        alice.post(
            "spaces/acme/events",
            {
                "title": "Open cellar",
                "description": "Come",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "enrollment": "open",
            },
        )
    )
    _ok(bob.post(f"events/{event['id']}/rsvp", {"status": "going"}), 200)
    for ballot in ("open", "anonymous", "secret"):
        poll = _ok(
            alice.post(
                "spaces/acme/polls",
                {
                    "question": f"{ballot} vote?",
                    "options": [{"text": f"{ballot}-yes"}, {"text": f"{ballot}-no"}],
                    "max_choices": 1,
                    "ballot": ballot,
                    "results": "always",
                },
            )
        )
        made[f"poll_{ballot}"] = poll["id"]
        _ok(bob.post(f"polls/{poll['id']}/votes", {"option_ids": [poll["options"][0]["id"]]}), 200)
    exhibitor = _ok(alice.post("spaces/acme/exhibitors", {"name": "Acme Winery", "manager_ids": [world.bob.user.pk]}))
    _ok(bob.post(f"exhibitors/{exhibitor['id']}/products", {"name": "Riesling 2025", "category": "white", "status": "published"}))
    case_type = _ok(
        alice.post(
            "spaces/acme/case-types",
            {"name": "Complaint", "fields": [{"key": "what", "label": "What", "type": "text"}], "outcomes": ["done"]},
        )
    )
    case = _ok(gina.post("spaces/acme/cases", {"case_type_id": case_type["id"], "values": {"what": "A broken cork"}}))
    _ok(alice.post(f"cases/{case['number']}/notes", {"body": "Internal: check batch 7", "public": False}))
    made["case"] = case["number"]
    return made


def _fill_globex(api: Any) -> None:
    """Canaries in another space, none of which may reach acme's export."""
    mallory = api("mallory")
    _ok(mallory.post("spaces/globex/posts", {"body": CANARY}))
    _ok(mallory.post("spaces/globex/blogs", {"title": CANARY, "body": CANARY, "status": "published"}))
    _ok(
        mallory.post(
            "spaces/globex/polls",
            {
                "question": CANARY,
                "options": [{"text": CANARY}, {"text": "x"}],
                "max_choices": 1,
                "ballot": "open",
                "results": "always",
            },
        )
    )
    _ok(mallory.post("spaces/globex/announcements", {"title": CANARY, "body": CANARY, "require_ack": False}))


def _export(client: Api, path: str) -> int:
    body = _ok(client.post(path), 202)
    return int(body["id"])


def _download(client: Api, export_id: int) -> tuple[Any, zipfile.ZipFile]:
    status = _ok(client.get(f"exports/{export_id}"), 200)
    assert status["status"] == "done", status
    assert status["url"].endswith(f"/api/v1/exports/{export_id}/download")
    response = client.client.get(status["url"].replace("http://testserver", ""), **client.extra)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(content))


def _download_status(client: Api, export_id: int) -> int:
    return client.client.get(f"/api/v1/exports/{export_id}/download", **client.extra).status_code


def _docs(zf: zipfile.ZipFile) -> dict[str, Any]:
    return {name: json.loads(zf.read(name)) for name in zf.namelist() if name.endswith(".json")}


def test_space_export_holds_one_space_and_nothing_else(world: World, api: Any) -> None:
    made = _fill_acme(world, api)
    _fill_globex(api)
    alice = api("alice")
    export_id = _export(alice, "spaces/acme/export")
    queued = _ok(alice.get(f"exports/{export_id}"), 200)
    assert queued["status"] == "queued" and queued["url"] is None and queued["space"] == "acme"

    run_pending_tasks()

    response, zf = _download(alice, export_id)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    docs = _docs(zf)
    assert set(docs) >= {
        "space.json",
        "members.json",
        "teams.json",
        "posts.json",
        "blogs.json",
        "announcements.json",
        "events.json",
        "polls.json",
        "products.json",
        "cases.json",
        "manifest.json",
    }
    everything = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    assert CANARY not in everything
    assert "globex" not in everything.lower()
    assert "mallory" not in everything.lower()

    # ActivityStreams documents, with comments, likes and attachments on the posts.
    posts = docs["posts.json"]
    assert posts["type"] == "OrderedCollection" and "https://www.w3.org/ns/activitystreams" in posts["@context"]
    harvest = next(p for p in posts["orderedItems"] if "Harvest" in p["source"]["content"])
    assert harvest["type"] == "Note" and harvest["attributedTo"]["preferredUsername"] == "alice"
    assert "<strong>Monday</strong>" in harvest["content"] and harvest["published"]
    assert [c["source"]["content"] for c in harvest["replies"]["items"]] == ["Count me in"]
    assert [like["actor"]["preferredUsername"] for like in harvest["likes"]["items"]] == ["bob"]
    assert any("Cellar only" in p["source"]["content"] for p in posts["orderedItems"])  # private team: admins see it
    (attachment,) = harvest["attachment"]
    assert attachment["url"].startswith("files/") and zf.read(attachment["url"])[:8] == b"\x89PNG\r\n\x1a\n"

    blogs = {b["name"]: b for b in docs["blogs.json"]["orderedItems"]}
    assert blogs["Tasting notes"]["type"] == "Article"
    assert "Bob's draft" not in blogs  # another person's draft: alice cannot see it

    (annc,) = docs["announcements.json"]["orderedItems"]
    receipts = {r["actor"]["preferredUsername"]: r for r in annc["plaza:receipts"]}
    assert receipts["bob"]["plaza:readAt"]

    (event,) = docs["events.json"]["orderedItems"]
    assert event["type"] == "Event" and event["startTime"]
    assert {a["actor"]["preferredUsername"]: a["plaza:status"] for a in event["plaza:attendees"]}["bob"] == "going"

    polls = {p["plaza:ballot"]: p for p in docs["polls.json"]["orderedItems"]}
    assert all(p["type"] == "Question" for p in polls.values())
    assert polls["open"]["oneOf"][0]["replies"]["items"][0]["preferredUsername"] == "bob"
    for ballot in ("anonymous", "secret"):
        options = polls[ballot]["oneOf"]
        assert [o["replies"]["totalItems"] for o in options] == [1, 0]  # the tally
        assert all("items" not in o["replies"] for o in options)  # never who chose what
        assert "bob" not in json.dumps(polls[ballot])
        assert polls[ballot]["votersCount"] == 1

    (exhibitor,) = docs["products.json"]["orderedItems"]
    assert exhibitor["plaza:products"][0]["name"] == "Riesling 2025"
    (case,) = docs["cases.json"]["orderedItems"]
    assert case["name"] == made["case"]
    assert any(ev["content"] == "Internal: check batch 7" for ev in case["plaza:timeline"])

    members = {m["preferredUsername"]: m["plaza:role"] for m in docs["members.json"]["orderedItems"]}
    assert members == {"alice": "owner", "bob": "member", "gina": "guest"}
    assert "alice@example.com" not in everything  # the directory shows no email addresses
    assert docs["teams.json"]["orderedItems"][0]["type"] == "Group"


def test_space_export_is_for_admins_only(world: World, api: Any) -> None:
    export_id = _export(api("alice"), "spaces/acme/export")
    run_pending_tasks()
    url = f"/api/v1/exports/{export_id}/download"
    for name, status in (("bob", 404), ("gina", 404), ("mallory", 404)):
        assert api(name).get(f"exports/{export_id}").status_code == status
        assert _download_status(api(name), export_id) == status
    assert Client().get(url).status_code == 401
    # Another admin of the space may have it; the session works as well as the token.
    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "admin"})
    session = Client()
    session.force_login(world.bob.user)
    assert session.get(url).status_code == 200
    # An admin who is demoted loses it at once.
    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "member"})
    assert session.get(url).status_code == 404


def test_personal_export_holds_what_the_person_wrote_and_received(world: World, api: Any) -> None:
    _fill_acme(world, api)
    _fill_globex(api)
    alice, bob = api("alice"), api("bob")
    _ok(alice.post("mail", {"to": [world.bob.user.pk], "subject": "Corks", "body": "Order more corks"}))
    _ok(bob.post("mail", {"to": [world.alice.user.pk], "subject": "Re: corks", "body": "Done"}))
    group = _ok(alice.post("spaces/acme/groups", {"name": "Cellar crew", "member_ids": [world.bob.user.pk]}))
    _ok(bob.post(f"groups/{group['id']}/messages", {"body": "Bob was here"}))
    _ok(alice.post(f"groups/{group['id']}/messages", {"body": "Alice's own line"}))

    export_id = _export(bob, "me/export")
    run_pending_tasks()
    _response, zf = _download(bob, export_id)
    docs = _docs(zf)
    assert docs["profile.json"]["preferredUsername"] == "bob" and docs["profile.json"]["plaza:email"] == "bob@example.com"
    assert {m["name"] for m in docs["memberships.json"]["orderedItems"]} == {"Acme"}
    assert [c["source"]["content"] for c in docs["comments.json"]["orderedItems"]] == ["Count me in"]
    assert len(docs["likes.json"]["orderedItems"]) == 1
    assert {b["name"] for b in docs["blogs.json"]["orderedItems"]} == {"Tasting notes", "Bob's draft"}
    mail = {m["name"]: m for m in docs["mail.json"]["orderedItems"]}
    assert set(mail) == {"Corks", "Re: corks"}  # received and sent
    assert mail["Corks"]["attributedTo"]["preferredUsername"] == "alice"
    assert [c["source"]["content"] for c in docs["chat.json"]["orderedItems"]] == ["Bob was here"]
    assert docs["notifications.json"]["totalItems"] >= 1
    assert docs["events.json"]["orderedItems"][0]["plaza:myStatus"] == "going"
    votes = {v["plaza:ballot"]: v for v in docs["polls.json"]["orderedItems"]}
    assert votes["open"]["plaza:myChoices"] == ["open-yes"] and votes["secret"]["plaza:myChoices"] == []
    everything = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    assert CANARY not in everything and "Alice's own line" not in everything
    # Only bob has it: not even an admin of his space.
    for name in ("alice", "gina", "mallory"):
        assert api(name).get(f"exports/{export_id}").status_code == 404
        assert _download_status(api(name), export_id) == 404


def test_export_expires_and_is_deleted(world: World, api: Any, settings: Any) -> None:
    alice = api("alice")
    export_id = _export(alice, "me/export")
    run_pending_tasks()
    status = _ok(alice.get(f"exports/{export_id}"), 200)
    expires = timezone.datetime.fromisoformat(status["expires_at"])
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)
    files = list((settings.MEDIA_ROOT / "exports").iterdir())
    assert len(files) == 1
    assert do_delete_expired_exports(now=expires - timedelta(seconds=1)) == 0
    assert _download_status(alice, export_id) == 200
    assert do_delete_expired_exports(now=expires + timedelta(seconds=1)) == 1
    assert alice.get(f"exports/{export_id}").status_code == 404
    assert _download_status(alice, export_id) == 404
    assert not any((settings.MEDIA_ROOT / "exports").iterdir())


def test_expiry_is_a_scheduled_job() -> None:
    from plaza.core.scheduler import JOBS

    assert JOBS["exports.delete_expired"].every <= 3600


def test_an_admin_who_lost_the_role_before_the_task_gets_a_failed_export(world: World, api: Any) -> None:
    export_id = _export(api("alice"), "spaces/acme/export")
    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "owner"})
    # bob (now an owner) demotes alice before the worker picks the export up.
    api("bob").patch(f"spaces/acme/members/{world.alice.user.pk}", {"role": "member"})
    run_pending_tasks()
    assert api("alice").get(f"exports/{export_id}").status_code == 404
    assert api("bob").get(f"exports/{export_id}").json_body["status"] == "failed"


def test_pages_show_progress_and_poll_while_running(world: World) -> None:
    client = Client()
    client.force_login(world.alice.user)
    page = client.get("/s/acme/export/")
    assert page.status_code == 200 and b"Start an export" in page.content
    response = client.post("/s/acme/export/")
    assert response.status_code == 302
    page = client.get("/s/acme/export/")
    assert b'hx-trigger="every 2s"' in page.content and b'data-status="queued"' in page.content
    run_pending_tasks()
    partial = client.get("/s/acme/export/", HTTP_HX_REQUEST="true")
    assert b'data-status="done"' in partial.content and b"hx-trigger" not in partial.content
    assert b"<html" not in partial.content and b"/download" in partial.content
    # The account page, in Chinese.
    zh = Client()
    zh.force_login(world.bob.user)
    world.bob.user.language = "zh-hans"
    world.bob.user.save()
    assert zh.post("/profile/export/").status_code == 302
    page = zh.get("/profile/export/")
    assert "你的数据".encode() in page.content and b'data-status="queued"' in page.content
    # Outsiders and members see no space export page.
    for persona, status in ((world.bob, 403), (world.mallory, 404)):
        other = Client()
        other.force_login(persona.user)
        assert other.get("/s/acme/export/").status_code == status


def test_a_deleted_space_leaves_its_export_to_nobody_until_expiry(world: World, api: Any, settings: Any) -> None:
    alice = api("alice")
    export_id = _export(alice, "spaces/acme/export")
    run_pending_tasks()
    assert alice.delete("spaces/acme").status_code == 204
    assert alice.get(f"exports/{export_id}").status_code == 404
    assert _download_status(alice, export_id) == 404
    assert do_delete_expired_exports(now=timezone.now() + timedelta(days=8)) == 1
    assert not any((settings.MEDIA_ROOT / "exports").iterdir())
