"""Shared fixtures: a fresh cache per test, the personas' world, API clients."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from plaza.accounts import tokencache
from plaza.core import ratelimit
from plaza.core.testing import Api, World, build_world


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    tokencache.cache.clear()
    yield
    cache.clear()
    tokencache.cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Sliding windows cannot be straddled, so tests need no frozen clock: only zero counts.
    ratelimit.reset()
    yield
    ratelimit.reset()


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def rate_limit_clock(monkeypatch):
    """The clock the rate limits count on, frozen; move it with ``clock.now += seconds``."""
    clock = _Clock(1_800_000_000.0)
    for module in ("limits.storage.memory", "limits.storage.redis", "limits.strategies"):
        monkeypatch.setattr(f"{module}.time", clock)
    monkeypatch.setattr("plaza.core.ratelimit._now", clock.time)
    return clock


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.5 s per account; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api(world):
    """api("alice") is a client acting as alice; api("anonymous") is signed out."""
    return lambda name: Api(world.persona(name))


# Real-browser tests: the `browser` and `browser_session` fixtures, screenshots on failure,
# browser tests ordered last, and a loud warning when they were skipped. See plaza/core/browser.py.
pytest_plugins = ["plaza.core.browser"]
