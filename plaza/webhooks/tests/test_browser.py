"""The webhooks page in Chromium, in English and Chinese, on a phone and a desktop: an admin
adds an endpoint, copies the secret shown once, and reads the delivery log."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from plaza.core.browser import BrowserSession, horizontal_overflow
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api

pytestmark = pytest.mark.browser

SHOTS = Path("test-artifacts/webhooks")

TEXT = {
    "en-US": {"add": "Add the webhook", "added": "The webhook was added.", "log": "Delivery log", "event": "A post is published"},
    "zh-CN": {"add": "添加这个 Webhook", "added": "Webhook 已添加。", "log": "投递记录", "event": "发布了动态"},
}


def post_and_deliver(world) -> None:
    from django.db import connection

    try:
        Api(world.bob).post("spaces/acme/posts", {"body": "Harvest starts Monday"})
        run_pending_tasks()
    finally:
        connection.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_adds_a_webhook_and_reads_its_log(browser_session: BrowserSession, world, settings, locale, width) -> None:
    from playwright.sync_api import expect

    from plaza.webhooks.tests.receiver import receiver

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    text = TEXT[locale]
    world.alice.user.language = "zh-hans" if locale == "zh-CN" else "en"  # the profile's language wins
    world.alice.user.save(update_fields=["language"])
    page = browser_session.sign_in(world.alice.user.email, locale=locale, viewport={"width": width, "height": 900})
    with receiver(500, 204) as hook_receiver:
        page.goto("/s/acme/webhooks/")
        page.locator("#webhook-url").fill(hook_receiver.url)
        page.get_by_label(text["event"]).check()
        page.get_by_role("button", name=text["add"]).click()
        expect(page.get_by_text(text["added"])).to_be_visible()
        secret = page.locator("#webhook-secret")
        assert secret.input_value().startswith("whsec_")
        assert horizontal_overflow(page) == 0
        page.screenshot(path=str(SHOTS / f"list-{locale}-{width}.png"), full_page=True)
        # Off the test thread: Playwright's event loop runs in it, and live events need their own.
        worker = threading.Thread(target=post_and_deliver, args=(world,))
        worker.start()
        worker.join()
        assert len(hook_receiver.requests) == 2
    page.reload()
    assert page.locator("#webhook-secret").count() == 0  # shown once
    page.get_by_role("link", name=text["log"]).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(SHOTS / f"log-{locale}-{width}.png"), full_page=True)
