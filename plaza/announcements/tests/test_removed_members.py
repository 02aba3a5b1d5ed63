"""A removed member hears nothing more about announcements (issue 18, item 1): edits and
reminders do not notify or mail them, the receipts do not list them, and their old
announcement notifications read "no longer available"."""

from __future__ import annotations

from django.core import mail

from plaza.announcements.tests.test_api import carol, publish  # noqa: F401  (fixture)
from plaza.core.tasks import run_pending_tasks
from plaza.notifications.models import Notification


def _remove(api, world, person) -> None:
    response = api("alice").delete(f"spaces/acme/members/{person.user.pk}")
    assert response.status_code == 204, response.content


def test_removed_member_is_not_told_of_edits_or_reminders(world, api, carol):  # noqa: F811
    made = publish(api, require_ack=True)
    run_pending_tasks()
    mail.outbox.clear()
    _remove(api, world, world.bob)

    assert api("alice").patch(f"announcements/{made['id']}", {"title": "Secret new title"}).status_code == 200
    assert api("alice").post(f"announcements/{made['id']}/remind").json_body == {"reminded": 1}
    run_pending_tasks()

    bob_kinds = set(Notification.objects.filter(recipient=world.bob.user).values_list("kind", flat=True))
    assert "announcement_updated" not in bob_kinds and "announcement_reminder" not in bob_kinds
    carol_kinds = set(Notification.objects.filter(recipient=carol.user).values_list("kind", flat=True))
    assert {"announcement_updated", "announcement_reminder"} <= carol_kinds
    to_bob = [m for m in mail.outbox if "bob@example.com" in m.to]  # "you were removed" only
    assert all("Secret new title" not in m.subject + m.body and "Office" not in m.subject + m.body for m in to_bob)

    receipts = api("alice").get(f"announcements/{made['id']}/receipts").json_body
    listed = [r["user"]["handle"] for r in receipts["read"]] + [u["handle"] for u in receipts["unread"]]
    assert listed == ["carol"]


def test_removed_members_old_notification_is_no_longer_readable(world, api):
    made = publish(api, title="Layoffs in March")
    _remove(api, world, world.bob)
    items = api("bob").get("notifications").json_body["items"]
    about = [i for i in items if i["kind"] == "announcement_new"]
    assert len(about) == 1 and about[0]["target"] is None  # no link, no id
    assert "Layoffs" not in str(items)
    assert Notification.objects.filter(recipient=world.bob.user, target_id=made["id"]).exists()
    page = api("bob").client.get("/notifications/", **api("bob").extra)
    assert b"Layoffs" not in page.content
