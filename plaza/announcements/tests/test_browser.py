"""An announcement in a real browser: bob opens it (and acknowledges it), and alice, the
admin, sees him among those who read it in the receipts; no CSP violation on the way."""

from __future__ import annotations

import pytest

from plaza.core.browser import BrowserSession

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def test_read_by_a_member_shows_in_the_admins_receipts(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    from plaza.core.testing import make_user
    from plaza.spaces.models import Membership

    carol = make_user("carol")
    Membership.objects.create(space=world.acme, user=carol, role="member")

    alice = sign_in(browser_session, world.alice.user.email)
    alice.goto("/s/acme/announcements/new/")
    alice.locator("#an-title").fill("Fire drill on Friday")
    alice.locator("#an-body").fill("Meet at the **car park** at 10:00.")
    alice.locator("input[name=require_ack]").check()
    alice.locator("form.announcement-composer button[type=submit]").click()
    expect(alice.locator("article.announcement h1")).to_contain_text("Fire drill on Friday")
    detail_url = alice.url
    expect(alice.locator(".receipts-unread")).to_contain_text("Bob")
    expect(alice.locator(".receipts-unread")).to_contain_text("Carol")

    bob = sign_in(browser_session, world.bob.user.email)
    bob.goto("/s/acme/")
    bob.locator(".standing-announcements a", has_text="Fire drill on Friday").click()
    expect(bob.locator(".blog-body strong")).to_have_text("car park")
    bob.locator("button[value=ack]").click()
    expect(bob.locator("article.announcement footer")).to_contain_text("You acknowledged")

    alice.goto(detail_url)
    expect(alice.locator(".receipts-read")).to_contain_text("Bob")
    expect(alice.locator(".receipts-unread")).to_contain_text("Carol")
    expect(alice.locator(".receipts-unread")).not_to_contain_text("Bob")
    alice.locator("button[value=remind]").click()
    expect(alice.locator(".messages")).to_contain_text("A reminder went to 1 people")

    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []
