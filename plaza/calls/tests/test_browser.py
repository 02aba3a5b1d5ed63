"""A Dudu call between two real browsers: Chromium's fake microphone, the WebRTC mesh built by
call.js with signalling over a real /ws/ (uvicorn in a thread, see chat's browser test),
mute, leave, and the record the ended call leaves in the group."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from plaza.chat.tests.test_browser import sign_in
from plaza.core.browser import CHROMIUM, CHROMIUM_ARGS, BrowserSession, closes_connections
from plaza.core.testing import Api

pytestmark = pytest.mark.browser

FAKE_MEDIA = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    # Host candidates as plain addresses: mDNS names do not resolve in a test sandbox.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


@pytest.fixture
def media_session(browser_session: BrowserSession) -> Iterator[BrowserSession]:
    """The session, but on a Chromium with a fake microphone."""
    chromium = browser_session.browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
    )
    shared = browser_session.browser
    browser_session.browser = chromium
    try:
        yield browser_session
    finally:
        browser_session.close()
        browser_session.browser = shared
        chromium.close()


def test_two_browsers_talk_mute_and_leave(media_session: BrowserSession, asgi_url: str, world) -> None:
    from playwright.sync_api import expect

    def setup() -> tuple[int, int]:
        group = Api(world.alice).post("spaces/acme/groups", {"name": "Call", "member_ids": [world.bob.user.pk]}).json_body
        call = Api(world.alice).post(f"groups/{group['id']}/calls", {}).json_body
        return group["id"], call["id"]

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        group_id, call_id = pool.submit(closes_connections(setup)).result()

    alice = sign_in(media_session, world.alice.user.email, permissions=["microphone"])
    bob = sign_in(media_session, world.bob.user.email, permissions=["microphone"])
    for page in (alice, bob):
        page.goto(f"/calls/{call_id}/")
        page.wait_for_function("() => window.plazaLive && window.plazaLive.send({type: 'ping'})")
    alice.locator("[data-call-join]").click()
    expect(alice.locator("[data-call-leave]")).to_be_visible()
    bob.locator("[data-call-join]").click()

    bob_on_alice = alice.locator(f'[data-user="{world.bob.user.pk}"] [data-state]')
    alice_on_bob = bob.locator(f'[data-user="{world.alice.user.pk}"] [data-state]')
    expect(bob_on_alice).to_contain_text("connected", timeout=15_000)
    expect(alice_on_bob).to_contain_text("connected", timeout=15_000)
    expect(bob_on_alice).not_to_contain_text("connecting")
    # Audio flows: bob's page plays a remote stream.
    bob.wait_for_function("() => [...document.querySelectorAll('[data-call-audio] audio')].some(a => a.srcObject)")

    mute = alice.locator("[data-call-mute]")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    assert alice.evaluate("() => true")

    bob.locator("[data-call-leave]").click()
    expect(bob).to_have_url(f"{asgi_url}/groups/{group_id}/")
    expect(bob_on_alice).to_contain_text("left")
    alice.locator("[data-call-leave]").click()
    expect(alice).to_have_url(f"{asgi_url}/groups/{group_id}/")
    expect(alice.locator(".chat-msg.call-record")).to_contain_text("Call ended")
    assert media_session.csp_violations == []
    assert media_session.page_errors == []


@pytest.mark.parametrize("width", [320, 375])
def test_the_incoming_call_pop_up_stays_inside_a_phone_screen(browser_session: BrowserSession, asgi_url: str, world,
                                                              width: int) -> None:
    from playwright.sync_api import expect

    from plaza.core.browser import horizontal_overflow

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        group_id = pool.submit(closes_connections(lambda: Api(world.alice).post(
            "spaces/acme/groups", {"name": "A group with a rather long name to ring", "member_ids": [world.bob.user.pk]},
        ).json_body["id"])).result()
    bob = browser_session.sign_in(world.bob.user.email, viewport={"width": width, "height": 740})
    bob.goto("/s/acme/")
    bob.wait_for_function("() => window.plazaLive && window.plazaLive.send({type: 'ping'})")
    with ThreadPoolExecutor(1) as pool:
        pool.submit(closes_connections(lambda: Api(world.alice).post(f"groups/{group_id}/calls", {}))).result()
    ring = bob.locator(".call-ring")
    expect(ring).to_be_visible(timeout=10_000)
    expect(ring).to_contain_text("Alice")
    box = ring.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert horizontal_overflow(bob) <= 0
    for control in (ring.get_by_role("button", name="Join"), ring.get_by_role("button", name="Dismiss")):
        expect(control).to_be_visible()
        edge = control.bounding_box()
        assert edge is not None and edge["x"] >= 0 and edge["x"] + edge["width"] <= width, edge  # reachable
    ring.get_by_role("button", name="Dismiss").click()
    expect(ring).to_have_count(0)
