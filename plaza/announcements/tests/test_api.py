"""Announcements through the API: audiences resolved at publish, read receipts, reminders
once an hour, edits with history, recall, notifications, outsiders and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.announcements.models import Announcement, AnnouncementRecipient, AnnouncementRevision
from plaza.core.tasks import run_pending_tasks
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team
from plaza.spaces.models import Membership


def publish(api, who: str = "alice", slug: str = "acme", **body):
    body.setdefault("title", "Office closed")
    body.setdefault("body", "On **Friday**.")
    response = api(who).post(f"spaces/{slug}/announcements", body)
    assert response.status_code == 201, response.content
    return response.json_body


@pytest.fixture
def carol(world):
    from plaza.core.testing import make_persona

    person = make_persona("carol")
    Membership.objects.create(space=world.acme, user=person.user, role="member")
    world.carol = person  # type: ignore[attr-defined]
    return person


@pytest.fixture
def sales(world):
    acc = space_access_for(world.alice.user, world.acme)
    team = do_create_team(acc, name="Sales", visibility="public")
    do_add_team_member(acc, team, world.gina.user.pk)
    return team


def test_whole_space_reaches_full_members_and_admins_see_all(world, api, carol):
    made = publish(api, category="HR", require_ack=True)
    assert made["category"] == "HR" and made["html"].count("<strong>") == 1
    assert made["recipient_count"] == 2 and made["read_count"] == 0
    assert set(AnnouncementRecipient.objects.values_list("user__handle", flat=True)) == {"bob", "carol"}
    bob = api("bob").get(f"announcements/{made['id']}").json_body
    assert bob["is_recipient"] and not bob["read_by_me"] and bob["recipient_count"] is None
    assert api("gina").get(f"announcements/{made['id']}").status_code == 404  # a guest: not addressed
    assert api("mallory").get(f"announcements/{made['id']}").status_code == 404
    assert api("mallory").get("spaces/acme/announcements").status_code == 404
    assert api("mallory").post(f"announcements/{made['id']}/read").status_code == 404
    assert api("anonymous").get(f"announcements/{made['id']}").status_code == 401
    assert api("anonymous").get("spaces/acme/announcements").status_code == 401
    assert api("gina").get("spaces/acme/announcements").json_body["items"] == []
    assert [a["id"] for a in api("bob").get("spaces/acme/announcements").json_body["items"]] == [made["id"]]
    # People who join later were not addressed.
    from plaza.core.testing import make_user

    Membership.objects.create(space=world.acme, user=make_user("dave"), role="member")
    assert AnnouncementRecipient.objects.count() == 2


def test_teams_and_named_people(world, api, carol, sales):
    to_team = publish(api, team_ids=[sales.pk])
    assert api("gina").get(f"announcements/{to_team['id']}").status_code == 200
    assert api("bob").get(f"announcements/{to_team['id']}").status_code == 404
    named = publish(api, user_ids=[world.bob.user.pk])
    assert api("bob").get(f"announcements/{named['id']}").status_code == 200
    assert api("carol").get(f"announcements/{named['id']}").status_code == 404
    assert not AnnouncementRecipient.objects.filter(announcement_id=named["id"], user=carol.user).exists()


def test_only_admins_publish_and_bad_input_is_422(world, api, sales):
    assert api("bob").post("spaces/acme/announcements", {"title": "x"}).status_code == 403
    past = (timezone.now() - timedelta(days=1)).isoformat()
    cases = [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "t", "body": "x" * 20_001}, "body"),
        ({"title": "t", "team_ids": [999999]}, "team_ids"),
        ({"title": "t", "user_ids": [world.mallory.user.pk]}, "user_ids"),
        ({"title": "t", "pinned_until": past}, "pinned_until"),
        ({"title": "t", "category": "c" * 51}, "category"),
        ({"title": "t", "require_ack": "maybe"}, "require_ack"),
        ({"body": "no title"}, "title"),
    ]
    for body, field in cases:
        response = api("alice").post("spaces/acme/announcements", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json_body["code"] == "invalid"
        assert field in str(response.json_body["detail"]), (field, response.json_body)
    made = publish(api)
    assert api("alice").patch(f"announcements/{made['id']}", {"pinned_until": past}).status_code == 422


def test_read_receipts_and_one_reminder_an_hour(world, api, carol):
    made = publish(api, require_ack=True)
    assert api("bob").post(f"announcements/{made['id']}/read").json_body == {"read_by_me": True, "acknowledged_by_me": True}
    receipts = api("alice").get(f"announcements/{made['id']}/receipts").json_body
    assert [r["user"]["handle"] for r in receipts["read"]] == ["bob"] and receipts["read"][0]["read_at"]
    assert [u["handle"] for u in receipts["unread"]] == ["carol"]
    assert receipts["read_count"] == 1 and receipts["unread_count"] == 1
    assert api("bob").get(f"announcements/{made['id']}/receipts").status_code == 403
    assert api("alice").get(f"announcements/{made['id']}").json_body["read_count"] == 1

    first = api("alice").post(f"announcements/{made['id']}/remind")
    assert first.status_code == 202 and first.json_body == {"reminded": 1}
    reminded = Notification.objects.filter(kind="announcement_reminder")
    assert list(reminded.values_list("recipient__handle", flat=True)) == ["carol"]
    again = api("alice").post(f"announcements/{made['id']}/remind")
    assert again.status_code == 429 and again.json_body["code"] == "rate_limited"
    assert 3500 < int(again["Retry-After"]) <= 3601
    Announcement.objects.filter(pk=made["id"]).update(reminded_at=timezone.now() - timedelta(minutes=61))
    assert api("alice").post(f"announcements/{made['id']}/remind").status_code == 202
    assert api("bob").post(f"announcements/{made['id']}/remind").status_code == 403


def test_edit_keeps_history_and_tells_recipients(world, api):
    made = publish(api)
    changed = api("alice").patch(f"announcements/{made['id']}", {"title": "Office open", "pinned_until": None})
    assert changed.status_code == 200 and changed.json_body["title"] == "Office open" and changed.json_body["edited_at"]
    revision = AnnouncementRevision.objects.get(announcement_id=made["id"])
    assert revision.title == "Office closed" and revision.editor == world.alice.user
    assert Notification.objects.filter(recipient=world.bob.user, kind="announcement_updated").count() == 1
    assert api("bob").patch(f"announcements/{made['id']}", {"title": "x"}).status_code == 403


def test_recall_hides_it_from_recipients(world, api):
    made = publish(api)
    recalled = api("alice").post(f"announcements/{made['id']}/recall")
    assert recalled.status_code == 200 and recalled.json_body["status"] == "recalled"
    assert api("bob").get(f"announcements/{made['id']}").status_code == 404
    assert api("bob").get("spaces/acme/announcements").json_body["items"] == []
    assert api("bob").post(f"announcements/{made['id']}/read").status_code == 404
    assert api("alice").get(f"announcements/{made['id']}").status_code == 200
    # The graph has no way on from recalled.
    assert api("alice").post(f"announcements/{made['id']}/recall").status_code == 409
    assert api("alice").patch(f"announcements/{made['id']}", {"title": "x"}).status_code == 409
    assert api("alice").post(f"announcements/{made['id']}/remind").status_code == 409
    # Its notification no longer leads to it for bob.
    item = api("bob").get("notifications").json_body["items"][0]
    assert item["kind"] == "announcement_new" and not (item["target"] or {}).get("url")


def test_acknowledgement_required_mails_at_once_else_digest(world, api):
    publish(api, title="Plain")
    run_pending_tasks()
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=world.bob.user, kind="announcement_new").count() == 1
    publish(api, title="Sign this", require_ack=True)
    run_pending_tasks()
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    # bob's own setting still wins over the announcement's default.
    api("bob").put("notifications/settings", {"modes": {"announcement_new": "off"}})
    publish(api, title="Sign this too", require_ack=True)
    run_pending_tasks()
    assert len(mail.outbox) == 1


MEASURED: dict[int, int] = {}


@pytest.mark.parametrize("n", [3, 25])
def test_list_query_count_is_fixed(world, api, carol, sales, n):
    for i in range(n):
        made = publish(api, title=f"A {i}", category=f"c{i % 3}", team_ids=[sales.pk] if i % 4 == 0 else [])
        if i % 2:
            api("bob").post(f"announcements/{made['id']}/read")
    for who in ("alice", "bob"):
        api(who).get("me")  # the token check is cached after a first request (accounts/tokencache.py)
        with CaptureQueriesContext(connection) as ctx:
            response = api(who).get("spaces/acme/announcements")
        assert response.status_code == 200 and response.json_body["items"]
        MEASURED[(who, n)] = len(ctx.captured_queries)  # type: ignore[index]
    if n == 25:
        for who in ("alice", "bob"):
            assert MEASURED[(who, 25)] == MEASURED[(who, 3)], MEASURED  # type: ignore[index]
