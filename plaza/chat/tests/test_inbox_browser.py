"""The inbox in a real browser (issue 14): a direct chat started from a person page reaches
the other person's inbox live; a type-ahead people picker; the phone chat at 375 × 740 with
the newest message right above the composer; the service worker's offline page.

Screenshots of the inbox, a direct chat and a picker, at 375 and 1280 px in English and
Chinese, land in ``test-artifacts/inbox/`` (the README's and docs' copies come from there).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from plaza.core.browser import BrowserSession, closes_connections, horizontal_overflow
from plaza.core.testing import Api

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "inbox"
PHONE = {"width": 375, "height": 740}


def off_thread(fn: Any) -> Any:
    """Run ``fn`` off this thread: Playwright's loop runs here, and actions publish after commit."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(closes_connections(fn)).result()


def wait_socket(page: Any) -> None:
    page.wait_for_function("() => window.plazaLive && window.plazaLive.send({type: 'ping'})", timeout=10_000)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def warm_up(browser_session: BrowserSession) -> None:
    """One first page with a generous deadline: the first request of a test server (templates,
    translations) and Chromium's first navigation took over 10 s on a loaded 2-core machine."""
    page = browser_session.new_page()
    page.goto("/accounts/login/", timeout=120_000)
    page.context.close()
    browser_session.contexts.remove(page.context)


def set_language(persona: Any, language: str) -> None:
    off_thread(lambda: Api(persona).patch("me", {"language": language}))


def test_a_direct_chat_started_from_a_person_page_reaches_the_inbox_live(
    browser_session: BrowserSession, asgi_url: str, world
) -> None:
    from playwright.sync_api import expect

    warm_up(browser_session)

    bob = browser_session.sign_in(world.bob.user.email)
    bob.goto("/inbox/")
    wait_socket(bob)
    expect(bob.locator(".inbox-item")).to_have_count(0)

    alice = browser_session.sign_in(world.alice.user.email)
    alice.goto("/u/bob/")
    alice.get_by_role("button", name="Message").click()
    expect(alice).to_have_url(f"{asgi_url}/groups/{{}}/".replace("{}", alice.url.rstrip("/").rsplit("/", 1)[-1]))
    expect(alice.get_by_role("heading", level=1)).to_have_text("Bob")
    wait_socket(alice)
    alice.locator("[data-chat-composer] textarea").fill("Lunch at noon?")
    alice.locator("[data-chat-composer] textarea").press("Enter")
    expect(alice.locator(".chat-msg.mine")).to_have_count(1)

    # bob's inbox, open all along, shows the new conversation with one unread message.
    item = bob.locator(".inbox-item").filter(has_text="Alice")
    expect(item).to_have_count(1)
    expect(item.locator(".inbox-preview")).to_have_text("Lunch at noon?")
    expect(item.locator("mark.badge")).to_have_text("1")
    with bob.expect_response(re.compile(r"/api/v1/groups/\d+/read")):  # the read marker moves
        item.get_by_role("link").click()
    expect(bob.locator(".chat-msg").filter(has_text="Lunch at noon?")).to_have_count(1)
    bob.goto("/inbox/")
    expect(bob.locator(".inbox-item mark.badge")).to_have_count(0)  # read now
    assert browser_session.csp_violations == [] and browser_session.page_errors == []


def test_the_mail_picker_finds_people_by_typing_and_works_by_keyboard(
    browser_session: BrowserSession, live_server: Any, world
) -> None:
    from playwright.sync_api import expect

    warm_up(browser_session)

    page = browser_session.sign_in(world.alice.user.email)
    page.goto("/mail/compose/")
    to = page.locator(".picker-input").first
    expect(to).to_have_accessible_name("To")
    to.focus()
    to.press_sequentially("bo")
    option = page.get_by_role("option", name="Bob @bob")
    expect(option).to_be_visible()
    expect(page.locator(".picker-option")).to_have_count(1)  # gina does not match, mallory is never offered
    to.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    to.press("Enter")
    chip = page.locator(".picker-chip").first
    expect(chip).to_contain_text("Bob (@bob)")
    expect(page.get_by_role("button", name="Remove Bob (@bob)")).to_be_visible()
    assert page.evaluate("Array.from(document.querySelector('select[name=to]').selectedOptions).map(o => o.value)") == [
        str(world.bob.user.pk)
    ]
    # Nobody outside alice's spaces can be found.
    to.press_sequentially("mallory")
    expect(page.locator(".picker-none")).to_be_visible()
    to.fill("")
    page.locator("input[name=subject]").fill("Tasting")
    page.locator("textarea[name=body]").fill("Friday at six")
    page.locator("form.mail-compose button[type=submit]").last.click()
    page.wait_for_load_state()
    inbox = off_thread(lambda: Api(world.bob).get("mail/folders/inbox").json_body["items"])
    assert [m["subject"] for m in inbox] == ["Tasting"]
    assert browser_session.csp_violations == [] and browser_session.page_errors == []


def test_the_phone_chat_shows_the_newest_message_right_above_the_composer(
    browser_session: BrowserSession, asgi_url: str, world
) -> None:
    from playwright.sync_api import expect

    warm_up(browser_session)

    def setup() -> int:
        group = (
            Api(world.alice)
            .post(
                "spaces/acme/groups",
                {"name": "A discussion group with a very long name that cannot fit", "member_ids": [world.bob.user.pk]},
            )
            .json_body
        )
        for n in range(30):
            Api(world.alice if n % 2 else world.bob).post(f"groups/{group['id']}/messages", {"body": f"Message number {n}"})
        return group["id"]

    gid = off_thread(setup)
    bob = browser_session.sign_in(world.bob.user.email, viewport=PHONE)
    bob.goto(f"/groups/{gid}/")
    wait_socket(bob)

    def check(text: str) -> None:
        newest = bob.locator(".chat-msg").last
        expect(newest).to_contain_text(text)
        box = newest.bounding_box()
        composer = bob.locator("[data-chat-composer]").bounding_box()
        height = bob.viewport_size["height"]
        assert box and composer
        assert box["y"] >= 0 and box["y"] + box["height"] <= composer["y"] + 1, (box, composer)
        assert composer["y"] + composer["height"] <= height + 1, (composer, height)
        assert horizontal_overflow(bob) <= 0

    check("Message number 29")
    title = bob.get_by_role("heading", level=1).bounding_box()
    assert title and title["height"] < 40, f"the title wraps: {title}"
    off_thread(lambda: Api(world.alice).post(f"groups/{gid}/messages", {"body": "The newest one"}))
    check("The newest one")
    # The on-screen keyboard leaves a shorter visual viewport: the composer stays in it.
    bob.locator("[data-chat-composer] textarea").focus()
    bob.set_viewport_size({"width": 375, "height": 420})
    bob.wait_for_function("() => document.querySelector('[data-chat]').getBoundingClientRect().height <= 421")
    check("The newest one")
    assert browser_session.page_errors == []


@pytest.mark.parametrize(("language", "heading"), [("en", "You are offline"), ("zh-hans", "你已离线")])
def test_the_service_worker_serves_the_offline_page_without_network(
    browser_session: BrowserSession, live_server: Any, world, language: str, heading: str
) -> None:
    from playwright.sync_api import expect

    warm_up(browser_session)
    context = browser_session.new_context(locale="zh-CN" if language != "en" else "en-US", service_workers="allow")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)", timeout=10_000)
    page.wait_for_function("() => caches.keys().then(keys => keys.some(k => k.startsWith('plaza-')))")
    page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    # Pages come through navigation preload (the worker's own fetch of a page stalled once).
    # Checked once the worker controls the page: it claims pages after turning preload on, and
    # "ready" resolves before its activation has finished.
    assert page.evaluate("() => navigator.serviceWorker.ready.then(r => r.navigationPreload.getState())")["enabled"]
    context.set_offline(True)
    page.goto("/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Pages are never kept: nothing in the cache but the shell and the offline page.
    cached = page.evaluate(
        "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert "/offline/" in cached and "/static/plaza.css" in cached
    assert all(p.startswith("/static/") or p == "/offline/" for p in cached), cached
    # Back online, "Try again" loads the page that was asked for, from the network.
    context.set_offline(False)
    page.locator("[data-offline-retry]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/inbox/"))


def test_screenshots_of_the_inbox_a_direct_chat_and_a_picker(browser_session: BrowserSession, asgi_url: str, world) -> None:
    from playwright.sync_api import expect

    warm_up(browser_session)

    def setup() -> int:
        chat = Api(world.alice).post("direct-chats", {"user_id": world.bob.user.pk}).json_body
        group = (
            Api(world.alice)
            .post(
                "spaces/acme/groups",
                {"name": "品鉴会筹备 · Tasting plans", "member_ids": [world.bob.user.pk, world.gina.user.pk]},
            )
            .json_body
        )
        Api(world.gina).post(f"groups/{group['id']}/messages", {"body": "样酒已经寄出，周三到。Samples ship Wednesday."})
        for who, body in (
            (world.alice, "Lunch at noon? 中午一起吃饭？"),
            (world.bob, "Sure — see you at the lobby."),
            (world.alice, "👍 好的"),
        ):
            Api(who).post(f"groups/{chat['id']}/messages", {"body": body})
        return chat["id"]

    chat_id = off_thread(setup)
    for language in ("en", "zh-hans"):
        set_language(world.bob, language)
        for width, viewport in ((1280, None), (375, PHONE)):
            page = browser_session.sign_in(world.bob.user.email, **({"viewport": viewport} if viewport else {}))
            page.goto("/inbox/")
            expect(page.locator(".inbox-item")).to_have_count(2)
            assert horizontal_overflow(page) <= 0
            shot(page, f"inbox-{language}-{width}")
            page.goto(f"/groups/{chat_id}/")
            expect(page.locator(".chat-msg")).to_have_count(3)
            shot(page, f"direct-chat-{language}-{width}")
            page.goto("/mail/compose/")
            box = page.locator(".picker-input").first
            box.focus()
            box.press_sequentially("a")
            expect(page.locator(".picker-option").first).to_be_visible()
            assert horizontal_overflow(page) <= 0
            shot(page, f"picker-{language}-{width}")
            page.context.close()
