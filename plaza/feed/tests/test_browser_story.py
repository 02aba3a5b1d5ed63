"""The feed's story in real browsers, step by step as people live it:

1. posting with a mention, a topic and an image picked in the composer's file input;
2. liking and commenting on the post's own page;
3. sharing a members-only post from "Member Companies" into "Wine Lovers": a consumer who
   belongs only to Wine Lovers sees the share, but not the original (only "not available");
4. a second browser sees the "N new posts" bar after the first one posts, carried by the
   real WebSocket (``asgi_url`` serves pages and /ws/), not by a synthetic DOM event.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from plaza.core.browser import BrowserSession, closes_connections

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def small_png(tmp_path: Path, name: str = "grapes.png") -> Path:
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (24, 16), (120, 20, 60)).save(path, format="PNG")
    return path


def post_id_of(article) -> int:
    return int(article.get_attribute("id").removeprefix("post-"))


def compose(page, text: str, files: list[Path] | None = None):
    """Post through the composer; returns the new post's article on the feed."""
    from playwright.sync_api import expect

    composer = page.locator("form[data-composer]")
    composer.locator("textarea").fill(text)
    if files:
        composer.locator("input[type=file][name=files]").set_input_files([str(f) for f in files])
    composer.locator("button[type=submit]").click()
    expect(composer.locator("textarea")).to_have_value("")
    post = page.locator("#feed-items article.post").first
    expect(post).to_contain_text(text.split(" ")[0])
    return post


def assert_clean(browser_session: BrowserSession) -> None:
    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []


def test_post_with_mention_topic_and_image(browser_session: BrowserSession, world, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser_session, world.bob.user.email)
    page.goto("/s/acme/feed/")
    post = compose(page, "Harvest photos for @alice #vintage", files=[small_png(tmp_path)])

    expect(post.locator(".post-body")).to_contain_text("Harvest photos for")
    expect(post.locator(".post-body a", has_text="@alice")).to_have_attribute("href", "/u/alice/")
    topic = post.locator(".post-topics a.topic")
    expect(topic).to_have_text("#vintage")
    expect(topic).to_have_attribute("href", "/s/acme/topics/vintage/")
    image = post.locator(".post-attachments img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", "grapes.png")
    # The browser really fetched and decoded the uploaded PNG (24 × 16).
    page.wait_for_function("img => img.complete && img.naturalWidth === 24", arg=image.element_handle())

    # It is all still there after a reload (not only in the htmx fragment), and the topic page lists it.
    post_id = post_id_of(post)
    page.reload()
    again = page.locator(f"#post-{post_id}")
    expect(again.locator(".post-attachments img")).to_have_count(1)
    again.locator(".post-topics a.topic").click()
    expect(page).to_have_url(f"{browser_session.base_url}/s/acme/topics/vintage/")
    expect(page.locator(f"#post-{post_id}")).to_contain_text("Harvest photos for")
    assert_clean(browser_session)


def test_like_and_comment_on_the_post_page(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    bob = sign_in(browser_session, world.bob.user.email)
    bob.goto("/s/acme/feed/")
    post_id = post_id_of(compose(bob, "Tasting notes: cherry, oak, a long finish"))

    alice = sign_in(browser_session, world.alice.user.email)
    alice.goto(f"/p/{post_id}/")
    article = alice.locator(f"article#post-{post_id}")
    like = article.locator(".like-form button")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_contain_text("0 likes")
    like.click()
    expect(article.locator(".like-form button")).to_have_attribute("aria-pressed", "true")
    expect(article.locator(".like-form button")).to_contain_text("1 like")

    comments = alice.locator("#comments")
    comments.locator("textarea[name=body]").fill("Lovely — which vintage? @bob")
    comments.locator("form.comment-form button[type=submit]").click()
    comment = comments.locator("li.comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("Alice")
    expect(comment.locator(".comment-body")).to_contain_text("Lovely — which vintage?")

    # Both stick: after a reload the like is still pressed and the counts say so.
    alice.reload()
    article = alice.locator(f"article#post-{post_id}")
    expect(article.locator(".like-form button")).to_have_attribute("aria-pressed", "true")
    expect(article.locator(".post-actions")).to_contain_text("1 comment")
    expect(alice.locator("#comments li.comment")).to_have_count(1)

    # The author sees them on the feed too.
    bob.goto("/s/acme/feed/")
    mine = bob.locator(f"#post-{post_id}")
    expect(mine.locator(".like-form button")).to_contain_text("1 like")
    expect(mine.locator(".post-actions")).to_contain_text("1 comment")
    assert_clean(browser_session)


def test_share_from_member_companies_to_wine_lovers(browser_session: BrowserSession, transactional_db) -> None:
    from playwright.sync_api import expect

    from plaza.accounts.models import User
    from plaza.spaces.demo import DEMO_PASSWORD, seed_demo

    def seed() -> None:
        assert seed_demo()
        # Read the page in English whatever the demo people prefer (the texts asserted below).
        User.objects.filter(email__in=["chen@greatwall-winery.example", "liu@consumer.example"]).update(language="en")

    # Off this thread: Playwright's event loop runs here, and the actions publish after commit.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(closes_connections(seed)).result()

    original = "Members only: our 2026 export price list is out"
    chen = sign_in(browser_session, "chen@greatwall-winery.example", DEMO_PASSWORD)
    chen.goto("/s/member-companies/feed/")
    post_id = post_id_of(compose(chen, original))

    chen.goto(f"/p/{post_id}/share/")
    chen.locator("select#share-space").select_option("wine-lovers")
    chen.locator("textarea#share-body").fill("Wine lovers, ask your shop about this")
    chen.locator("form.narrow button[type=submit]").click()
    expect(chen).not_to_have_url(f"{browser_session.base_url}/p/{post_id}/share/")
    shared_id = int(chen.url.rstrip("/").rsplit("/", 1)[1])
    assert shared_id != post_id
    # Chen belongs to both spaces, so Chen sees the original inside the share.
    share = chen.locator(f"article#post-{shared_id}")
    expect(share.locator(".shared-post .post-body")).to_contain_text(original)

    liu = sign_in(browser_session, "liu@consumer.example", DEMO_PASSWORD)
    liu.goto("/s/wine-lovers/feed/")
    seen = liu.locator(f"#feed-items article#post-{shared_id}")
    expect(seen).to_be_visible()
    expect(seen.locator(".post-body").first).to_contain_text("Wine lovers, ask your shop about this")
    expect(seen.locator(".shared-post .unavailable")).to_contain_text("not available")
    expect(seen.locator(".shared-post .post-body")).to_have_count(0)
    expect(seen.locator(f'a[href="/p/{post_id}/"]')).to_have_count(0)
    expect(liu.locator("body")).not_to_contain_text(original)
    expect(liu.locator("body")).not_to_contain_text("export price list")

    # The share's own page says the same; the original itself stays closed to Liu.
    liu.goto(f"/p/{shared_id}/")
    expect(liu.locator(".shared-post .unavailable")).to_contain_text("not available")
    expect(liu.locator("body")).not_to_contain_text("export price list")
    response = liu.goto(f"/p/{post_id}/")
    assert response is not None and response.status in (403, 404), response and response.status
    expect(liu.locator("body")).not_to_contain_text("export price list")
    assert browser_session.csp_violations == []


def test_second_browser_sees_new_posts_bar_over_the_socket(browser_session: BrowserSession, asgi_url: str, world) -> None:
    from playwright.sync_api import expect

    alice = sign_in(browser_session, world.alice.user.email)
    bob = sign_in(browser_session, world.bob.user.email)
    for page in (alice, bob):
        page.goto("/s/acme/feed/")
        # Connected once plaza-live.js can send on its socket.
        page.wait_for_function("() => window.plazaLive && window.plazaLive.send({type: 'ping'})", timeout=10_000)
    bar = bob.locator("[data-feed-live]")
    expect(bar).to_be_hidden()

    post_id = post_id_of(compose(alice, "Live from the cellar door"))
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 new post")
    post_id_2 = post_id_of(compose(alice, "Second pour of the evening"))
    expect(bar).to_contain_text("2 new posts")
    # Nobody is told about their own posts.
    expect(alice.locator("[data-feed-live]")).to_be_hidden()
    expect(bob.locator(f"#post-{post_id}")).to_have_count(0)

    bar.locator("a").click()
    expect(bob).to_have_url(f"{browser_session.base_url}/s/acme/feed/")
    expect(bob.locator(f"#feed-items #post-{post_id}")).to_contain_text("Live from the cellar door")
    expect(bob.locator(f"#feed-items #post-{post_id_2}")).to_contain_text("Second pour of the evening")
    expect(bob.locator("[data-feed-live]")).to_be_hidden()
    assert_clean(browser_session)
