"""Shared fixtures: a fresh cache per test, the personas' world, API clients."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from plaza.core.testing import Api, World, build_world


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _steady_rate_limit_clock(monkeypatch):
    # Rate limits count in fixed windows; a slow test crossing a window boundary would
    # start a fresh count and never trip. Tests run at one instant, mid-window.
    monkeypatch.setattr("plaza.core.ratelimit._now", lambda: 1_800_000_030.0)


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
