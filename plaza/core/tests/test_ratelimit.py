"""Rate limits: the client address behind trusted proxies, failures per (account, address)
and per address in a sliding window, and an unreachable storage (issue 18, items 8 and 9)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, RequestFactory

from plaza.core.models import AuditEntry
from plaza.core.ratelimit import address_key, client_ip
from plaza.core.testing import PASSWORD

GUESSER, OWNER, PROXY = "203.0.113.5", "198.51.100.7", "10.0.0.1"


def _ip(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_forwarded_address_is_believed_only_from_trusted_proxies(settings):
    settings.PLAZA_TRUSTED_PROXIES = []
    assert _ip(PROXY, "1.2.3.4") == PROXY  # no proxy configured: the header is ignored
    settings.PLAZA_TRUSTED_PROXIES = [PROXY, "172.16.0.0/12"]
    assert _ip(GUESSER, "1.2.3.4") == GUESSER  # not sent by a trusted proxy
    assert _ip(PROXY, OWNER) == OWNER
    # The client forged a left-hand entry; the rightmost untrusted hop is the real one.
    assert _ip(PROXY, f"6.6.6.6, {OWNER}") == OWNER
    # Two trusted proxies in a row (CIDR), then the client.
    assert _ip(PROXY, f"6.6.6.6, {OWNER}, 172.20.1.2") == OWNER
    assert _ip(PROXY, "") == PROXY
    assert _ip("::ffff:10.0.0.1", OWNER) == OWNER


def test_ipv6_clients_share_a_bucket_per_64():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key(OWNER) == OWNER


def _token(email: str, password: str, remote: str, **extra: str):
    return Client().post(
        "/api/v1/auth/token",
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=remote,
        **extra,
    )


def test_guessing_does_not_lock_the_owner_out(world):
    email = world.bob.user.email
    for _ in range(10):
        assert _token(email, "wrong-guess", GUESSER).status_code == 401
    refused = _token(email, PASSWORD, GUESSER)  # even the right password, from the guesser
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _token(email, PASSWORD, OWNER).status_code == 201  # the owner, elsewhere


def test_a_guesser_is_limited_per_address_across_accounts(world):
    for i in range(30):
        assert _token(f"nobody{i}@example.com", "x", GUESSER).status_code in (401, 429)
    assert _token("someone-else@example.com", "x", GUESSER).status_code == 429
    assert _token(world.alice.user.email, PASSWORD, OWNER).status_code == 201


def test_behind_the_proxy_each_client_has_its_own_bucket(world, settings):
    settings.PLAZA_TRUSTED_PROXIES = [PROXY]
    email = world.bob.user.email
    for _ in range(10):
        _token(email, "wrong-guess", PROXY, HTTP_X_FORWARDED_FOR=GUESSER)
    assert _token(email, "wrong-guess", PROXY, HTTP_X_FORWARDED_FOR=GUESSER).status_code == 429
    assert _token(email, PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=OWNER).status_code == 201
    # A forged left-hand entry does not buy the guesser a fresh bucket.
    forged = _token(email, "wrong-guess", PROXY, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {GUESSER}")
    assert forged.status_code == 429


def test_the_window_slides(world, rate_limit_clock):
    """13 guesses used to fit across a fixed window's boundary; a sliding one counts the
    last 15 minutes at every moment."""
    email = world.bob.user.email
    for _ in range(5):
        assert _token(email, "wrong", GUESSER).status_code == 401
    rate_limit_clock.now += 800
    for _ in range(5):
        assert _token(email, "wrong", GUESSER).status_code == 401
    rate_limit_clock.now += 20  # a fixed window would have started afresh by now
    refused = _token(email, "wrong", GUESSER)
    assert refused.status_code == 429 and 70 <= int(refused["Retry-After"]) <= 82
    rate_limit_clock.now += 90  # the first five are older than 15 minutes
    for _ in range(5):
        assert _token(email, "wrong", GUESSER).status_code == 401
    assert _token(email, "wrong", GUESSER).status_code == 429


def test_web_sign_in_failures_are_per_account_and_address(world):
    email = world.bob.user.email
    for _ in range(5):
        Client(REMOTE_ADDR=GUESSER).post("/accounts/login/", {"login": email, "password": "wrong"}, REMOTE_ADDR=GUESSER)
    owner = Client()
    response = owner.post("/accounts/login/", {"login": email, "password": PASSWORD}, REMOTE_ADDR=OWNER)
    assert response.status_code == 302
    guesser = Client()
    blocked = guesser.post("/accounts/login/", {"login": email, "password": PASSWORD}, REMOTE_ADDR=GUESSER)
    assert blocked.status_code != 302


def test_unreachable_storage_allows_and_warns(world, settings, caplog):
    settings.PLAZA_RATE_LIMIT_STORAGE = "redis://127.0.0.1:1/0"  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="plaza.ratelimit"):
        for _ in range(12):
            assert _token(world.bob.user.email, "wrong-guess", GUESSER).status_code == 401
        assert _token(world.bob.user.email, PASSWORD, GUESSER).status_code == 201
    assert any("unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("trusted", [True, False])
def test_audit_log_records_the_client_address(world, settings, trusted):
    settings.PLAZA_TRUSTED_PROXIES = [PROXY] if trusted else []
    response = Client().patch(
        "/api/v1/spaces/acme",
        {"description": "New"},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=OWNER,
        **world.alice.auth,
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action__startswith="space").latest("pk")
    assert entry.address == (OWNER if trusted else PROXY)
