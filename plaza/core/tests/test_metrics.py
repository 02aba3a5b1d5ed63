"""/metrics: served only to the configured token or addresses, and its figures move."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.core.mail import send_mail
from django.test import Client
from prometheus_client import REGISTRY

from plaza.core.testing import CONNECT_TIMEOUT, build_world


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(**extra: str) -> Client:
    return Client().get("/metrics", **extra)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = "metrics-secret-123"
    settings.METRICS_ALLOW = []
    return settings.METRICS_TOKEN


def test_nobody_reads_metrics_when_nothing_is_configured(db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW = []
    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_the_token_opens_metrics_and_a_wrong_one_does_not(db, token):
    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"plaza_http_requests_total" in response.content


def test_allowed_addresses_read_metrics_and_others_do_not(db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW = ["10.0.0.0/8", "192.0.2.7", "not-an-address"]
    assert scrape(REMOTE_ADDR="10.20.30.40").status_code == 200
    assert scrape(REMOTE_ADDR="192.0.2.7").status_code == 200
    assert scrape(REMOTE_ADDR="192.0.2.8").status_code == 404
    assert scrape(REMOTE_ADDR="127.0.0.1").status_code == 404


def test_requests_are_counted_by_route_pattern_and_status(api, token):
    route = "api/v1/spaces/<slug>"
    before = value("plaza_http_requests_total", route=route, method="GET", status="200")
    before_404 = value("plaza_http_requests_total", route=route, method="GET", status="404")
    before_hist = value("plaza_http_request_duration_seconds_count", route=route, method="GET")
    assert api("alice").get("spaces/acme").status_code == 200
    assert api("mallory").get("spaces/acme").status_code == 404
    assert value("plaza_http_requests_total", route=route, method="GET", status="200") == before + 1
    assert value("plaza_http_requests_total", route=route, method="GET", status="404") == before_404 + 1
    assert value("plaza_http_request_duration_seconds_count", route=route, method="GET") == before_hist + 2
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert 'route="api/v1/spaces/<slug>"' in text
    assert "spaces/acme" not in text  # never the raw path


def test_unmatched_paths_share_one_label(db, token):
    before = value("plaza_http_requests_total", route="<unmatched>", method="GET", status="404")
    Client().get("/no/such/page-1")
    Client().get("/no/such/page-2")
    assert value("plaza_http_requests_total", route="<unmatched>", method="GET", status="404") == before + 2


def test_live_events_are_counted(api, django_capture_on_commit_callbacks):
    before = value("plaza_realtime_messages_total", group="user") + value("plaza_realtime_messages_total", group="space")
    with django_capture_on_commit_callbacks(execute=True):
        assert api("bob").post("spaces/acme/posts", {"body": "Counted"}).status_code == 201
    after = value("plaza_realtime_messages_total", group="user") + value("plaza_realtime_messages_total", group="space")
    assert after > before


def test_task_queue_depth_is_read_from_the_database(api, settings, token):
    from django_tasks_db.models import DBTaskResult

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    api("alice").post("spaces/acme/webhooks", {"url": "http://10.9.9.9/hook", "events": ["post.created"]})
    api("bob").post("spaces/acme/posts", {"body": "Queued for the hook"})
    queued = DBTaskResult.objects.filter(status="READY").count()
    assert queued >= 1
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert f"plaza_tasks_queued {float(queued)}" in text
    assert "plaza_tasks_failed " in text


def test_emails_sent_are_counted(db, settings):
    settings.EMAIL_BACKEND = "plaza.core.metrics.CountingEmailBackend"
    settings.PLAZA_INNER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = value("plaza_emails_sent_total")
    send_mail("Hello", "Body", None, ["a@example.com"])
    send_mail("Hello", "Body", None, ["b@example.com"])
    assert value("plaza_emails_sent_total") == before + 2


@pytest.mark.django_db(transaction=True)
def test_open_sockets_are_counted():
    from channels.testing.websocket import WebsocketCommunicator

    from plaza.asgi import application

    world = build_world()

    async def scenario():
        before = value("plaza_websockets_open")
        comm = WebsocketCommunicator(application, f"/ws/?token={world.bob.token}", headers=[(b"host", b"127.0.0.1:8000")])
        connected, _ = await comm.connect(timeout=CONNECT_TIMEOUT)
        assert connected
        assert value("plaza_websockets_open") == before + 1
        await comm.disconnect()
        assert value("plaza_websockets_open") == before

    async_to_sync(scenario)()
