"""The token check without a database round trip (``accounts.tokencache``, issue 17).

A token checked once is not looked up again while nothing changes; every change the actions
make to the token or its person is seen by the next request, in this process and (production
profile) in another one: a revocation made by a `plaza serve` process reaches this process's
cache through Redis before that request has answered.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.accounts import tokencache
from plaza.accounts.models import ApiToken, User
from plaza.core.testing import Api, build_world, make_persona
from plaza.notifications.actions import notify
from plaza.notifications.tests.test_distributed import free_port, needs_production, server_env, wait_http

ROOT = Path(__file__).resolve().parents[3]


def unread(client: Api) -> tuple[int, int]:
    """(status, queries) of GET /notifications/unread-count."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("notifications/unread-count")
    return response.status_code, len(ctx.captured_queries)


@pytest.mark.django_db
def test_unread_count_needs_no_query_once_the_token_is_checked(world, api):
    bob = api("bob")
    assert unread(bob)[0] == 200  # the token check (and its first use recorded)
    assert unread(bob) == (200, 0)  # G4: no database round trip
    assert bob.get("notifications/unread-count").json_body == {"count": 0}


@pytest.mark.django_db
def test_revoked_token_is_refused_at_once(world, api):
    bob = api("bob")
    assert unread(bob)[0] == 200
    assert unread(bob) == (200, 0)
    assert bob.delete("auth/token").status_code == 204
    assert bob.get("notifications/unread-count").status_code == 401


@pytest.mark.django_db
def test_token_revoked_from_the_token_list_is_refused_at_once(world):
    second = make_persona("second")
    other = Api(second)
    assert other.get("me").status_code == 200
    created = other.post("me/tokens", {"name": "laptop"}).json_body
    laptop = Api()
    laptop.extra = {"HTTP_AUTHORIZATION": f"Bearer {created['token']}"}
    assert laptop.get("me").status_code == 200
    assert other.delete(f"me/tokens/{created['id']}").status_code == 204
    assert laptop.get("me").status_code == 401
    assert other.get("me").status_code == 200


@pytest.mark.django_db
def test_changes_to_the_person_are_seen_at_once(world, api):
    bob = api("bob")
    assert bob.get("me").json_body["name"] == "Bob"
    assert bob.patch("me", {"name": "Robert"}).status_code == 200
    assert bob.get("me").json_body["name"] == "Robert"
    # An unread count moved by a notification (another person's action) and by reading.
    assert bob.get("notifications/unread-count").json_body == {"count": 0}
    notify(
        recipients=[world.bob.user.pk],
        kind="role_changed",
        actor=world.alice.user,
        space=world.acme,
        target_type="space",
        target_id=world.acme.pk,
        data={"role": "member"},
    )
    assert bob.get("notifications/unread-count").json_body == {"count": 1}
    assert bob.post("notifications/read", {"all": True}).status_code == 200
    assert bob.get("notifications/unread-count").json_body == {"count": 0}


@pytest.mark.django_db
def test_deactivated_and_password_changed_accounts_are_refused_at_once(world, api):
    from plaza.accounts.actions import do_change_password, do_deactivate_account

    bob, gina = api("bob"), api("gina")
    assert bob.get("me").status_code == 200 and gina.get("me").status_code == 200
    do_deactivate_account(User.objects.get(pk=world.bob.user.pk))
    assert bob.get("me").status_code == 401
    do_change_password(User.objects.get(pk=world.gina.user.pk), "another-horse-battery-7")
    assert gina.get("me").status_code == 401


@pytest.mark.django_db
def test_a_write_around_the_actions_is_kept_at_most_the_ttl(world, api, monkeypatch):
    """What the cache trusts: a change made without the actions (a shell) is seen when the
    entry expires."""
    bob = api("bob")
    assert bob.get("me").status_code == 200
    ApiToken.objects.filter(user=world.bob.user).update(revoked_at="2026-01-01T00:00:00Z")
    assert bob.get("me").status_code == 200, "served from the cache"
    monkeypatch.setattr(tokencache.time, "monotonic", lambda: 10**9)
    assert bob.get("me").status_code == 401


@needs_production
@pytest.mark.django_db(transaction=True)
def test_revocation_in_another_process_reaches_this_one_at_once(tmp_path):
    """A `plaza serve` process revokes bob's token; this process had it cached (no query), and
    its very next request with it is refused."""
    world = build_world()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "plaza.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=server_env(tmp_path),
        stdout=open(tmp_path / "serve.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        bob = Api(world.bob)
        assert unread(bob)[0] == 200
        assert unread(bob) == (200, 0), "cached in this process"
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/token", method="DELETE", headers={"Authorization": f"Bearer {world.bob.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204
        assert bob.get("notifications/unread-count").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
