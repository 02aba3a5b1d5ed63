"""Changing the password in a real browser: the "Keep my API tokens" box is there, unticked,
at phone and desktop widths in English and Chinese; left unticked, the change revokes the
person's API tokens. Screenshots go to test-artifacts/ for a look."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_password_change_offers_and_honours_keep_tokens(browser_session: BrowserSession, world, locale) -> None:
    from playwright.sync_api import expect

    from plaza.accounts.models import ApiToken
    from plaza.core.testing import PASSWORD

    if locale == "zh-CN":  # the profile's language wins over the browser's
        type(world.bob.user).objects.filter(pk=world.bob.user.pk).update(language="zh-hans")
    page = browser_session.sign_in(world.bob.user.email, locale=locale)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("phone", PHONE_VIEWPORT), ("desktop", {"width": 1280, "height": 800})):
        page.set_viewport_size(viewport)
        page.goto("/accounts/password/change/")
        box = page.locator("input[name=keep_tokens]")
        expect(box).to_be_visible()
        expect(box).not_to_be_checked()
        page.screenshot(path=str(ARTIFACTS / f"password-change-{locale}-{name}.png"), full_page=True)
    page.locator("input[name=oldpassword]").fill(PASSWORD)
    page.locator("input[name=password1]").fill("a-new-horse-staple-42")
    page.locator("input[name=password2]").fill("a-new-horse-staple-42")
    with page.expect_navigation():
        page.locator("form").filter(has=page.locator("input[name=oldpassword]")).locator("button[type=submit]").click()
    assert not ApiToken.objects.filter(user=world.bob.user, revoked_at__isnull=True).exists()
    assert not browser_session.csp_violations and not browser_session.page_errors
