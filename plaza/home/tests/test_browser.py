"""The space bar and the phone layout in a real browser (issue 14).

At 320, 375, 1280 and 1920 px, in English and Chinese, as the space's owner: every item of
the space bar (each app and each "Manage" entry) can be reached — scrolled into view inside
its own box or opened from the menu — and lies inside the viewport once reached; no page
the bar leads to is wider than the screen. On a phone the bottom bar is there and search is
one tap away.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from plaza.core.browser import BrowserSession, horizontal_overflow
from plaza.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(session: BrowserSession, email: str, **kwargs: Any) -> Page:
    """``session.sign_in`` with a longer wait for each page: on a machine running several
    suites at once (load 28 on 2 cores) a page's "load" took over the default 10 s."""
    page = session.new_context(**kwargs).new_page()
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
    page.wait_for_url(f"{session.base_url}/")
    return page

WIDTHS = [320, 375, 1280, 1920]


def _inside(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5 and box["width"] > 0


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_item_of_the_space_bar_is_reachable(world, browser_session: BrowserSession, width: int, locale: str) -> None:
    page = _sign_in(browser_session, "alice@example.com", locale=locale, viewport={"width": width, "height": 800})
    page.goto("/s/acme/")
    assert horizontal_overflow(page) <= 0
    tabs = page.locator("nav.space-bar .tabs a")
    hrefs = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert len(hrefs) >= 10
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.scroll_into_view_if_needed()
        assert _inside(page, tab), hrefs[i]
        # The label is whole: its box is as wide as its text.
        assert tab.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), hrefs[i]
    manage = page.locator("nav.space-bar details.manage-menu")
    assert _inside(page, manage.locator("summary"))
    manage.locator("summary").click()
    items = manage.locator("ul a")
    assert items.count() >= 8
    for i in range(items.count()):
        assert _inside(page, items.nth(i)), items.nth(i).get_attribute("href")
    assert horizontal_overflow(page) <= 0
    # Every page the bar leads to fits the screen.
    for href in hrefs + [items.nth(i).get_attribute("href") for i in range(items.count())]:
        page.goto(href)
        assert horizontal_overflow(page) <= 0, href


@pytest.mark.parametrize("width", [320, 375])
def test_phone_has_a_bottom_bar_and_search_one_tap_away(world, browser_session: BrowserSession, width: int) -> None:
    page = _sign_in(browser_session, "bob@example.com", viewport={"width": width, "height": 740})
    bar = page.locator("nav.bottombar")
    assert bar.is_visible()
    assert bar.locator("a").count() == 5
    for i in range(5):
        link = bar.locator("a").nth(i)
        assert _inside(page, link), (link.bounding_box(), page.evaluate("window.innerWidth"))
    assert not page.locator("#topbar-q").is_visible()
    page.locator("[data-search-toggle] summary").click()
    assert page.locator("#topbar-q").is_visible()
    page.locator("#topbar-q").fill("acme")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=acme*")
    assert horizontal_overflow(page) <= 0


def test_desktop_has_no_bottom_bar(world, browser_session: BrowserSession) -> None:
    page = _sign_in(browser_session, "bob@example.com", viewport={"width": 1280, "height": 800})
    assert not page.locator("nav.bottombar").is_visible()
    assert page.locator("#topbar-q").is_visible()
