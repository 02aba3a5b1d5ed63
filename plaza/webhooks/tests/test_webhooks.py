"""Webhooks through the API and the pages: registering, signed deliveries to a local
receiver, retries under the same ``webhook-id``, the delivery log, turning off after
failures, and the SSRF refusals at creation and at delivery."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook as Verifier

from plaza.core.tasks import run_pending_tasks
from plaza.webhooks import net
from plaza.webhooks.tests.receiver import receiver


@pytest.fixture
def private_ok(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def quick_retries(private_ok):
    private_ok.WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    return private_ok


def register(api, url: str, events: list[str], persona: str = "alice") -> dict:
    response = api(persona).post("spaces/acme/webhooks", {"url": url, "events": events})
    assert response.status_code == 201, response.content
    return response.json_body


def test_delivered_failed_once_retried_with_the_same_id_and_verified(api, world, quick_retries):
    with receiver(500, 204) as hook_receiver:
        hook = register(api, hook_receiver.url, ["post.created"])
        assert hook["secret"].startswith("whsec_")
        post = api("bob").post("spaces/acme/posts", {"body": "Harvest starts Monday"}).json_body
        run_pending_tasks()

    first, second = hook_receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    verifier = Verifier(hook["secret"])
    for received in (first, second):
        payload = verifier.verify(received.body, received.headers)
        assert payload["type"] == "post.created"
        assert payload["data"]["id"] == post["id"]
        assert payload["data"]["author"]["handle"] == world.bob.user.handle
        assert payload["data"]["body"] == "Harvest starts Monday"
        assert received.headers["content-type"] == "application/json"
    assert first.body == second.body  # the same bytes on every attempt

    log = api("alice").get(f"webhooks/{hook['id']}/deliveries").json_body["items"]
    assert [(d["attempt"], d["status"], d["response_code"]) for d in log] == [(2, "delivered", 204), (1, "failed", 500)]
    assert {d["webhook_id"] for d in log} == {first.headers["webhook-id"]}
    listed = api("alice").get("spaces/acme/webhooks").json_body["items"]
    assert listed[0]["id"] == hook["id"] and "secret" not in listed[0]


def test_a_wrong_secret_does_not_verify(api, quick_retries):
    with receiver(204) as hook_receiver:
        register(api, hook_receiver.url, ["post.created"])
        api("bob").post("spaces/acme/posts", {"body": "Hello"})
        run_pending_tasks()
    received = hook_receiver.requests[0]
    from standardwebhooks.webhooks import WebhookVerificationError

    with pytest.raises(WebhookVerificationError):
        Verifier("whsec_" + "A" * 32).verify(received.body, received.headers)


def test_the_default_schedule_retries_with_backoff_for_more_than_a_day(api, private_ok):
    delays = private_ok.WEBHOOK_RETRY_DELAYS
    assert sum(delays) >= 24 * 3600
    assert all(later >= earlier for earlier, later in zip(delays[1:], delays[2:], strict=False))
    with receiver(503) as hook_receiver:
        register(api, hook_receiver.url, ["post.created"])
        api("bob").post("spaces/acme/posts", {"body": "Hello"})
        run_pending_tasks()
    assert len(hook_receiver.requests) == 1  # the retry waits
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_webhook_message", status="READY").get()
    wait = queued.run_after - timezone.now()
    assert timedelta(seconds=delays[1] - 2) < wait <= timedelta(seconds=delays[1])


def test_only_chosen_events_are_sent_and_members_joining_and_leaving_are(api, world, quick_retries):
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_remove_member
    from plaza.spaces.models import Membership

    with receiver(204) as hook_receiver:
        hook = register(api, hook_receiver.url, ["member.joined", "member.left", "comment.created"])
        post = api("bob").post("spaces/acme/posts", {"body": "No hook for this"}).json_body
        api("alice").post(f"posts/{post['id']}/comments", {"body": "But for this"})
        membership = Membership.objects.get(space=world.acme, user=world.bob.user)
        do_remove_member(space_access_for(world.alice.user, world.acme), membership)
        run_pending_tasks()
    verifier = Verifier(hook["secret"])
    payloads = [verifier.verify(r.body, r.headers) for r in hook_receiver.requests]
    assert [p["type"] for p in payloads] == ["comment.created", "member.left"]
    assert payloads[0]["data"]["post_id"] == post["id"]
    assert payloads[1]["data"] == {
        "user": {"id": world.bob.user.pk, "name": world.bob.user.name, "handle": world.bob.user.handle},
        "removed": True,
    }


def test_turned_off_after_every_attempt_failed_and_the_admins_are_told(api, quick_retries):
    with receiver(500) as hook_receiver:
        register(api, hook_receiver.url, ["post.created"])
        api("bob").post("spaces/acme/posts", {"body": "Hello"})
        run_pending_tasks()
        assert len(hook_receiver.requests) == 3
        listed = api("alice").get("spaces/acme/webhooks").json_body["items"][0]
        assert listed["enabled"] is False and listed["disabled_at"]
        kinds = [n["kind"] for n in api("alice").get("notifications").json_body["items"]]
        assert "webhook_disabled" in kinds
        api("bob").post("spaces/acme/posts", {"body": "Nobody hears this"})
        run_pending_tasks()
        assert len(hook_receiver.requests) == 3
    assert "webhook_disabled" not in [n["kind"] for n in api("bob").get("notifications").json_body["items"]]


def test_redirects_are_not_followed(api, quick_retries):
    with receiver(302, headers={"Location": "http://127.0.0.1:9/elsewhere"}) as hook_receiver:
        hook = register(api, hook_receiver.url, ["post.created"])
        api("bob").post("spaces/acme/posts", {"body": "Hello"})
        run_pending_tasks()
    assert len(hook_receiver.requests) == 3  # three attempts, none of them went elsewhere
    assert {r.path for r in hook_receiver.requests} == {"/hook"}
    log = api("alice").get(f"webhooks/{hook['id']}/deliveries").json_body["items"]
    assert {(d["status"], d["response_code"]) for d in log} == {("failed", 302)}


def test_the_answer_is_read_up_to_the_cap(private_ok):
    with receiver(200, body=b"x" * (net.MAX_RESPONSE_BYTES * 4)) as hook_receiver:
        answer = net.post(net.resolve(hook_receiver.url), b"{}", {})
    assert answer.status == 200
    assert len(answer.body) == net.MAX_RESPONSE_BYTES


def test_the_address_is_checked_again_at_delivery(api, private_ok):
    with receiver(204) as hook_receiver:
        hook = register(api, hook_receiver.url, ["post.created"])
        private_ok.WEBHOOKS_ALLOW_PRIVATE = False
        private_ok.WEBHOOK_RETRY_DELAYS = [0]
        api("bob").post("spaces/acme/posts", {"body": "Hello"})
        run_pending_tasks()
    assert hook_receiver.requests == []
    log = api("alice").get(f"webhooks/{hook['id']}/deliveries").json_body["items"]
    assert [(d["status"], d["error"], d["response_code"]) for d in log] == [("refused", "loopback", None)]


def test_the_connection_goes_to_the_checked_address(monkeypatch, private_ok):
    """Resolved once: a second lookup (DNS rebinding) would not change where it connects."""
    with receiver(204) as hook_receiver:
        target = net.resolve(hook_receiver.url.replace("127.0.0.1", "localhost"))
        assert target.address in ("127.0.0.1", "::1")
        target = net.Target(target.scheme, target.host, target.port, target.path, "127.0.0.1")

        real = socket.getaddrinfo

        def rebound(host, *args, **kwargs):
            assert host != "localhost", "the name was resolved again"
            return real(host, *args, **kwargs)

        monkeypatch.setattr("socket.getaddrinfo", rebound)
        answer = net.post(target, b"{}", {})
    assert answer.status == 204
    assert hook_receiver.requests[0].headers["host"].startswith("localhost:")


REFUSED = [
    ("http://127.0.0.1/hook", "Loopback"),
    ("http://localhost:8000/hook", "Loopback"),
    ("http://[::1]/hook", "Loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "Loopback"),
    ("http://10.1.2.3/hook", "Private"),
    ("http://172.16.0.9/hook", "Private"),
    ("http://192.168.1.20/hook", "Private"),
    ("http://100.64.0.1/hook", "Private"),
    ("http://[fc00::1]/hook", "Private"),
    ("http://169.254.10.10/hook", "Link-local"),
    ("http://[fe80::1]/hook", "Link-local"),
    ("http://224.0.0.1/hook", "Multicast"),
    ("http://[ff02::1]/hook", "Multicast"),
    ("http://240.0.0.1/hook", "Reserved"),
    ("http://0.0.0.0/hook", "This address"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://100.100.100.200/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "metadata"),
    ("ftp://93.184.216.34/hook", "Only http and https"),
    ("file:///etc/passwd", "Only http and https"),
    ("gopher://93.184.216.34/", "Only http and https"),
    ("http://user:secret@93.184.216.34/hook", "valid address"),
    ("not a url", "Only http and https"),
]


@pytest.mark.parametrize(("url", "message"), REFUSED, ids=[u for u, _m in REFUSED])
def test_refused_addresses_are_422_naming_url(api, url, message):
    response = api("alice").post("spaces/acme/webhooks", {"url": url, "events": ["post.created"]})
    assert response.status_code == 422, response.content
    body = response.json_body
    assert body["code"] == "invalid"
    assert body["detail"][0]["loc"] == ["body", "url"]
    assert message in body["detail"][0]["msg"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://100.100.100.200/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
    ],
)
def test_metadata_link_local_and_multicast_stay_refused_when_private_is_allowed(api, private_ok, url):
    response = api("alice").post("spaces/acme/webhooks", {"url": url, "events": ["post.created"]})
    assert response.status_code == 422
    assert response.json_body["detail"][0]["loc"] == ["body", "url"]


def test_private_and_public_addresses_are_accepted_as_configured(api, private_ok):
    register(api, "http://10.1.2.3/hook", ["post.created"])
    register(api, "https://93.184.216.34/hook", ["member.joined"])


def test_unknown_events_are_422_naming_events(api):
    response = api("alice").post("spaces/acme/webhooks", {"url": "https://93.184.216.34/", "events": ["post.liked"]})
    assert response.status_code == 422
    assert response.json_body["detail"][0]["loc"] == ["body", "events"]


def test_members_get_403_and_outsiders_404(api, private_ok):
    hook = register(api, "http://10.1.2.3/hook", ["post.created"])
    body = {"url": "http://10.1.2.4/", "events": ["post.created"]}
    for persona, status in (("bob", 403), ("gina", 403), ("mallory", 404), ("anonymous", 401)):
        assert api(persona).post("spaces/acme/webhooks", body).status_code == status
        assert api(persona).get("spaces/acme/webhooks").status_code == status
        assert api(persona).get(f"webhooks/{hook['id']}/deliveries").status_code == status
        assert api(persona).delete(f"webhooks/{hook['id']}").status_code == status
    assert api("mallory").get("webhooks/999999/deliveries").status_code == 404
    assert api("alice").delete(f"webhooks/{hook['id']}").status_code == 204
    assert api("alice").get(f"webhooks/{hook['id']}/deliveries").status_code == 404


def test_the_page_adds_a_webhook_shows_its_secret_once_and_removes_it(world, private_ok):
    from django.test import Client

    client = Client()
    client.force_login(world.alice.user)
    page = client.post(
        "/s/acme/webhooks/", {"url": "http://10.1.2.3/hook", "events": ["post.created", "member.joined"]}, follow=True
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "whsec_" in html and "http://10.1.2.3/hook" in html
    again = client.get("/s/acme/webhooks/").content.decode()
    assert "whsec_" not in again and "http://10.1.2.3/hook" in again
    refused = client.post("/s/acme/webhooks/", {"url": "http://169.254.169.254/", "events": ["post.created"]})
    assert refused.status_code == 422 and "metadata" in refused.content.decode()
    from plaza.webhooks.models import Webhook

    hook = Webhook.objects.get(space=world.acme)
    assert client.get(f"/s/acme/webhooks/{hook.pk}/").status_code == 200
    client.post("/s/acme/webhooks/", {"action": "delete", "webhook_id": hook.pk})
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_the_pages_are_for_admins_only_and_translated(world, private_ok):
    from django.test import Client

    from plaza.webhooks.models import Webhook

    hook = Webhook.objects.create(space=world.acme, url="http://10.1.2.3/", events=["post.created"], secret="whsec_x")
    for persona, status in (("bob", 403), ("gina", 403), ("mallory", 404)):
        client = Client()
        client.force_login(getattr(world, persona).user)
        assert client.get("/s/acme/webhooks/").status_code == status
        assert client.get(f"/s/acme/webhooks/{hook.pk}/").status_code == status
        assert client.post("/s/acme/webhooks/", {"action": "delete", "webhook_id": hook.pk}).status_code == status
    assert Webhook.objects.filter(pk=hook.pk).exists()
    assert Client().get("/s/acme/webhooks/").status_code == 404  # a private space is unknown to visitors
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
    world.alice.user.language = "zh-hans"
    world.alice.user.save(update_fields=["language"])
    client.force_login(world.alice.user)
    html = client.get("/s/acme/webhooks/").content.decode()
    assert "添加 Webhook" in html and "发布了动态" in html
    assert json.dumps("whsec_x") not in html
