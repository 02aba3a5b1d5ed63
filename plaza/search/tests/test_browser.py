"""Searching from the top bar in a real browser, on a 375 px phone and on a desktop."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession, closes_connections, horizontal_overflow

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PLAZA_SCREENSHOTS", "test-artifacts/search"))


def off_loop(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` off this thread: Playwright's event loop runs here, and the actions publish
    after commit."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(closes_connections(fn)).result()


def test_search_from_the_top_bar_on_a_phone(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    from plaza.feed.actions import do_publish_post
    from plaza.spaces.access import space_access_for

    def seed() -> Any:
        do_publish_post(space_access_for(world.mallory.user, world.globex), body="Globex wine tasting, secret")
        return do_publish_post(space_access_for(world.alice.user, world.acme), body="周六的红酒品鉴会 · Wine tasting on Saturday")

    post = off_loop(seed)

    page = browser_session.sign_in(world.bob.user.email, viewport=PHONE_VIEWPORT)
    box = page.locator("#topbar-q")
    page.locator("[data-search-toggle] summary").click()  # one tap: the search icon in the top bar of every page
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    box.fill("tasting")
    box.press("Enter")
    expect(page).to_have_url(f"{browser_session.base_url}/search/?q=tasting")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark")).to_have_text("tasting")
    assert horizontal_overflow(page) == 0
    hits.first.locator("a").click()
    expect(page).to_have_url(f"{browser_session.base_url}/p/{post.pk}/")

    # "/" focuses the box from anywhere on the page.
    page.goto("/")
    page.locator("body").press("/")
    expect(page.locator("#topbar-q")).to_be_focused()
    assert not browser_session.csp_violations, browser_session.csp_violations


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_results_page_screenshots(browser_session: BrowserSession, world, width: int, locale: str) -> None:
    from playwright.sync_api import expect

    from plaza.search.tests.content import fill_space

    def seed() -> None:
        fill_space(world.alice.user, world.acme, "品鉴会")
        # Pages speak the profile's language.
        type(world.alice.user).objects.filter(pk=world.alice.user.pk).update(language="zh-hans" if locale == "zh-CN" else "en")

    off_loop(seed)
    page = browser_session.sign_in(world.alice.user.email, viewport={"width": width, "height": 900}, locale=locale)
    page.goto("/search/?q=品鉴会")
    expect(page.locator(".search-hit").first).to_be_visible()
    assert horizontal_overflow(page) == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"search-{width}-{locale}.png"), full_page=True)
