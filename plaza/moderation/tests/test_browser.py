"""Moderation in Chromium, in English and Chinese, on a phone and a desktop: a member
reports a post from the feed; the admin hides it from the queue; the member's feed no
longer shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaza.core.browser import BrowserSession, horizontal_overflow
from plaza.core.testing import Api

pytestmark = pytest.mark.browser

SHOTS = Path("test-artifacts/moderation")

TEXT = {
    "en-US": {
        "report": "Report",
        "reason": "Spam or advertising",
        "send": "Send the report",
        "thanks": "Thank you.",
        "hide": "Hide",
        "hidden": "It is hidden now",
        "mark": "Hidden by moderators",
        "lang": "en",
    },
    "zh-CN": {
        "report": "举报",
        "reason": "垃圾信息或广告",
        "send": "提交举报",
        "thanks": "谢谢。",
        "hide": "隐藏",
        "hidden": "已隐藏",
        "mark": "已被管理员隐藏",
        "lang": "zh-hans",
    },
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("width", [375, 1280])
def test_a_member_reports_and_the_admin_hides(browser_session: BrowserSession, world, locale, width) -> None:
    from playwright.sync_api import expect

    text = TEXT[locale]
    for persona in (world.alice, world.bob):
        persona.user.language = text["lang"]
        persona.user.save(update_fields=["language"])
    post = Api(world.alice).post("spaces/acme/posts", {"body": "Cheap watches, write to me!"}).json_body["id"]
    Api(world.alice).post(f"posts/{post}/comments", {"body": "Really cheap"})
    viewport = {"width": width, "height": 900}

    bob = browser_session.sign_in(world.bob.user.email, locale=locale, viewport=viewport)
    bob.goto("/s/acme/feed/")
    bob.locator(f"#post-{post}").get_by_role("link", name=text["report"]).click()
    bob.get_by_label(text["reason"]).check()
    bob.locator("#report-details").fill("Advertising")
    assert horizontal_overflow(bob) == 0
    bob.screenshot(path=str(SHOTS / f"report-{locale}-{width}.png"), full_page=True)
    bob.get_by_role("button", name=text["send"]).click()
    expect(bob.get_by_text(text["thanks"])).to_be_visible()

    alice = browser_session.sign_in(world.alice.user.email, locale=locale, viewport=viewport)
    alice.goto("/s/acme/moderation/")
    expect(alice.get_by_text("Cheap watches, write to me!")).to_be_visible()
    alice.locator(".moderation-entry details summary").first.click()
    assert horizontal_overflow(alice) == 0
    alice.screenshot(path=str(SHOTS / f"queue-{locale}-{width}.png"), full_page=True)
    alice.get_by_role("button", name=text["hide"], exact=True).click()
    expect(alice.get_by_text(text["hidden"])).to_be_visible()
    alice.goto("/s/acme/feed/")
    expect(alice.locator(f"#post-{post}").get_by_text(text["mark"])).to_be_visible()
    alice.screenshot(path=str(SHOTS / f"feed-admin-{locale}-{width}.png"), full_page=True)

    bob.goto("/s/acme/feed/")
    expect(bob.locator(f"#post-{post}")).to_have_count(0)
