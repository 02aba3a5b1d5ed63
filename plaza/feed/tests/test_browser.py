"""The feed in a real browser: htmx composer and like button, the "N new posts" bar fed by
plaza:event, a phone-width layout, and no CSP violation or script error on the way."""

from __future__ import annotations

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def feed_event(page, **detail) -> None:
    # What plaza-live.js does with each socket message (the test server has no /ws/).
    page.evaluate("d => document.dispatchEvent(new CustomEvent('plaza:event', {detail: d}))", detail)


def test_composer_like_and_new_posts_bar(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser_session, world.bob.user.email)
    page.goto("/s/acme/feed/")
    composer = page.locator("form[data-composer]")
    composer.locator("textarea").fill("Hello from the browser #first @alice")
    composer.locator("button[type=submit]").click()
    post = page.locator("#feed-items article.post").first
    expect(post).to_contain_text("Hello from the browser")
    expect(post.locator("a", has_text="@alice")).to_have_attribute("href", "/u/alice/")
    expect(composer.locator("textarea")).to_have_value("")

    like = post.locator(".like-form button")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(post.locator(".like-form button")).to_have_attribute("aria-pressed", "true")
    expect(post.locator(".like-form button")).to_contain_text("1 like")

    bar = page.locator("[data-feed-live]")
    expect(bar).to_be_hidden()
    feed_event(page, type="feed.new_posts", space="globex", team_id=None, post_id=90001)
    expect(bar).to_be_hidden()
    feed_event(page, type="feed.new_posts", space="acme", team_id=None, post_id=90001)
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 new post")
    feed_event(page, type="feed.new_posts", space="acme", team_id=None, post_id=90002)
    expect(bar).to_contain_text("2 new posts")
    bar.locator("a").click()
    expect(page).to_have_url(f"{browser_session.base_url}/s/acme/feed/")

    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []


def test_feed_fits_a_phone(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser_session, world.bob.user.email, viewport=PHONE_VIEWPORT)
    page.goto("/s/acme/feed/")
    page.locator("form[data-composer] textarea").fill("A long link https://example.com/" + "x" * 120 + " #话题# @alice")
    page.locator("form[data-composer] button[type=submit]").click()
    expect(page.locator("#feed-items article.post")).to_have_count(1)
    for path in ("/s/acme/feed/", "/u/bob/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_VIEWPORT["width"], f"{path} is {width}px wide on a phone"
    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []


def test_composer_suggests_mentions_and_previews_images(browser_session: BrowserSession, world, tmp_path) -> None:
    from PIL import Image
    from playwright.sync_api import expect

    picture = tmp_path / "grapes.png"
    Image.new("RGB", (20, 12), (120, 20, 60)).save(picture)
    page = sign_in(browser_session, world.bob.user.email)
    page.goto("/s/acme/feed/")
    textarea = page.locator("form[data-composer] textarea")
    textarea.click()
    textarea.press_sequentially("Thanks @al")
    suggestion = page.locator("[data-mention-list] [data-mention=alice]")
    expect(suggestion).to_be_visible()
    expect(page.locator("[data-mention-list] [data-mention=mallory]")).to_have_count(0)
    suggestion.click()
    expect(textarea).to_have_value("Thanks @alice ")
    page.locator("form[data-composer] input[type=file]").set_input_files(str(picture))
    preview = page.locator("[data-previews] img")
    expect(preview).to_have_count(1)
    assert page.evaluate("() => document.querySelector('[data-previews] img').naturalWidth") == 20
    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []
