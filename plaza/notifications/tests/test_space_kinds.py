"""The spaces app's notification kinds, caused through the API as people would."""

from __future__ import annotations

import pytest

from plaza.core.tasks import run_pending_tasks
from plaza.notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds(api, persona):
    return [(n["kind"], n["target"]["url"] if n["target"] else None) for n in api(persona).get("notifications").json_body["items"]]


def test_invitation_to_someone_with_an_account_notifies_and_mails_once(api, world, mailoutbox):
    response = api("alice").post("spaces/acme/invitations", {"email": "mallory@example.com", "role": "member"})
    code = response.json_body["code"]
    assert kinds(api, "mallory") == [("invitation_received", f"/invitations/{code}/")]
    [item] = api("mallory").get("notifications").json_body["items"]
    assert "Acme" in item["text"] and "Alice" in item["text"]
    run_pending_tasks()
    assert [m.to for m in mailoutbox] == [["mallory@example.com"]]  # the notification mail, not a second invitation mail
    # Once used, the invitation is no longer available from the notification.
    api("mallory").post(f"invitations/{code}/accept")
    api("alice").delete(f"spaces/acme/invitations/{response.json_body['id']}")


def test_invitation_to_an_unknown_address_is_mailed_directly(api, world, mailoutbox):
    api("alice").post("spaces/acme/invitations", {"email": "newcomer@example.com", "role": "member"})
    run_pending_tasks()
    assert [m.to for m in mailoutbox] == [["newcomer@example.com"]]
    assert Notification.objects.count() == 0


def test_join_request_notifies_admins_only_and_the_decision_notifies_the_requester(api, world):
    api("alice").patch("spaces/acme", {"join_policy": "request", "visibility": "listed"})
    api("alice").post("spaces/acme/teams", {"name": "x"})  # unrelated noise
    assert api("mallory").post("spaces/acme/join", {"message": "hi"}).json_body == {"status": "requested"}
    assert kinds(api, "alice") == [("join_request", "/s/acme/requests/")]
    assert kinds(api, "bob") == []  # members are not told
    request_id = api("alice").get("spaces/acme/join-requests").json_body["items"][0]["id"]
    api("alice").post(f"spaces/acme/join-requests/{request_id}/approve")
    assert kinds(api, "mallory") == [("join_request_approved", "/s/acme/")]


def test_rejection_notifies_without_a_link_to_a_space_they_cannot_enter(api, world):
    api("alice").patch("spaces/acme", {"join_policy": "request", "visibility": "listed"})
    api("mallory").post("spaces/acme/join")
    request_id = api("alice").get("spaces/acme/join-requests").json_body["items"][0]["id"]
    api("alice").post(f"spaces/acme/join-requests/{request_id}/reject")
    [item] = api("mallory").get("notifications").json_body["items"]
    assert item["kind"] == "join_request_rejected" and item["target"] is None and "Acme" in item["text"]


def test_role_change_and_removal_notify_the_person(api, world):
    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "admin"})
    assert kinds(api, "bob") == [("role_changed", "/s/acme/")]
    api("alice").delete(f"spaces/acme/members/{world.bob.user.pk}")
    items = api("bob").get("notifications").json_body["items"]
    assert items[0]["kind"] == "removed_from_space" and "Acme" in items[0]["text"]
    # The older role_changed notification now points into a space bob cannot see.
    assert items[1]["kind"] == "role_changed" and items[1]["available"] is False and items[1]["target"] is None


def test_leaving_notifies_nobody(api, world):
    api("bob").delete(f"spaces/acme/members/{world.bob.user.pk}")
    assert Notification.objects.count() == 0
