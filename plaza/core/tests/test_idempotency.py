"""Idempotency-Key: exactly once under concurrent retries, crashes and 5xx; secrets are never
kept for replay; records live 24 hours; signed-out callers are told apart by more than their
address."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import Client
from django.utils import timezone

from plaza.cases.actions import do_create_case_type
from plaza.core.models import IdempotencyRecord
from plaza.core.tasks import purge_idempotency_records, run_pending_tasks
from plaza.core.testing import PASSWORD
from plaza.feed import actions as feed_actions
from plaza.feed.models import Post
from plaza.polls.tests.test_concurrency import in_thread, thread_database  # noqa: F401  (fixture)
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space

from .test_api_conventions import assert_error

TWINS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_requests_with_one_key_create_one_post(world, request):
    """Each on its own connection, all at once: one post, and every answer is its 201."""
    auth = world.bob.auth
    request.getfixturevalue("thread_database")
    start = threading.Barrier(TWINS)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = Client()
            start.wait()
            response = client.post(
                "/api/v1/spaces/acme/posts",
                json.dumps({"body": "only once"}),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="twins",
                **auth,
            )
            answers.append((response.status_code, json.loads(response.content)))
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(TWINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert in_thread(lambda: Post.objects.filter(body="only once").count()) == 1
    assert {status for status, _ in answers} == {201}, answers[:3]
    assert len({body["id"] for _, body in answers}) == 1


def test_a_request_that_dies_after_its_write_leaves_nothing_and_its_retry_runs_once(api, monkeypatch):
    """The process dies (here: an exception no handler catches) after the post was written
    but before the answer was stored: nothing is kept, and the retry writes it once."""
    real = feed_actions.do_publish_post

    def dies_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(feed_actions, "do_publish_post", dies_after_writing)
    with pytest.raises(KeyboardInterrupt):
        api("bob").post("spaces/acme/posts", {"body": "crash"}, HTTP_IDEMPOTENCY_KEY="crash-1")
    assert not Post.objects.filter(body="crash").exists()
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(feed_actions, "do_publish_post", real)
    first = api("bob").post("spaces/acme/posts", {"body": "crash"}, HTTP_IDEMPOTENCY_KEY="crash-1")
    again = api("bob").post("spaces/acme/posts", {"body": "crash"}, HTTP_IDEMPOTENCY_KEY="crash-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Post.objects.filter(body="crash").count() == 1


def test_a_5xx_after_the_write_rolls_it_back_so_the_retry_runs_once(api, monkeypatch):
    real = feed_actions.do_publish_post

    def fails_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("boom after the write")

    monkeypatch.setattr(feed_actions, "do_publish_post", fails_after_writing)
    client = api("bob")
    client.client.raise_request_exception = False
    assert client.post("spaces/acme/posts", {"body": "five hundred"}, HTTP_IDEMPOTENCY_KEY="5xx").status_code == 500
    assert not Post.objects.filter(body="five hundred").exists()
    monkeypatch.setattr(feed_actions, "do_publish_post", real)
    assert client.post("spaces/acme/posts", {"body": "five hundred"}, HTTP_IDEMPOTENCY_KEY="5xx").status_code == 201
    assert client.post("spaces/acme/posts", {"body": "five hundred"}, HTTP_IDEMPOTENCY_KEY="5xx").status_code == 201
    assert Post.objects.filter(body="five hundred").count() == 1


# --- answers that carry secrets ------------------------------------------------------------


def _no_record_holds(secret: str) -> None:
    for record in IdempotencyRecord.objects.all():
        assert secret.encode() not in bytes(record.body)


def test_token_creation_is_not_replayed_a_retry_is_409_and_nothing_keeps_the_token(api, world):
    anonymous = api("anonymous")
    body = {"email": world.bob.user.email, "password": PASSWORD}
    first = anonymous.post("auth/token", body, HTTP_IDEMPOTENCY_KEY="tok-1")
    assert first.status_code == 201
    _no_record_holds(first.json_body["token"])
    again = assert_error(anonymous.post("auth/token", body, HTTP_IDEMPOTENCY_KEY="tok-1"), 409, "conflict")
    assert "secret" in again["detail"]
    mine = api("bob").post("me/tokens", {"name": "script"}, HTTP_IDEMPOTENCY_KEY="tok-2")
    assert mine.status_code == 201
    _no_record_holds(mine.json_body["token"])
    assert_error(api("bob").post("me/tokens", {"name": "script"}, HTTP_IDEMPOTENCY_KEY="tok-2"), 409, "conflict")
    assert world.bob.user.api_tokens.filter(name="script").count() == 1


@pytest.fixture
def public_form(world):
    lovers = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    case_type = do_create_case_type(
        space_access_for(world.alice.user, lovers),
        name="Check",
        submitters="anyone",
        fields=[{"key": "what", "label": "What", "type": "text", "required": True}],
        outcomes=["ok"],
    )
    return {"case_type_id": case_type.pk, "values": {"what": "a corked bottle"}}


def test_a_case_submission_retry_is_409_and_its_access_code_is_not_kept(public_form):
    from plaza.cases.models import Case

    client = Client(HTTP_USER_AGENT="phone")
    first = client.post(
        "/api/v1/spaces/lovers/cases", public_form, content_type="application/json", HTTP_IDEMPOTENCY_KEY="case-1"
    )
    assert first.status_code == 201
    _no_record_holds(first.json()["access_code"])
    assert_error(
        client.post("/api/v1/spaces/lovers/cases", public_form, content_type="application/json", HTTP_IDEMPOTENCY_KEY="case-1"),
        409,
        "conflict",
    )
    assert Case.objects.count() == 1


def test_signed_out_callers_at_one_address_are_told_apart(public_form):
    """Another person behind the same address (an office, a mobile network) with the same
    key and body is not taken for the first one: their request runs."""
    from plaza.cases.models import Case

    for agent in ("phone", "laptop"):
        response = Client(HTTP_USER_AGENT=agent).post(
            "/api/v1/spaces/lovers/cases", public_form, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same"
        )
        assert response.status_code == 201
    assert Case.objects.count() == 2
    assert all(not r.owner.endswith("127.0.0.1") for r in IdempotencyRecord.objects.all())


def test_secret_ballots_still_keep_no_record(api, world):
    from plaza.polls.actions import do_create_poll

    poll = do_create_poll(
        space_access_for(world.alice.user, world.acme),
        question="Red or white?",
        options=[{"text": "Red"}, {"text": "White"}],
        max_choices=1,
        ballot="secret",
    )
    red = poll.options.order_by("position").first()
    assert api("bob").post(f"polls/{poll.pk}/votes", {"option_ids": [red.pk]}, HTTP_IDEMPOTENCY_KEY="v").status_code == 200
    assert not IdempotencyRecord.objects.exists()
    assert_error(api("bob").post(f"polls/{poll.pk}/votes", {"option_ids": [red.pk]}, HTTP_IDEMPOTENCY_KEY="v"), 409, "conflict")


# --- lifetime --------------------------------------------------------------------------------


def test_records_are_purged_after_24_hours_by_a_scheduled_job(api):
    api("bob").post("spaces/acme/posts", {"body": "old"}, HTTP_IDEMPOTENCY_KEY="old")
    api("bob").post("spaces/acme/posts", {"body": "new"}, HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(created=timezone.now() - timedelta(hours=25))
    from plaza.core.models import ScheduledRun

    ScheduledRun.objects.all().delete()
    run_pending_tasks(scheduled=True)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert purge_idempotency_records.call() == 0


def test_a_key_older_than_24_hours_is_new_again_even_before_the_purge(api):
    api("bob").post("spaces/acme/posts", {"body": "day one"}, HTTP_IDEMPOTENCY_KEY="daily")
    IdempotencyRecord.objects.filter(key="daily").update(created=timezone.now() - timedelta(hours=25))
    again = api("bob").post("spaces/acme/posts", {"body": "day two"}, HTTP_IDEMPOTENCY_KEY="daily")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Post.objects.filter(body="day two").count() == 1


def test_an_anonymous_owner_is_not_the_address_alone():
    from django.test import RequestFactory

    from plaza.core.middleware import IdempotencyMiddleware

    def owner(agent: str) -> str:
        req = RequestFactory().post("/api/v1/x", HTTP_USER_AGENT=agent)
        req.user = AnonymousUser()
        return IdempotencyMiddleware.owner(req)

    assert owner("a") != owner("b")
    assert "127.0.0.1" not in owner("a")
