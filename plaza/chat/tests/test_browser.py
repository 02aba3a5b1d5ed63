"""Two people chat in real browsers over a real socket: a message, typing, an edit and a
delete arrive live; the chat fits a phone; no CSP violation or script error on the way.

pytest-django's ``live_server`` speaks only HTTP, so this test uses the ``asgi_url`` fixture
(plaza/core/browser.py): the whole ASGI application (pages and /ws/) served by uvicorn in a
thread of the test process, on the same test database and in-memory channel layer.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession, closes_connections
from plaza.core.testing import Api

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def open_chat(page, group_id: int) -> None:
    page.goto(f"/groups/{group_id}/")
    # Connected once plaza-live.js can send on its socket.
    page.wait_for_function("() => window.plazaLive && window.plazaLive.send({type: 'ping'})", timeout=10_000)


def test_two_people_chat_live_with_edit_and_delete(browser_session: BrowserSession, asgi_url: str, world) -> None:
    from playwright.sync_api import expect

    # Off this thread: Playwright's event loop runs here, and the action publishes after commit.
    with ThreadPoolExecutor(1) as pool:
        group = pool.submit(closes_connections(
            lambda: Api(world.alice).post("spaces/acme/groups", {"name": "Tasting", "member_ids": [world.bob.user.pk]}).json_body
        )).result()
    alice = sign_in(browser_session, world.alice.user.email)
    bob = sign_in(browser_session, world.bob.user.email, viewport=PHONE_VIEWPORT)
    open_chat(alice, group["id"])
    open_chat(bob, group["id"])

    alice.locator("[data-chat-composer] textarea").fill("Tasting on **Friday** @bob")
    alice.locator("[data-chat-composer] textarea").press("Enter")
    sent = alice.locator(".chat-msg.mine")
    expect(sent).to_have_count(1)
    expect(alice.locator("[data-chat-composer] textarea")).to_have_value("")
    received = bob.locator(".chat-msg").filter(has_text="Tasting on")
    expect(received).to_have_count(1)
    expect(received.locator("strong", has_text="Friday")).to_be_visible()

    bob.locator("[data-chat-composer] textarea").press_sequentially("Sounds")
    expect(alice.locator("[data-chat-typing]")).to_contain_text("Bob is typing")

    sent.locator("[data-edit]").click()
    sent.locator(".chat-edit textarea").fill("Tasting on Saturday")
    sent.locator(".chat-edit button[type=submit]").click()
    expect(received.locator(".chat-body")).to_have_text("Tasting on Saturday")
    expect(received.locator(".chat-edited")).to_be_visible()

    alice.on("dialog", lambda dialog: dialog.accept())
    sent.locator("[data-delete]").click()
    expect(alice.locator(".chat-msg")).to_have_count(0)
    expect(bob.locator(".chat-msg")).to_have_count(0)

    width = bob.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], f"the chat is {width}px wide on a phone"
    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []
