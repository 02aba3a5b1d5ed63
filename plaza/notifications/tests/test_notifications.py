"""Notifications: the one notify function, the centre API, settings, mutes, email, digest."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from plaza.core.tasks import run_pending_tasks
from plaza.notifications import actions, tasks
from plaza.notifications.models import DigestLog, Notification
from plaza.notifications.tasks import unsubscribe_token
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db


def notify_space(world, recipients, kind="role_changed", **data):
    return actions.notify(
        recipients=recipients, kind=kind, actor=world.alice.user, space=world.acme,
        target_type="space", target_id=world.acme.pk, data={"role": "admin", **data},
    )


def test_notification_appears_in_centre_with_text_target_and_count(world, api):
    notify_space(world, [world.bob.user])
    listing = api("bob").get("notifications")
    assert listing.status_code == 200
    [item] = listing.json_body["items"]
    assert item["kind"] == "role_changed"
    assert item["read"] is False and item["available"] is True
    assert item["actor"]["handle"] == "alice"
    assert item["target"] == {"type": "space", "id": world.acme.pk, "url": "/s/acme/"}
    assert "Acme" in item["text"] and "Alice" in item["text"]
    assert api("bob").get("notifications/unread-count").json_body == {"count": 1}
    assert api("alice").get("notifications").json_body["items"] == []  # not notified of her own act


def test_text_is_in_the_recipients_language(world, api):
    world.bob.user.language = "zh-hans"
    world.bob.user.save()
    notify_space(world, [world.bob.user], kind="removed_from_space")
    [item] = api("bob").get("notifications").json_body["items"]
    assert "Acme" in item["text"] and "移出" in item["text"]


def test_mark_one_and_all_read(world, api):
    notify_space(world, [world.bob.user])
    notify_space(world, [world.bob.user])
    first = api("bob").get("notifications").json_body["items"][0]["id"]
    assert api("bob").post("notifications/read", {"ids": [first]}).json_body == {"count": 1}
    assert api("bob").get("notifications?unread=true").json_body["items"][0]["id"] != first
    assert api("bob").post("notifications/read", {"all": True}).json_body == {"count": 0}
    assert api("bob").get("notifications/unread-count").json_body == {"count": 0}
    assert api("bob").post("notifications/read", {}).status_code == 422


def test_someone_elses_notification_cannot_be_marked(world, api):
    [row] = notify_space(world, [world.bob.user])
    api("gina").post("notifications/read", {"ids": [row.pk]})
    row.refresh_from_db()
    assert row.read_at is None


def test_nobody_is_notified_about_what_they_cannot_see(world, api):
    # mallory is not in acme (private): a notification targeting acme must not reach her.
    created = notify_space(world, [world.mallory.user, world.bob.user])
    assert [n.recipient_id for n in created] == [world.bob.user.pk]
    # Join requests are for admins only: bob (member) is not told.
    created = actions.notify(recipients=[world.bob.user], kind="join_request", actor=world.gina.user,
                             space=world.acme, target_type="join_requests", target_id=world.acme.pk)
    assert created == []


def test_target_no_longer_visible_reads_not_available(world, api):
    notify_space(world, [world.bob.user])
    Membership.objects.filter(space=world.acme, user=world.bob.user).delete()
    [item] = api("bob").get("notifications").json_body["items"]
    assert item["available"] is False
    assert item["target"] is None and item["actor"] is None
    assert "Acme" not in item["text"]


def test_unread_count_takes_at_most_two_queries(world, api, django_assert_max_num_queries):
    for _ in range(5):
        notify_space(world, [world.bob.user])
    bob = api("bob")
    bob.get("notifications/unread-count")  # token last-used bookkeeping happens once
    with django_assert_max_num_queries(2):
        response = bob.get("notifications/unread-count")
    assert response.json_body == {"count": 5}


def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    bob = api("bob")
    bob.get("notifications")
    notify_space(world, [world.bob.user])
    with django_assert_max_num_queries(4) as few:
        bob.get("notifications")
    for _ in range(25):
        notify_space(world, [world.bob.user])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(bob.get("notifications").json_body["items"]) == 20


def test_settings_roundtrip_and_validation(world, api):
    got = api("bob").get("notifications/settings").json_body
    assert got["modes"]["invitation_received"] == "immediate"
    put = api("bob").put("notifications/settings", {"modes": {"role_changed": "off"}, "muted_spaces": [world.acme.pk]})
    assert put.status_code == 200
    assert put.json_body["modes"]["role_changed"] == "off" and put.json_body["muted_spaces"] == [world.acme.pk]
    assert api("bob").put("notifications/settings", {"modes": {"role_changed": "loud"}}).status_code == 422
    bad = api("bob").put("notifications/settings", {"muted_spaces": [world.globex.pk]})
    assert bad.status_code == 422 and bad.json_body["detail"][0]["loc"][-1] == "muted_spaces"


def test_muted_space_sends_nothing(world, api):
    api("bob").put("notifications/settings", {"muted_spaces": [world.acme.pk]})
    assert notify_space(world, [world.bob.user]) == []


def test_immediate_email_sent_once_with_unsubscribe(world):
    notify_space(world, [world.bob.user], kind="removed_from_space")
    assert run_pending_tasks() >= 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.com"]
    assert "Acme" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<script" not in message.alternatives[0][0]
    # The task queued again (a retry, a second worker) sends nothing more.
    tasks.send_notification_email.enqueue(Notification.objects.get().pk)
    run_pending_tasks()
    assert len(mail.outbox) == 1


def test_rolled_back_action_sends_nothing(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_space(world, [world.bob.user], kind="removed_from_space")
        raise RuntimeError("the action failed after notifying")
    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    run_pending_tasks()
    assert mail.outbox == []


def test_failed_email_is_retried_with_backoff_and_nothing_is_lost(world, monkeypatch):
    notify_space(world, [world.bob.user], kind="removed_from_space")
    calls = {"n": 0}
    original = mail.EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("SMTP down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    run_pending_tasks()
    assert mail.outbox == []
    assert DBTaskResult.objects.failed().count() == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > datetime.now(tz=zoneinfo.ZoneInfo("UTC"))
    assert retry.args_kwargs["kwargs"]["_attempt"] == 2
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")))
    run_pending_tasks()
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None


def test_daily_digest_at_eight_local_time_never_mails_twice(world):
    bob = world.bob.user
    bob.timezone = "Asia/Shanghai"
    bob.save()
    notify_space(world, [bob])  # role_changed defaults to the digest
    notify_space(world, [bob])
    run_pending_tasks()
    assert mail.outbox == []  # nothing immediate
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert tasks.send_digests.call(datetime(2026, 11, 28, 7, 50, tzinfo=shanghai).isoformat()) == 0
    assert tasks.send_digests.call(datetime(2026, 11, 28, 8, 5, tzinfo=shanghai).isoformat()) == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["bob@example.com"] and digest.body.count("Acme") == 2
    # Same morning again, and a new notification the next day: only the new one is mailed.
    assert tasks.send_digests.call(datetime(2026, 11, 28, 8, 10, tzinfo=shanghai).isoformat()) == 0
    notify_space(world, [bob])
    assert tasks.send_digests.call(datetime(2026, 11, 29, 8, 1, tzinfo=shanghai).isoformat()) == 1
    assert mail.outbox[1].body.count("Acme") == 1
    assert DigestLog.objects.filter(user=bob).count() == 2


def test_digest_leaves_out_read_items_and_kinds_turned_off(world, api):
    bob = world.bob.user
    notify_space(world, [bob])
    api("bob").post("notifications/read", {"all": True})
    api("bob").put("notifications/settings", {"modes": {"join_request_rejected": "off"}})
    actions.notify(recipients=[bob], kind="join_request_rejected", space=world.acme)
    utc = zoneinfo.ZoneInfo("UTC")
    assert tasks.send_digests.call(datetime(2026, 11, 28, 8, 0, tzinfo=utc).isoformat()) == 0
    assert mail.outbox == []


def test_one_click_unsubscribe(world, client, api):
    token = unsubscribe_token(world.bob.user.pk, "role_changed")
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert api("bob").get("notifications/settings").json_body["modes"]["role_changed"] == "off"
    assert client.get(f"/notifications/unsubscribe/{token}x/").status_code == 404


def test_centre_page_lists_and_marks_read(world, client):
    notify_space(world, [world.bob.user])
    client.force_login(world.bob.user)
    page = client.get("/notifications/")
    assert page.status_code == 200 and "Acme" in page.content.decode()
    client.post("/notifications/", {"all": "1"})
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_pages_need_sign_in(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/settings/").status_code == 302


def test_scheduled_job_queued_once_per_slot_with_several_workers(world):
    from plaza.core.scheduler import queue_due_jobs

    assert "notifications.digests" in queue_due_jobs(now=1_800_000_000)
    assert queue_due_jobs(now=1_800_000_001) == []  # a second worker, same slot
    assert "notifications.digests" in queue_due_jobs(now=1_800_000_000 + tasks.DIGEST_EVERY)


def test_settings_page_mutes_a_team(world, client):
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_create_team

    team = do_create_team(space_access_for(world.bob.user, world.acme), name="Ops")
    client.force_login(world.bob.user)
    assert "Ops" in client.get("/notifications/settings/").content.decode()
    client.post("/notifications/settings/", {f"mute_team_{team.pk}": "1", "mode_role_changed": "digest"})
    assert actions.notify(recipients=[world.bob.user], kind="role_changed", actor=world.alice.user, space=world.acme,
                          team_id=team.pk) == []
    assert len(actions.notify(recipients=[world.bob.user], kind="role_changed", actor=world.alice.user, space=world.acme)) == 1
